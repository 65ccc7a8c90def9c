"""Reading Python 3.12 syntax on Python 3.11: PEP 695 type parameters and ``type`` aliases.

respgate supports Python 3.11+, but the code it checks may already use 3.12's generic syntax
(``def f[T](x: T)``, ``class Box[T]``, ``type Alias[T] = ...``), which 3.11's parser rejects:
without this, every send in such a file would go unreported. When (and only when) the parse
fails on an older Python, the type-parameter lists are blanked to spaces and the ``type``
keyword becomes a chained assignment (``type X = int`` -> ``t__= X = int``), keeping every
character's position, so findings point at the real source. Nothing else is changed.
"""

from __future__ import annotations

import io
import sys
import tokenize

__all__ = ["NEEDS_SHIM", "without_type_parameters"]

NEEDS_SHIM = sys.version_info < (3, 12)
_STATEMENT_START = {tokenize.NEWLINE, tokenize.NL, tokenize.INDENT, tokenize.DEDENT,
                    tokenize.ENCODING}


def without_type_parameters(source: str) -> str | None:
    """The source with PEP 695 syntax neutralised in place, or None if it has none."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError):
        return None
    lines = source.splitlines(keepends=True)
    edits: list[tuple[tuple[int, int], tuple[int, int], str | None]] = []  # None: blank
    for i, tok in enumerate(tokens[:-2]):
        name, bracket = tokens[i + 1], tokens[i + 2]
        if tok.type != tokenize.NAME or name.type != tokenize.NAME:
            continue
        starts_statement = i == 0 or tokens[i - 1].type in _STATEMENT_START or (
            tokens[i - 1].type == tokenize.OP and tokens[i - 1].string == ";")
        if tok.string in ("def", "class") or (tok.string == "type" and starts_statement
                                                and bracket.string in ("=", "[")):
            if tok.string == "type":
                edits.append((tok.start, tok.end, "t__="))
            if bracket.type == tokenize.OP and bracket.string == "[":
                end = _closing(tokens, i + 2)
                if end is None:
                    return None
                edits.append((bracket.start, end, None))
    if not edits:
        return None
    return _apply(lines, edits)


def _closing(tokens: list[tokenize.TokenInfo], open_index: int) -> tuple[int, int] | None:
    depth = 0
    for tok in tokens[open_index:]:
        if tok.type == tokenize.OP and tok.string in "([{":
            depth += 1
        elif tok.type == tokenize.OP and tok.string in ")]}":
            depth -= 1
            if depth == 0:
                return tok.end
    return None


def _apply(lines: list[str], edits: list[tuple[tuple[int, int], tuple[int, int],
                                              str | None]]) -> str:
    chars = [list(line) for line in lines]
    for (row, col), (end_row, end_col), text in edits:
        if text is not None:
            chars[row - 1][col:end_col] = list(text)
            continue
        for r in range(row, end_row + 1):
            line = chars[r - 1]
            first = col if r == row else 0
            last = end_col if r == end_row else len(line)
            for c in range(first, last):
                if line[c] not in "\r\n":
                    line[c] = " "
    return "".join("".join(line) for line in chars)
