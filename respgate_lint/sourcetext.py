"""The one line model: physical lines numbered exactly as ``ast`` numbers them.

Every consumer that turns a line number into text or bytes goes through this module, so
the engine, ``# noqa``, the text output, baselines, ``--add-noqa``, the codemod's byte
offsets and ``fix --diff`` all agree on what "line 12" is:

* a **physical line** ends at ``\\r\\n``, ``\\r`` or ``\\n`` (the compiler's universal
  newlines, also what flake8 reads); nothing else ends one. ``str.splitlines`` is wrong
  for source: it also splits at a form feed, ``\\x0b``, ``\\x1c``-``\\x1e``, ``\\x85``,
  ``\\u2028`` and ``\\u2029``, which are ordinary characters to Python (in strings,
  comments, indentation).
* a **patch line** (:func:`lf_lines`) ends at ``\\n`` only: that is the unit of
  ``git apply`` and ``patch``, so the diff writer works on those.

Imports nothing from the package: the engine, the CLI and the codemods all use it.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from typing import AnyStr, Protocol

__all__ = [
    "ByteOffsets",
    "LineIndex",
    "SpanLike",
    "first_newline",
    "lf_lines",
    "line_starts",
    "normalize_newlines",
    "span_text",
    "split_lines",
    "strip_eol",
]

_LINE_END = re.compile(r"\r\n?|\n")
_LINE_END_B = re.compile(rb"\r\n?|\n")
_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
_LINES_B = re.compile(rb"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
_LF_LINES = re.compile(r"[^\n]*\n|[^\n]+\Z")
_LF_LINES_B = re.compile(rb"[^\n]*\n|[^\n]+\Z")
_BOM = b"\xef\xbb\xbf"
# A physical line ending (one per line, as _LINE_END cuts them) or a maximal word.
_WORD_OR_EOL = re.compile(r"\r\n?|\n|\w+")
_WORD = re.compile(r"\w+")


def split_lines(text: AnyStr) -> list[AnyStr]:
    """Physical lines with their endings kept; ``"".join(split_lines(t)) == t``.

    Works on text and on the bytes of an ASCII-compatible encoding (UTF-8, latin-1, ...:
    the only encodings a Python source file can have), where the same lines come out.
    """
    if isinstance(text, bytes):
        return _LINES_B.findall(text)
    return _LINES.findall(text)


def lf_lines(text: AnyStr) -> list[AnyStr]:
    """Lines ended by ``\\n`` alone (a lone ``\\r`` stays inside a line): patch lines.

    ``git apply`` and ``patch`` cut a patch and the file it applies to at ``\\n`` only, so
    a unified diff must be made of these, never of physical lines (a CR-only file is one
    patch line).
    """
    if isinstance(text, bytes):
        return _LF_LINES_B.findall(text)
    return _LF_LINES.findall(text)


def strip_eol(line: AnyStr) -> tuple[AnyStr, AnyStr]:
    """(content, line ending) of one physical line."""
    body = line.rstrip(b"\r\n") if isinstance(line, bytes) else line.rstrip("\r\n")
    return body, line[len(body):]


def line_starts(text: AnyStr, start: int = 0) -> list[int]:
    """Offsets where each physical line begins, the first one at ``start`` (after a BOM)."""
    if isinstance(text, bytes):
        return [start] + [m.end() for m in _LINE_END_B.finditer(text, start)]
    return [start] + [m.end() for m in _LINE_END.finditer(text, start)]


def first_newline(text: str) -> str | None:
    """The first line ending of ``text`` (what new lines written into it should use)."""
    match = _LINE_END.search(text)
    return match.group() if match else None


def normalize_newlines(text: str) -> str:
    """Every line ending as ``\\n`` (libcst and ``ast`` snippets are parsed that way)."""
    return _LINE_END.sub("\n", text)


class SpanLike(Protocol):
    """1-based lines and 0-based character columns (``engine.findings.Span`` is one)."""

    @property
    def line(self) -> int: ...
    @property
    def col(self) -> int: ...
    @property
    def end_line(self) -> int: ...
    @property
    def end_col(self) -> int: ...


def span_text(lines: list[str], span: SpanLike) -> str:
    """The source text a span covers (line endings inside it kept); ``lines`` from
    :func:`split_lines`."""
    if span.line < 1 or span.line > len(lines):
        return ""
    if span.line == span.end_line:
        return strip_eol(lines[span.line - 1])[0][span.col:span.end_col]
    parts = [lines[span.line - 1][span.col:]]
    parts.extend(lines[span.line:span.end_line - 1])
    if span.end_line <= len(lines):
        parts.append(strip_eol(lines[span.end_line - 1])[0][:span.end_col])
    return "".join(parts)


class LineIndex:
    """Physical line starts of a text: line of an offset, a line's text, character columns."""

    # Whole-word lookups: this many regex scans of the text, then one index of every word.
    WORD_SCANS = 2

    def __init__(self, source: str) -> None:
        self.source = source
        self.starts = line_starts(source)
        self.word_scans = 0          # full-text scans made for whole-word lookups
        self.index_builds = 0        # ... and indexes built (at most one)
        self._words: dict[str, list[int]] | None = None

    def line_of(self, offset: int) -> int:
        """1-based line number holding a character offset."""
        return bisect.bisect_right(self.starts, offset)

    def text(self, line: int) -> str:
        """Line ``line`` (1-based), its ending kept."""
        start = self.starts[line - 1]
        end = self.starts[line] if line < len(self.starts) else len(self.source)
        return self.source[start:end]

    def lines_text(self, first: int, last: int) -> str:
        """The text of lines ``first`` to ``last`` (1-based, inclusive, endings kept)."""
        start = self.starts[first - 1]
        end = self.starts[last] if last < len(self.starts) else len(self.source)
        return self.source[start:end]

    def char_col(self, line: int, byte_col: int) -> int:
        """``ast`` columns are UTF-8 byte offsets; editors and libcst count characters."""
        if line > len(self.starts):
            return byte_col
        text = self.text(line)
        if text.isascii():
            return byte_col
        return len(text.encode("utf-8")[:byte_col].decode("utf-8", "replace"))

    def lines_matching(self, regex: re.Pattern[str]) -> set[int]:
        """Lines on which ``regex`` has a match starting."""
        return {self.line_of(m.start()) for m in regex.finditer(self.source)}

    def lines_with_words(self, words: Iterable[str]) -> set[int]:
        """Lines on which one of ``words`` stands as a whole word (as ``\\bword\\b`` finds it).

        The engine asks this once per newly watched name, possibly thousands of times a
        file. The first few asks scan the text (one regex for all their words, the cheapest
        for the usual handful); after ``WORD_SCANS`` scans, or for a batch too big for one
        alternation, one index of every word's lines is built and every later ask costs
        only its words' occurrences: never a scan per name.
        """
        wanted = sorted({w for w in words if w})
        odd = [w for w in wanted if not _WORD.fullmatch(w)]  # not one word: the regex decides
        if not wanted:
            return set()
        if odd or (self._words is None and self.word_scans < self.WORD_SCANS
                   and len(wanted) <= 16):
            self.word_scans += 1
            regex = re.compile(r"\b(?:%s)\b" % "|".join(re.escape(w) for w in wanted))
            return self.lines_matching(regex)
        index = self._word_index()
        return {line for word in wanted for line in index.get(word, ())}

    def _word_index(self) -> dict[str, list[int]]:
        """Every maximal run of word characters -> the lines it is on (ascending, once)."""
        if self._words is None:
            self.index_builds += 1
            index: dict[str, list[int]] = {}
            line = 1
            for token in _WORD_OR_EOL.findall(self.source):
                if token[0] in "\r\n":
                    line += 1
                    continue
                lines = index.get(token)
                if lines is None:
                    index[token] = [line]
                elif lines[-1] != line:
                    lines.append(line)
            self._words = index
        return self._words


class ByteOffsets:
    """(line, character column) of the decoded text -> offset in the file's original bytes.

    The codemod splices bytes so that everything it does not rewrite keeps its exact bytes;
    this maps the engine's positions onto them. Line ``n`` of the bytes (after a BOM) and of
    the text are the same line because both are cut by :func:`line_starts`.
    """

    def __init__(self, data: bytes, text: str, encoding: str) -> None:
        self.data = data
        self.text_lines = LineIndex(text)
        self.encoding = "utf-8" if encoding == "utf-8-sig" else encoding
        self.byte_starts = line_starts(data, len(_BOM) if data.startswith(_BOM) else 0)
        self.newline = first_newline(text) or "\n"

    def char_offset(self, line: int, col: int) -> int:
        """Offset in the decoded text."""
        return self.text_lines.starts[line - 1] + col

    def text_between(self, span: SpanLike) -> str:
        """The decoded text a span covers (line endings inside it kept)."""
        return self.text_lines.source[self.char_offset(span.line, span.col):
                                      self.char_offset(span.end_line, span.end_col)]

    def byte_offset(self, line: int, col: int) -> int:
        """Offset in the original bytes."""
        prefix = self.text_lines.text(line)[:col]
        return self.byte_starts[line - 1] + len(prefix.encode(self.encoding))

    def line_start_byte(self, line: int) -> int:
        """Where line ``line`` starts in the bytes (the end of the data past the last line)."""
        if line > len(self.byte_starts):
            return len(self.data)
        return self.byte_starts[line - 1]

    def encode(self, text: str) -> bytes:
        """New text in the file's encoding (never a second BOM)."""
        return text.encode(self.encoding)
