"""Physical lines and span text, numbered exactly as ``ast`` numbers them.

The engine reports spans as 1-based lines and 0-based *character* columns; every consumer
that shows or fingerprints the source under a span (text output, baseline, ``--add-noqa``)
reads it through these helpers so they agree on what "line 12" is (``\\r\\n``, ``\\r`` and
``\\n`` all end a line, as for the compiler; a form feed does not).
"""

from __future__ import annotations

import re

from .engine.findings import Span

__all__ = ["span_text", "split_lines", "strip_eol"]

_LINE_RE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def split_lines(text: str) -> list[str]:
    """Lines with their line endings kept; ``"".join(split_lines(t)) == t``."""
    return _LINE_RE.findall(text)


def strip_eol(line: str) -> tuple[str, str]:
    """(content, line ending) of one physical line."""
    body = line.rstrip("\r\n")
    return body, line[len(body):]


def span_text(lines: list[str], span: Span) -> str:
    """The source text a span covers (line endings inside it kept)."""
    if span.line < 1 or span.line > len(lines):
        return ""
    if span.line == span.end_line:
        return strip_eol(lines[span.line - 1])[0][span.col:span.end_col]
    parts = [lines[span.line - 1][span.col:]]
    parts.extend(lines[span.line:span.end_line - 1])
    if span.end_line <= len(lines):
        parts.append(strip_eol(lines[span.end_line - 1])[0][:span.end_col])
    return "".join(parts)
