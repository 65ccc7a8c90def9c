"""``# noqa`` exactly as flake8 applies it, for the entry points that are not flake8.

flake8 searches a finding's physical line for the first ``# noqa[: CODES]``; a line inside a
multi-line string token is searched together with the whole string's lines. A line
``# flake8: noqa`` silences the whole file. ``respgate check`` and the codemod do the same,
so a site silenced for flake8 is silenced everywhere and vice versa.
"""

from __future__ import annotations

import io
import re
import tokenize

from ..sourcetext import split_lines
from .findings import Finding

__all__ = ["NOQA_RE", "comment_spans", "is_suppressed", "logical_line_ranges", "noqa_map",
           "split_suppressed"]

# flake8's own patterns (flake8/defaults.py).
NOQA_RE = re.compile(r"# noqa(?::[\s]?(?P<codes>([A-Z]+[0-9]+(?:[,\s]+)?)+))?", re.IGNORECASE)
NOQA_FILE_RE = re.compile(r"\s*# flake8[:=]\s*noqa", re.IGNORECASE)
_SEP = re.compile(r"[,\s]")

# line -> codes silenced there (None: every code); the key 0 means "the whole file".
NoqaMap = dict[int, "frozenset[str] | None"]


def noqa_map(source: str) -> NoqaMap:
    """Which lines carry a noqa comment, computed only when the text mentions noqa."""
    if "noqa" not in source.lower():
        return {}
    # flake8 reads the file with universal newlines (tokenize.open) and its tokenizer's
    # readline then splits at "\n": so "\r\n", "\r" and "\n" end a line and nothing else
    # does (never \f or \u2028, as str.splitlines would). That is sourcetext's physical
    # line: a CR-only file is silenced on the lines flake8 silences and the engine reports.
    lines = split_lines(source)
    if any(NOQA_FILE_RE.match(line) for line in lines):
        return {0: None}
    result: NoqaMap = {}
    for first, last in logical_line_ranges(source, len(lines)):
        match = NOQA_RE.search("".join(lines[first - 1:last]))
        if match:
            codes = match.group("codes")
            value = None if codes is None else frozenset(c for c in _SEP.split(codes) if c)
            for line in range(first, last + 1):
                result[line] = value
    return result


def _tokens(source: str) -> list[tokenize.TokenInfo] | None:
    """The tokens flake8's tokenizer sees, or None if the text does not tokenize."""
    try:
        # newline=None: the universal-newline lines flake8 gives its tokenizer (see above).
        readline = io.StringIO(source, newline=None).readline
        return list(tokenize.generate_tokens(readline))
    except (tokenize.TokenError, SyntaxError):
        return None


def comment_spans(source: str) -> dict[int, tuple[int, int]] | None:
    """line -> (start, end) character columns of the real comment on it (a ``#`` inside a
    string is text, not a comment); None if the text does not tokenize. Columns index the
    physical line of ``sourcetext.split_lines`` (the same line breaks)."""
    tokens = _tokens(source)
    if tokens is None:
        return None
    return {tok.start[0]: (tok.start[1], tok.end[1])
            for tok in tokens if tok.type == tokenize.COMMENT}


def logical_line_ranges(source: str, count: int) -> list[tuple[int, int]]:
    """Physical line ranges flake8 searches together (multi-line strings join lines)."""
    tokens = _tokens(source)
    if tokens is None:
        return [(n, n) for n in range(1, count + 1)]
    ranges = []
    low, high = count + 2, -1
    for tok in tokens:
        if tok.type in (tokenize.ENDMARKER, tokenize.DEDENT):
            continue
        low, high = min(low, tok.start[0]), max(high, tok.end[0])
        if tok.type in (tokenize.NL, tokenize.NEWLINE):
            ranges.append((low, high))
            low, high = count + 2, -1
    return ranges


def is_suppressed(finding: Finding, noqa: NoqaMap) -> bool:
    if 0 in noqa:
        return True
    if finding.line not in noqa:
        return False
    codes = noqa[finding.line]
    return codes is None or finding.code.startswith(tuple(codes))


def split_suppressed(findings: list[Finding], source: str) -> tuple[list[Finding], list[Finding]]:
    """(reported, silenced by noqa)."""
    if not findings:
        return [], []
    noqa = noqa_map(source)
    kept = [f for f in findings if not is_suppressed(f, noqa)]
    silenced = [f for f in findings if is_suppressed(f, noqa)]
    return kept, silenced
