"""``--output-format text``: for people at a terminal, and greppable when piped.

Each finding starts with flake8's ``path:line:col: CODE message`` line (editors and CI log
viewers link it), followed by the source line with the reported call underlined. On a
terminal rich colours it and groups findings under a header per file; when stdout is not a
terminal or ``NO_COLOR`` is set the output is plain ASCII structure: no colour, no box
drawing, no escape codes. rich is imported only when there is something to draw in colour.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, TextIO

from ...rules import RULES
from ...runner import FileResult
from ...sourcetext import strip_eol
from . import Report, display_path, plain_message, use_plain

if TYPE_CHECKING:  # pragma: no cover
    from rich.text import Text

    from ...engine.findings import Finding

__all__ = ["render"]

# (kind of problem) -> flake8's code for it, so `path:1:1: E902 ...` lines look familiar
_PROBLEM_CODES = {"syntax": "E999"}


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
    return f"{display_path(result.path)}:1:1: {code} {result.problem.message}"


def _plain_lines(report: Report) -> Iterator[str]:
    for result in report.results:
        if result.problem is not None:
            yield _problem_line(result)
            continue
        if report.statistics:
            continue
        lines = result.reported_lines()
        for finding in result.findings:
            yield (f"{display_path(result.path)}:{finding.line}:{finding.col + 1}: "
                   f"{finding.code} {plain_message(finding)}")
            yield from _snippet(lines, finding)
            yield ""
    if report.statistics:
        yield from _statistics_lines(report)
    yield _summary(report)


def _snippet(lines: dict[int, str], finding: Finding) -> Iterator[str]:
    """The reported line and a caret underline of the call (first line of a long call)."""
    if finding.line not in lines:
        return
    body = strip_eol(lines[finding.line])[0]
    end = finding.span.end_col if finding.span.end_line == finding.line else len(body)
    end = max(end, finding.col + 1)
    number = str(finding.line)
    pad = " " * len(number)
    indent = "".join("\t" if ch == "\t" else " " for ch in body[:finding.col])
    yield f" {number} | {body}"
    yield f" {pad} | {indent}{'^' * (end - finding.col)}"
    yield f" {pad} = {_fix_note(finding)}"


def _fix_note(finding: Finding) -> str:
    return finding.fix_summary()


def _statistics_lines(report: Report) -> Iterator[str]:
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

    console = Console(file=stream, highlight=False, soft_wrap=True, emoji=False)
    for result in report.results:
        if result.problem is not None:
            console.print(Text(_problem_line(result), style="bold red"))
            continue
        if report.statistics:
            continue
        console.print(Text(display_path(result.path), style="bold underline"))
        lines = result.reported_lines()
        for finding in result.findings:
            head = Text("  ")
            head.append(f"{display_path(result.path)}:{finding.line}:{finding.col + 1}:",
                        style="cyan")
            head.append(f" {finding.code}", style="bold red")
            head.append(f" {plain_message(finding)}")
            console.print(head)
            for row in _rich_snippet(lines, finding, Text):
                console.print(row)
        console.print()
    if report.statistics:
        for line in _statistics_lines(report):
            console.print(Text(line))
    console.print(Text(_summary(report), style="bold"))


def _rich_snippet(lines: dict[int, str], finding: Finding, text_cls: type[Text]) -> list[Text]:
    """The plain snippet rows, indented under the finding, gutter dimmed, call in bold."""
    rows = list(_snippet(lines, finding))
    if not rows:
        return []
    gutter = len(f" {finding.line} | ")
    source = text_cls("  " + rows[0])
    source.stylize("dim", 0, gutter + 2)
    end = (gutter + finding.span.end_col if finding.span.end_line == finding.line
           else len(rows[0]))
    source.stylize("bold yellow", gutter + 2 + finding.col, min(end, len(rows[0])) + 2)
    carets = text_cls("  " + rows[1], style="bold red")
    note = text_cls("  " + rows[2], style="green" if finding.safe_fix else "dim")
    return [source, carets, note]
