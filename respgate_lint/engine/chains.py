"""``elif`` chains: read as flat lists of branches, never by recursion.

CPython nests each ``elif`` in the ``orelse`` of the ``if`` before it, so a valid chain of a
few thousand branches is a few thousand levels deep: ``ast.parse`` itself gives up
(a ``RecursionError`` "during ast construction" past about 3,000 branches; "too complex"
past about 6,000), and every walker that recurses over statements gives up far earlier
(about 330 branches at the default recursion limit). Two answers, used together:

- ``parse_flat``: when ``ast.parse`` gives up, the same text is parsed with each ``elif``
  keyword spelled ``if`` plus two spaces (same bytes per line, so every position is kept),
  which the parser reads as flat siblings; the siblings are then linked back into the nested
  shape ``ast.parse`` would have built, positions included. No recursion anywhere.
- ``if_chain``: walkers take an ``if``/``elif``/``else`` chain as one list of branches.
"""

from __future__ import annotations

import ast
import io
import tokenize
from collections.abc import Callable

__all__ = ["flat_source", "if_chain", "parse_flat"]


def if_chain(node: ast.If) -> tuple[list[ast.If], list[ast.stmt]]:
    """The ``if`` and each ``elif`` of a chain in order, and the final ``else`` body
    (``[]`` when there is none). An ``else:`` holding only an ``if`` reads the same."""
    chain = [node]
    while len(chain[-1].orelse) == 1 and isinstance(chain[-1].orelse[0], ast.If):
        chain.append(chain[-1].orelse[0])
    return chain, chain[-1].orelse


def parse_flat(text: str, parse: Callable[[str], ast.Module]) -> ast.Module | None:
    """``text`` parsed by ``parse`` with its ``elif`` chains flat, then nested back as
    ``ast.parse`` nests them; None when the text has no ``elif`` (nothing to flatten) or
    does not tokenize. ``parse`` may raise like ``ast.parse``."""
    flat, elifs = _flattened(text)
    if not elifs:
        return None
    tree = parse(flat)
    _renest(tree, elifs)
    return tree


def flat_source(text: str) -> str | None:
    """The text with every ``elif`` spelled ``if  ``, for ``compile`` to check a module too
    deep for it (same statements, same positions); None when there is no ``elif``."""
    flat, elifs = _flattened(text)
    return flat if elifs else None


def _flattened(text: str) -> tuple[str, set[tuple[int, int]]]:
    """The text with every ``elif`` keyword spelled ``if  ``, and where each one was, as
    (line, UTF-8 byte column): the positions ``ast`` gives the nodes."""
    lines = io.StringIO(text, newline=None).readlines()
    elifs: set[tuple[int, int]] = set()
    try:
        tokens = tokenize.generate_tokens(iter(lines).__next__)
        for tok in tokens:
            if tok.type == tokenize.NAME and tok.string == "elif":
                row, col = tok.start
                line = lines[row - 1]
                lines[row - 1] = line[:col] + "if  " + line[col + 4:]
                elifs.add((row, len(line[:col].encode("utf-8"))))
    except (tokenize.TokenError, SyntaxError, StopIteration, IndexError):
        return text, set()
    return "".join(lines), elifs


def _renest(tree: ast.Module, elifs: set[tuple[int, int]]) -> None:
    """Link each former ``elif`` (now a sibling ``if``) into the ``orelse`` of the ``if``
    before it, and stretch the chain's end positions over the branches that follow."""
    for node in list(ast.walk(tree)):
        for field in ("body", "orelse", "finalbody"):
            stmts = getattr(node, field, None)
            if isinstance(stmts, list) and any(isinstance(s, ast.If) for s in stmts):
                setattr(node, field, _linked(stmts, elifs))


def _linked(stmts: list[ast.stmt], elifs: set[tuple[int, int]]) -> list[ast.stmt]:
    kept: list[ast.stmt] = []
    chain: list[ast.If] = []
    for stmt in stmts:
        is_elif = isinstance(stmt, ast.If) and (stmt.lineno, stmt.col_offset) in elifs
        if is_elif and chain and not chain[-1].orelse:
            chain[-1].orelse = [stmt]
            chain.append(stmt)  # type: ignore[arg-type]
            continue
        _stretch(chain)
        kept.append(stmt)
        chain = [stmt] if isinstance(stmt, ast.If) else []
    _stretch(chain)
    return kept


def _stretch(chain: list[ast.If]) -> None:
    """Every ``if`` of a chain ends where its last branch ends, as ``ast.parse`` says."""
    last = chain[-1] if chain else None
    for node in chain[:-1]:
        assert last is not None
        node.end_lineno, node.end_col_offset = last.end_lineno, last.end_col_offset
