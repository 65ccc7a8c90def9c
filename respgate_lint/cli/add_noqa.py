"""``respgate check --add-noqa``: mark every current finding with ``# noqa: CODE`` in place.

flake8 looks for ``# noqa`` in the range of physical lines that ``engine.noqa`` computes (a
line, or the lines a multi-line string or a backslash continuation joins). The comment goes
at the end of the LAST line of the reported line's range, the only place where a comment is
always legal (never inside a string, never after a backslash). An existing
``# noqa: X`` comment in the range is extended (``# noqa: X,RGT001``) instead, since flake8
only reads the first one. Only real comments are edited, found with the tokenizer: a
``# noqa`` written inside a string literal is the program's text and is never changed. (flake8
searches the raw line, string included; where such a string comes first, no comment can
silence the line: the finding stays and is named.) Bytes are written through
``files.write_atomic``: line endings, encoding and BOM are kept, and only the touched lines
change.
"""

from __future__ import annotations

from collections import defaultdict

from ..engine.findings import Finding
from ..engine.noqa import NOQA_RE, comment_spans, is_suppressed, logical_line_ranges, noqa_map
from ..files import FileProblem, SourceFile, write_atomic
from ..sourcetext import split_lines, strip_eol

__all__ = ["add_noqa_file", "add_noqa_text", "still_reported"]


def _range_of(ranges: list[tuple[int, int]], line: int) -> tuple[int, int]:
    for first, last in ranges:
        if first <= line <= last:
            return first, last
    return line, line


def add_noqa_text(text: str, findings: list[Finding]) -> tuple[str, int]:
    """The text with noqa comments added, and how many comments were added or extended."""
    if not findings:
        return text, 0
    lines = split_lines(text)
    ranges = logical_line_ranges(text, len(lines))
    comments = comment_spans(text) or {}
    wanted: dict[tuple[int, int], set[str]] = defaultdict(set)
    for finding in findings:
        wanted[_range_of(ranges, finding.line)].add(finding.code)
    for (first, last), codes in sorted(wanted.items()):
        if not 1 <= last <= len(lines):
            continue
        if not _extend_existing(lines, comments, first, last, codes):
            body, eol = strip_eol(lines[last - 1])
            lines[last - 1] = f"{body.rstrip(' ')}  # noqa: {','.join(sorted(codes))}{eol}"
    return "".join(lines), len(wanted)


def _extend_existing(lines: list[str], comments: dict[int, tuple[int, int]], first: int,
                     last: int, codes: set[str]) -> bool:
    """Add ``codes`` to the first ``# noqa: X`` comment in the range, if any (a comment
    token only: never text inside a string)."""
    for number in range(first, last + 1):
        if number not in comments:
            continue
        body, eol = strip_eol(lines[number - 1])
        start, end = comments[number]
        match = NOQA_RE.search(body, start, end)
        if match is None:
            continue
        if match.group("codes") is None:  # a bare `# noqa` silences everything already
            return True
        present = [c for c in match.group("codes").replace(",", " ").split() if c]
        merged = present + sorted(c for c in codes if c not in present)
        trailing = " " if match.group("codes").endswith((" ", "\t", ",")) else ""
        new = f"# noqa: {','.join(merged)}{trailing}"
        lines[number - 1] = body[:match.start()] + new + body[match.end():] + eol
        return True
    return False


def still_reported(text: str, findings: list[Finding]) -> list[Finding]:
    """The findings a noqa comment in ``text`` does not silence for flake8 (a ``# noqa: X``
    written inside a string earlier on the line is what flake8 reads)."""
    noqa = noqa_map(text)
    return [f for f in findings if not is_suppressed(f, noqa)]


def add_noqa_file(source: SourceFile, findings: list[Finding]) -> tuple[int, FileProblem | None]:
    """Write the marked file; (comments added, problem)."""
    new_text, added = add_noqa_text(source.text, findings)
    if added and new_text != source.text:
        try:
            data = source.encode(new_text)
        except UnicodeEncodeError as exc:
            return 0, FileProblem(str(source.path), f"cannot encode noqa comment: {exc}", "write")
        problem = write_atomic(source, data)
        if problem is not None:
            return 0, problem
    left = still_reported(new_text, findings)
    if left:
        where = ", ".join(str(n) for n in sorted({f.line for f in left}))
        return added, FileProblem(
            str(source.path), f"line {where}: a `# noqa` inside a string literal comes first "
            "on the line and flake8 reads it, not the comment; the finding stays", "noqa")
    return added, None
