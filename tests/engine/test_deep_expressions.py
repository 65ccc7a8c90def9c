"""Long operator chains (generated code, big string concatenations) are walked without
recursion: ``a + b + ...`` as deep as the parser accepts must not raise RecursionError."""

from __future__ import annotations

import pytest

from respgate_lint.config import Settings
from respgate_lint.engine import analyze_source


@pytest.mark.parametrize("op", ["+", "|", "%", "-"])
def test_long_chains_do_not_recurse(op: str) -> None:
    terms = f" {op} ".join(['"a"'] * 1300)
    source = (
        'RESPONSE = "response"\n'
        f"x = {terms}\n"
        "async def f(ws, base):\n"
        f'    await ws.send({{"type": {terms}}})\n'
        f"    ws.send(json.dumps([{terms}]))\n"
        f'    ws.send(f"{{RESPONSE}}" + {terms})\n'
        '    ws.send(base | {"type": "response.create"})\n'
    )
    assert [f.line for f in analyze_source(source, Settings()).findings] == [7]


def test_long_method_chains_do_not_recurse() -> None:
    short = "ResponseCreateEvent()" + ".with_x()" * 3
    long = "ResponseCreateEvent()" + ".with_x()" * 800
    source = f"async def f(ws):\n    await ws.send({short})\n    await ws.send({long})\n"
    assert [f.line for f in analyze_source(source, Settings()).findings] == [2]
