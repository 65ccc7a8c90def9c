"""``# noqa`` as flake8 defines it, for the entry points that are not flake8.

flake8 applies a ``# noqa`` comment to every physical line of the logical line it sits on
(a multi-line call is one logical line). ``respgate check`` and the codemod do the same,
so a site silenced for flake8 is silenced everywhere.
"""

from __future__ import annotations

import io
import re
import tokenize
from typing import Iterable

from .findings import Finding

__all__ = ["NOQA_RE", "noqa_map", "is_suppressed", "split_suppressed"]

# flake8's own pattern: "# noqa", "# noqa: RGT001", "# noqa:RGT001,E501", any case.
NOQA_RE = re.compile(r"#\s*noqa(?::[\s]?(?P<codes>[A-Z][0-9]+(?:[,\s]+[A-Z][0-9]+)*))?", re.I)
_CODE_SEP = re.compile(r"[,\s]+")


def noqa_map(source: str) -> dict[int, frozenset[str] | None]:
    """line -> codes silenced on it (None: every code). Lines without noqa are absent."""
    if "noqa" not in source.lower():
        return {}
    result: dict[int, frozenset[str] | None] = {}
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError):
        return result
    start = 1
    comments: list[re.Match[str]] = []
    for tok in tokens:
        if tok.type == tokenize.COMMENT:
            match = NOQA_RE.search(tok.string)
            if match:
                comments.append(match)
        elif tok.type in (tokenize.NEWLINE, tokenize.ENDMARKER) or (
                tok.type == tokenize.NL and tok.line.strip().startswith("#")):
            if comments:
                codes = _merge(comments)
                for line in range(start, tok.end[0] + 1):
                    result[line] = codes
                comments = []
            start = tok.end[0] + 1
    return result


def _merge(matches: Iterable[re.Match[str]]) -> frozenset[str] | None:
    codes: set[str] = set()
    for match in matches:
        if not match.group("codes"):
            return None
        codes.update(c.upper() for c in _CODE_SEP.split(match.group("codes")) if c)
    return frozenset(codes)


def is_suppressed(finding: Finding, noqa: dict[int, frozenset[str] | None]) -> bool:
    if finding.line not in noqa:
        return False
    codes = noqa[finding.line]
    return codes is None or any(finding.code.startswith(c) for c in codes)


def split_suppressed(findings: list[Finding], source: str) -> tuple[list[Finding], list[Finding]]:
    """(reported, silenced by noqa)."""
    if not findings:
        return [], []
    noqa = noqa_map(source)
    kept = [f for f in findings if not is_suppressed(f, noqa)]
    silenced = [f for f in findings if is_suppressed(f, noqa)]
    return kept, silenced
