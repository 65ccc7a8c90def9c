"""Positions in one file: (line, character column) to byte offsets in its original bytes.

Findings speak in characters (what editors and libcst count); the rewrite splices bytes, so
the file's own encoding, BOM and line endings are never decoded and re-encoded.
"""

from __future__ import annotations

import re

from respgate_lint.engine import Span
from respgate_lint.engine.scopes import LineIndex

__all__ = ["ByteOffsets", "first_newline"]

_NEWLINE_BYTES = re.compile(rb"\r\n?|\n")
_NEWLINE_TEXT = re.compile(r"\r\n?|\n")


class ByteOffsets:
    """(line, character column) -> byte offset in the original bytes, and back to text."""

    def __init__(self, data: bytes, text: str, encoding: str) -> None:
        self.data = data
        self.text_lines = LineIndex(text)
        self.encoding = "utf-8" if encoding == "utf-8-sig" else encoding
        bom = 3 if data.startswith(b"\xef\xbb\xbf") else 0
        self.byte_starts = [bom] + [m.end() for m in _NEWLINE_BYTES.finditer(data, bom)]
        self.newline = first_newline(text) or "\n"

    def char_offset(self, line: int, col: int) -> int:
        return self.text_lines.starts[line - 1] + col

    def text_between(self, span: Span) -> str:
        return self.text_lines.source[self.char_offset(span.line, span.col):
                                      self.char_offset(span.end_line, span.end_col)]

    def byte_offset(self, line: int, col: int) -> int:
        prefix = self.text_lines.text(line)[:col]
        return self.byte_starts[line - 1] + len(prefix.encode(self.encoding))

    def line_start_byte(self, line: int) -> int:
        if line > len(self.byte_starts):
            return len(self.data)
        return self.byte_starts[line - 1]

    def encode(self, text: str) -> bytes:
        return text.encode(self.encoding)


def first_newline(text: str) -> str | None:
    match = _NEWLINE_TEXT.search(text)
    return match.group() if match else None
