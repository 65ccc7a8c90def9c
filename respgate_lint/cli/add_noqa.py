"""``respgate check --add-noqa``: mark every current finding with ``# noqa: CODE`` in place.

flake8 looks for ``# noqa`` in the range of physical lines that ``engine.noqa`` computes (a
line, or the lines a multi-line string or a backslash continuation joins). The comment goes
at the end of the LAST line of the reported line's range, the only place where a comment is
always legal (never inside a string, never after a backslash). An existing
``# noqa: X`` in the range is extended (``# noqa: X,RGT001``) instead, since flake8 only reads
the first one. Bytes are written through ``files.write_atomic``: line endings, encoding and
BOM are kept, and only the touched lines change.
"""

from __future__ import annotations

from collections import defaultdict

from ..engine.findings import Finding
from ..engine.noqa import NOQA_RE, logical_line_ranges
from ..files import FileProblem, SourceFile, write_atomic
from ..sourcetext import split_lines, strip_eol

__all__ = ["add_noqa_file", "add_noqa_text"]


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
    wanted: dict[tuple[int, int], set[str]] = defaultdict(set)
    for finding in findings:
        wanted[_range_of(ranges, finding.line)].add(finding.code)
    for (first, last), codes in sorted(wanted.items()):
        if not 1 <= last <= len(lines):
            continue
        if not _extend_existing(lines, first, last, codes):
            body, eol = strip_eol(lines[last - 1])
            lines[last - 1] = f"{body.rstrip(' ')}  # noqa: {','.join(sorted(codes))}{eol}"
    return "".join(lines), len(wanted)


def _extend_existing(lines: list[str], first: int, last: int, codes: set[str]) -> bool:
    """Add ``codes`` to the first ``# noqa: X`` flake8 would read in the range, if any."""
    for number in range(first, last + 1):
        body, eol = strip_eol(lines[number - 1])
        match = NOQA_RE.search(body)
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


def add_noqa_file(source: SourceFile, findings: list[Finding]) -> tuple[int, FileProblem | None]:
    """Write the marked file; (comments added, problem)."""
    new_text, added = add_noqa_text(source.text, findings)
    if not added or new_text == source.text:
        return 0, None
    try:
        data = source.encode(new_text)
    except UnicodeEncodeError as exc:
        return 0, FileProblem(str(source.path), f"cannot encode noqa comment: {exc}", "write")
    return added, write_atomic(source, data)
