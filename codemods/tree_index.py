"""Positions in a parsed module for the reason evidence, found in O(log n) per question.

``evidence.py`` asks, for every rewritten site: which statements enclose it (the chain from
the module down), where its statement stands in its block, which statements of a block
fall in a window of lines, and where a name was last assigned before it. Scanning blocks
and function bodies for that made a file with thousands of sites quadratic; here each
block's line spans are read once and then bisected, and each function's assignments are
collected once.

Blocks are the statement lists of ``ast`` nodes (``body``, ``orelse``, ``finalbody``,
``handlers``, ``cases``): their members follow each other in source order without
overlapping, except statements sharing a line (``a; b``), which this handles.
"""

from __future__ import annotations

import ast
import bisect
from collections.abc import Iterator
from dataclasses import dataclass

from respgate_lint.sourcetext import LineIndex

__all__ = ["Chain", "TreeIndex", "child_blocks", "span_of"]

Chain = list[tuple[ast.AST, str, ast.AST]]   # (parent, field, child), innermost first

_BLOCK_FIELDS = ("body", "orelse", "finalbody", "handlers", "cases")
_FUNCS = (ast.FunctionDef, ast.AsyncFunctionDef)


def span_of(node: ast.AST) -> tuple[int, int]:
    """First and last line of a statement, except clause or ``case``."""
    if isinstance(node, ast.match_case):
        return node.pattern.lineno, span_of(node.body[-1])[1]
    return node.lineno, node.end_lineno or node.lineno  # type: ignore[attr-defined]


def child_blocks(node: ast.AST) -> Iterator[tuple[str, list[ast.AST]]]:
    """The non-empty statement lists of a node, in field order."""
    for name in _BLOCK_FIELDS:
        block = getattr(node, name, None)
        if isinstance(block, list) and block and isinstance(block[0], ast.AST):
            yield name, block


@dataclass(frozen=True)
class _Spans:
    """One block's line spans: starts (for bisect) and the running maximum of the ends."""

    starts: list[int]
    ends: list[int]
    max_end: list[int]   # max_end[i] = max(ends[:i + 1])
    ordered: bool        # starts never decrease (else questions fall back to a scan)


class TreeIndex:
    """Line spans of blocks, computed once per block; lookups by bisection."""

    def __init__(self, tree: ast.Module, text: str) -> None:
        self.tree = tree
        self.lines = LineIndex(text)
        self._spans: dict[int, _Spans] = {}
        self._assignments: dict[int, dict[str, list[tuple[int, int, ast.stmt]]]] = {}

    def line(self, number: int) -> str:
        """Source line ``number`` (1-based, ending kept), "" past either end."""
        if number < 1 or number > len(self.lines.starts):
            return ""
        return self.lines.text(number)

    def spans(self, block: list[ast.AST]) -> _Spans:
        key = id(block)
        found = self._spans.get(key)
        if found is None:
            pairs = [span_of(child) for child in block]
            starts = [start for start, _ in pairs]
            ends = [end for _, end in pairs]
            max_end, top = [], 0
            for end in ends:
                top = max(top, end)
                max_end.append(top)
            ordered = all(a <= b for a, b in zip(starts, starts[1:]))
            found = self._spans[key] = _Spans(starts, ends, max_end, ordered)
        return found

    def containing(self, block: list[ast.AST], first: int, last: int) -> list[int]:
        """Indexes (ascending) of the members of ``block`` whose lines contain first..last."""
        spans = self.spans(block)
        return [i for i in self.overlapping(block, first, first)
                if spans.starts[i] <= first and last <= spans.ends[i]]

    def overlapping(self, block: list[ast.AST], lo: int, hi: int) -> list[int]:
        """Indexes (ascending) of the members of ``block`` with a line in lo..hi."""
        spans = self.spans(block)
        if not spans.ordered:
            return [i for i in range(len(block)) if spans.ends[i] >= lo and spans.starts[i] <= hi]
        stop = bisect.bisect_right(spans.starts, hi)   # members from ``stop`` start after hi
        # members up to ``begin`` all end before lo (running maximum): none overlaps
        begin = bisect.bisect_left(spans.max_end, lo, 0, stop)
        return [i for i in range(begin, stop) if spans.ends[i] >= lo]

    def position(self, block: list[ast.AST], child: ast.AST) -> int:
        """Index of ``child`` (by identity) in ``block``."""
        first, last = span_of(child)
        for i in self.overlapping(block, first, last):
            if block[i] is child:
                return i
        return next(i for i, s in enumerate(block) if s is child)

    def path_to(self, line: int, end_line: int, col: int) -> Chain:
        """The chain from the statement spanning ``line``..``end_line`` at character column
        ``col`` up to the module; [] if there is none. From the module down, each level
        takes the statement itself if it is there, else the first compound member (or
        except clause, or case) of the first block that contains the span."""
        node: ast.AST = self.tree
        path: Chain = []
        while True:
            step = None
            for name, block in child_blocks(node):
                for i in self.containing(block, line, end_line):
                    child = block[i]
                    start, end = span_of(child)
                    if (isinstance(child, ast.stmt) and (start, end) == (line, end_line)
                            and self.lines.char_col(start, child.col_offset) == col):
                        path.append((node, name, child))
                        return path[::-1]
                    if step is None and isinstance(child, (*_COMPOUND, ast.ExceptHandler,
                                                           ast.match_case)):
                        step = (node, name, child)
            if step is None:
                return []
            path.append(step)
            node = step[2]

    def assigned_before(self, function: ast.AST, name: str, line: int) -> ast.stmt | None:
        """The assignment of ``name`` (a plain target) in ``function`` (nested scopes
        included) on the latest line before ``line``; on a tie, the first in ``ast.walk``
        order."""
        table = self._assignments.get(id(function))
        if table is None:
            table = {}
            for order, node in enumerate(ast.walk(function)):
                if isinstance(node, (ast.Assign, ast.AnnAssign)):
                    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                    for target in {t.id for t in targets if isinstance(t, ast.Name)}:
                        table.setdefault(target, []).append((node.lineno, order, node))
            for entries in table.values():
                entries.sort(key=lambda entry: (entry[0], entry[1]))
            self._assignments[id(function)] = table
        entries = table.get(name)
        if not entries:
            return None
        below = bisect.bisect_left(entries, line, key=lambda entry: entry[0])
        if below == 0:
            return None
        latest = entries[below - 1][0]
        first = bisect.bisect_left(entries, latest, 0, below, key=lambda entry: entry[0])
        return entries[first][2]


_COMPOUND = (ast.If, ast.For, ast.AsyncFor, ast.While, ast.With, ast.AsyncWith, ast.Try,
             ast.Match, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef,
             getattr(ast, "TryStar", ast.Try))
