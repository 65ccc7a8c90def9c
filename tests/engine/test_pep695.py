"""Python 3.12 generic syntax in checked code: found and fixed on every supported Python.

On 3.11 the parser rejects ``def f[T]``, ``class C[T]`` and ``type X = ...``; the engine then
reads the file with those neutralised in place (``engine/compat.py``), so no send is missed
and every column still points at the real source.
"""

from __future__ import annotations

from respgate_lint.codemods.rewrite import rewrite_source
from respgate_lint.config import Settings
from respgate_lint.engine import analyze_source
from respgate_lint.engine.compat import without_type_parameters

SOURCE = '''import json
from respgate_lint.runtime import GatedResponseMixin

type Handler[T] = dict[str, T]


class Bridge[T: (int, str)](GatedResponseMixin):
    def go[U](self, x: U) -> U:
        return x

    async def on_done(self, ws):
        await ws.send(json.dumps({"type": "response.create"}))


def relay[T](
    ws: T,
):
    ws.send(json.dumps({"type": "response.create"}))
'''


def test_shim_keeps_every_position_and_only_touches_type_parameters() -> None:
    shimmed = without_type_parameters(SOURCE)
    assert shimmed is not None and len(shimmed) == len(SOURCE)
    assert shimmed.splitlines()[3] == "t__= Handler    = dict[str, T]"
    assert "class Bridge" + " " * len("[T: (int, str)]") + "(GatedResponseMixin):" in shimmed
    assert [i for i, (a, b) in enumerate(zip(SOURCE, shimmed)) if a != b and a in "\n\r"] == []
    assert without_type_parameters("x = 1\n") is None


def test_sends_in_generic_code_are_found_with_real_columns() -> None:
    findings = analyze_source(SOURCE, Settings()).findings
    assert [(f.line, f.col) for f in findings] == [(12, 14), (18, 4)]


def test_sends_in_generic_code_are_fixed() -> None:
    result = rewrite_source(SOURCE.encode(), SOURCE, "utf-8", Settings())
    assert result.error is None and result.problem is None
    text = result.data.decode()
    assert 'await self.trigger_response("DONE", ws, force=False)' in text
    assert "type Handler[T] = dict[str, T]" in text and "class Bridge[T: (int, str)]" in text
