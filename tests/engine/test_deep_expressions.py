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


# -- elif chains: CPython nests each elif in the else of the one before --------------------
def _elif_chain(branches: int, *, send_in: str = "last") -> str:
    """A handler whose `if name == ...` chain has ``branches`` branches; the send is in the
    branch named ``send_in``, then an else."""
    lines = ["class Bridge:",
             "    async def trigger_response(self, reason, client, force=False):",
             "        await client.send_event({'type': 'response.create'})",
             "",
             "    async def on_tool(self, name):",
             "        evt = None",
             "        if name == 'b0':",
             "            pass"]
    for i in range(1, branches - 1):
        lines += [f"        elif name == 'b{i}':", "            evt = {'type': 'other'}"]
    lines += [f"        elif name == '{send_in}':",
              '            await self.client.send_event({"type": "response.create"})',
              "            evt = {'type': 'response.create'}",
              "        else:",
              "            pass",
              "        await self.client.send_event(evt)"]
    return "\n".join(lines) + "\n"


def _send_line(source: str) -> int:
    return next(n for n, line in enumerate(source.splitlines(), 1)
                if 'send_event({"type"' in line)


@pytest.mark.parametrize("branches", [325, 1000, 3000, 8000])
def test_deep_elif_chain_is_analysed(branches: int) -> None:
    source = _elif_chain(branches)
    lines = [f.line for f in analyze_source(source, Settings()).findings]
    # the send in the last branch, and the variable it may hold after the chain
    assert lines == [_send_line(source), len(source.splitlines())]


def test_flat_parse_builds_the_tree_ast_parse_builds() -> None:
    """Positions and nesting, for chains in functions, classes, loops, try, match and else."""
    import ast

    from respgate_lint.engine.chains import parse_flat
    source = _elif_chain(60) + (
        "for x in y:\n    if a:\n        pass\n    elif b:\n        pass\nelse:\n"
        "    if c: pass\n    elif d: pass  # elif here too\n    else:\n        if e: pass\n"
        "try:\n    pass\nexcept E:\n    if f: pass\n    elif g: 'elif'\nfinally:\n"
        "    if h: pass\n    elif i:\n        if j: pass\n        elif k: pass\n"
        "match z:\n    case 1:\n        if l: pass\n        elif m: pass\n"
        "x = 'é'; y = 1 if a else 2\nif n: pass\nelif o: pass\nelse: pass\n")
    expected = ast.dump(ast.parse(source), include_attributes=True)
    flat = parse_flat(source, ast.parse)
    assert flat is not None and ast.dump(flat, include_attributes=True) == expected


def test_parse_source_reads_a_chain_too_deep_for_ast_parse() -> None:
    import ast

    from respgate_lint.engine import parse_source
    source = _elif_chain(7000)
    with pytest.raises((RecursionError, MemoryError)):
        ast.parse(source)
    tree = parse_source(source)
    method = tree.body[0].body[1]        # type: ignore[attr-defined]
    chain = method.body[1]
    depth = 0
    while chain.orelse and isinstance(chain.orelse[0], ast.If):
        chain, depth = chain.orelse[0], depth + 1
    assert depth == 7000 - 1 and chain.test.comparators[0].value == "last"
    assert method.body[1].end_lineno == chain.end_lineno == len(source.splitlines()) - 1


def test_deep_elif_chain_in_factories_and_at_module_level() -> None:
    branches = ["if kind == 'b0':", "    pass"]
    for i in range(1, 3000):
        branches += [f"elif kind == 'b{i}':", "    pass"]
    module = "\n".join(["kind = 'x'", *branches, "else:", "    RC = {'type': 'response.create'}",
                        "async def later(client):", "    await client.send_event(RC)"]) + "\n"
    factory = "\n".join(["def make(kind):", *("    " + b for b in branches), "    else:",
                         "        return {'type': 'response.create'}",
                         "async def go(client):", "    await client.send_event(make('x'))"]) + "\n"
    for source in (module, factory):
        lines = [f.line for f in analyze_source(source, Settings()).findings]
        assert lines == [len(source.splitlines())]
