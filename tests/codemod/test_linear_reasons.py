"""Naming reasons grows linearly with the sites of a file, and names stay what they were.

No clocks: the work is the number of Python lines of the package executed (``sys.settrace``),
deterministic. Finding each site's statement by scanning the blocks above it, or numbering
ordinal suffixes by counting up from ``_2`` for every site, ran lines per earlier site: 4x the
sites then cost far more than 4x the lines. The structures that replaced the scans
(``codemods/tree_index.py``) are checked against the plain scans they replaced.
"""

from __future__ import annotations

import ast
import itertools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from respgate_lint.codemods.rewrite import rewrite_file
from respgate_lint.codemods.tree_index import TreeIndex, child_blocks, span_of

from respgate_lint.config import Settings
from respgate_lint.files import SourceFile
from respgate_lint.runner import check_source
from tests.workcount import LINEAR, lines_executed

_HEAD = '''\
class Bridge:
    def __init__(self, client):
        self.client = client

    async def trigger_response(self, reason, client=None, force=False):
        await (client or self.client).send_event({"type": "response.create"})
'''
_SEND = 'await self.client.send_event({"type": "response.create"})'


def one_method_each(n: int) -> str:
    """``n`` methods of one class, one send each: every site's path crosses the class body."""
    return _HEAD + "".join(f"\n    async def on_tool_{i}(self):\n        {_SEND}\n"
                           for i in range(n))


def same_evidence(n: int) -> str:
    """``n`` identical sends in one method: names told apart by ordinal suffixes only."""
    return _HEAD + "\n    async def on_event(self, event):\n" + f"        {_SEND}\n" * n


def _analysed(text: str) -> Any:
    source = SourceFile(Path("bridge.py"), text.encode("utf-8"), text, "utf-8")
    return check_source(source, Settings(), keep=True)


@pytest.mark.parametrize("shape, small", [(one_method_each, 100), (same_evidence, 100)])
def test_rewrite_work_is_linear_in_sites(shape: Callable[[int], str], small: int) -> None:
    works = []
    for n in (small, 4 * small):
        analysed = _analysed(shape(n))
        assert len(analysed.findings) == n
        works.append(lines_executed(lambda: rewrite_file(analysed, Settings())))
    assert works[1] / works[0] <= LINEAR, works


def test_ordinal_suffixes_are_numbered_in_source_order() -> None:
    result = rewrite_file(_analysed(same_evidence(12)), Settings())
    assert [s.reason for s in result.sites] == ["EVENT"] + [f"EVENT_{i}" for i in range(2, 13)]


# -- the index against the scans it replaced ---------------------------------------------
_PROGRAMS = [
    "a = 1; b = 2\nif a:\n    c = 3; d = (\n        4)\nelse:\n    e = 5\nf = 6; g = 7\n",
    "try:\n    x = 1\nexcept E:\n    y = 2\nexcept F:\n    z = 3\nfinally:\n    w = 4\n",
    "match v:\n    case 1:\n        a = 1\n    case [x, y]:\n        b = 2; c = 3\n    case _:\n"
    "        pass\n",
    "@dec\nclass K:\n    x = 1\n\n    @staticmethod\n    def f():\n        return 1; y = 2\n",
    "for i in r:\n    if i: continue\n    s = i\nwhile t:\n    u = 1; v = 2\nwith m as n:\n"
    "    o = 1\n",
]


def _blocks(tree: ast.AST) -> list[list[ast.AST]]:
    return [block for node in ast.walk(tree) for _, block in child_blocks(node)]


@pytest.mark.parametrize("program", _PROGRAMS)
def test_overlapping_and_position_match_a_scan(program: str) -> None:
    tree = ast.parse(program)
    index = TreeIndex(tree, program)
    last = program.count("\n") + 1
    for block in _blocks(tree):
        for lo, hi in itertools.combinations_with_replacement(range(0, last + 2), 2):
            scan = [i for i, child in enumerate(block)
                    if span_of(child)[1] >= lo and span_of(child)[0] <= hi]
            assert index.overlapping(block, lo, hi) == scan, (lo, hi)
            contain = [i for i, child in enumerate(block)
                       if span_of(child)[0] <= lo and hi <= span_of(child)[1]]
            assert index.containing(block, lo, hi) == contain, (lo, hi)
        for i, child in enumerate(block):
            assert index.position(block, child) == i


@pytest.mark.parametrize("program", _PROGRAMS)
def test_path_to_finds_every_statement(program: str) -> None:
    tree = ast.parse(program)
    index = TreeIndex(tree, program)
    for node in ast.walk(tree):
        if isinstance(node, ast.stmt) and not isinstance(node, ast.ExceptHandler):
            chain = index.path_to(node.lineno, node.end_lineno or node.lineno, node.col_offset)
            assert chain and chain[0][2] is node
            assert chain[-1][0] is tree


def test_assigned_before_matches_a_walk() -> None:
    program = ("def f(p):\n    r = 1\n    r = 2; r = 3\n    if p:\n        r: int = 4\n"
               "    def g():\n        r = 5\n    q = r\n    r = 6\n")
    tree = ast.parse(program)
    function = tree.body[0]
    index = TreeIndex(tree, program)
    for line in range(1, 11):
        best = None
        for node in ast.walk(function):
            if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.lineno < line:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if any(isinstance(t, ast.Name) and t.id == "r" for t in targets) and (
                        best is None or node.lineno > best.lineno):
                    best = node
        assert index.assigned_before(function, "r", line) is best, line
    assert index.assigned_before(function, "nothing", 10) is None
