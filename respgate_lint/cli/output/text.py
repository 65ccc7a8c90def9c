"""``--output-format text``: for people at a terminal, and greppable when piped.

Each finding starts with flake8's ``path:line:col: CODE message`` line (editors and CI log
viewers link it), followed by the source line with the reported call underlined. On a
terminal (or with ``FORCE_COLOR``) rich colours it and groups findings under a header per
file; when stdout is not a terminal or ``NO_COLOR`` is set the output is plain ASCII
structure: no colour, no box drawing, no escape codes. rich is imported only when there is
something to draw in colour. File names and messages are escaped (``terminal.escape_text``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, NamedTuple, TextIO

from ...runner import FileResult
from ...sourcetext import strip_eol
from ..terminal import escape_text
from . import Report, fix_hint, plain_message, shown_path, use_plain

if TYPE_CHECKING:  # pragma: no cover
    from rich.text import Text

    from ...engine.findings import Finding

__all__ = ["render"]

# (kind of problem) -> flake8's code for it, so `path:1:1: E902 ...` lines look familiar
_PROBLEM_CODES = {"syntax": "E999"}

# A line longer than this is shown as a window around the call: context before and after,
# the call itself up to _CALL characters. So each finding costs the same few hundred
# characters whatever the line's length (4,000 sends on one generated line stay linear).
_MAX_LINE = 200
_BEFORE = 40
_CALL = 160
_AFTER = 40


def render(report: Report, stream: TextIO) -> None:
    plain = use_plain(stream)
    if not report.results:
        stream.write(_summary(report) + "\n")
        return
    if plain:
        stream.writelines(line + "\n" for line in _plain_lines(report))
    else:
        _render_rich(report, stream)


def _problem_line(result: FileResult) -> str:
    assert result.problem is not None
    code = _PROBLEM_CODES.get(result.problem.kind, "E902")
    return f"{shown_path(result.path)}:1:1: {code} {escape_text(result.problem.message)}"


def _location(result: FileResult, finding: Finding) -> str:
    """``path:line:col:``, at column 0 (what editors and terminals turn into a link)."""
    return f"{shown_path(result.path)}:{finding.line}:{finding.col + 1}:"


def _bodies(result: FileResult) -> dict[int, str]:
    """Each reported line without its line ending, computed once per line (not per finding)."""
    return {number: strip_eol(text)[0] for number, text in result.reported_lines().items()}


def _plain_lines(report: Report) -> Iterator[str]:
    for result in report.results:
        if result.problem is not None:
            yield _problem_line(result)
            continue
        if report.statistics:
            continue
        bodies = _bodies(result)
        for finding in result.findings:
            yield f"{_location(result, finding)} {finding.code} {escape_text(plain_message(finding))}"
            excerpt = _excerpt(bodies, finding)
            if excerpt is not None:
                yield from excerpt.rows()
            yield ""
    if report.statistics:
        yield from _statistics_lines(report)
    yield _summary(report)


class _Excerpt(NamedTuple):
    """The reported line (or a window of it) cut around the call, ready to print."""

    number: str
    lead: str      # "..." when the window starts after the line's start
    before: str    # escaped text before the call
    call: str      # escaped text of the call (its first line)
    after: str
    tail: str      # "..." when the window ends before the line's end
    hint: str

    @property
    def gutter(self) -> str:
        return f" {self.number} | "

    def rows(self) -> list[str]:
        pad = " " * len(self.number)
        indent = "".join("\t" if ch == "\t" else " " for ch in self.lead + self.before)
        return [f"{self.gutter}{self.lead}{self.before}{self.call}{self.after}{self.tail}",
                f" {pad} | {indent}{'^' * max(1, len(self.call))}",
                f" {pad} = {self.hint}"]


def _excerpt(bodies: dict[int, str], finding: Finding) -> _Excerpt | None:
    """The reported line and where the call is on it (first line of a long call); a long
    line is cut to a window, so the work and the output per finding are bounded."""
    body = bodies.get(finding.line)
    if body is None:
        return None
    col = min(finding.col, len(body))
    end = finding.span.end_col if finding.span.end_line == finding.line else len(body)
    end = min(max(end, col + 1), len(body))
    first, last = 0, len(body)
    if len(body) > _MAX_LINE:
        first = max(0, col - _BEFORE)
        last = min(len(body), min(end, col + _CALL) + _AFTER)
    call_end = min(end, last)

    def show(text: str) -> str:
        return escape_text(text, keep="\t")

    return _Excerpt(str(finding.line), "..." if first else "", show(body[first:col]),
                    show(body[col:call_end]), show(body[call_end:last]),
                    "..." if last < len(body) else "", escape_text(fix_hint(finding)))


def _statistics_lines(report: Report) -> Iterator[str]:
    from ...rules import RULES   # here: a clean run never needs the rule table

    counts = report.counts_by_code()
    fixable = {code: sum(1 for _, f in report.findings if f.code == code and f.safe_fix)
               for code in counts}
    width = max((len(str(n)) for n in counts.values()), default=1)
    for code, count in sorted(counts.items()):
        name = RULES[code].name if code in RULES else ""
        yield f"{count:>{width}}  {code}  {name}  ({fixable[code]} fixable)"


def _summary(report: Report) -> str:
    findings = len(report.findings)
    problems = len(report.problems)
    parts = []
    if findings:
        files = sum(1 for r in report.results if r.findings)
        parts.append(f"Found {findings} finding{'s' if findings != 1 else ''} in "
                     f"{files} file{'s' if files != 1 else ''}")
        fixable = sum(1 for _, f in report.findings if f.safe_fix)
        unsafe = sum(1 for _, f in report.findings if f.fixable and not f.safe_fix)
        if fixable:
            parts[-1] += f" ({fixable} fixable with `respgate fix`"
            parts[-1] += f", {unsafe} more with --unsafe-fixes)" if unsafe else ")"
        elif unsafe:
            parts[-1] += f" ({unsafe} fixable with `respgate fix --unsafe-fixes`)"
    if problems:
        parts.append(f"{problems} file{'s' if problems != 1 else ''} could not be checked")
    if not parts:
        parts.append(f"All checks passed ({report.files_checked} "
                     f"file{'s' if report.files_checked != 1 else ''} checked)")
    extras = []
    if report.silenced:
        extras.append(f"{report.silenced} silenced by # noqa")
    note = report.baseline_note()
    if note:
        extras.append(note)
    return "; ".join(parts) + "." + (" " + "; ".join(extras) + "." if extras else "")


def _render_rich(report: Report, stream: TextIO) -> None:
    from rich.console import Console
    from rich.text import Text

    console = Console(file=stream, highlight=False, soft_wrap=True, emoji=False,
                      force_terminal=True)
    for result in report.results:
        if result.problem is not None:
            console.print(Text(_problem_line(result), style="bold red"))
            continue
        if report.statistics:
            continue
        console.print(Text(shown_path(result.path), style="bold underline"))
        bodies = _bodies(result)
        for finding in result.findings:
            head = Text(_location(result, finding), style="cyan")
            head.append(f" {finding.code}", style="bold red")
            head.append(f" {escape_text(plain_message(finding))}")
            console.print(head)
            excerpt = _excerpt(bodies, finding)
            if excerpt is not None:
                for row in _rich_rows(excerpt, finding, Text):
                    console.print(row)
        console.print()
    if report.statistics:
        for line in _statistics_lines(report):
            console.print(Text(line))
    console.print(Text(_summary(report), style="bold"))


def _rich_rows(excerpt: _Excerpt, finding: Finding, text_cls: type[Text]) -> list[Text]:
    """The plain rows, gutter dimmed, the call in bold, carets red, the hint green when
    `respgate fix` fixes the site."""
    _, caret_row, hint_row = excerpt.rows()
    source = text_cls(excerpt.gutter, style="dim")
    source.append(excerpt.lead + excerpt.before)
    source.append(excerpt.call, style="bold yellow")
    source.append(excerpt.after + excerpt.tail)
    return [source, text_cls(caret_row, style="bold red"),
            text_cls(hint_row, style="green" if finding.safe_fix else "dim")]
