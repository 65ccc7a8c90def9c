"""What ``respgate fix`` prints: one line per site, a summary, diffs, a progress bar.

Rich output (a summary table, a highlighted diff, a progress bar on stderr) only on a
terminal without ``NO_COLOR``; otherwise plain lines with no escape codes, so logs and
pre-commit output stay greppable. Per-site lines are ``path:line:col: ...`` like flake8.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, ContextManager

import click

__all__ = ["FixReporter", "use_rich"]


def use_rich(stream: Any) -> bool:
    """Colour and boxes only for a terminal, and never with NO_COLOR set (no-color.org)."""
    if "NO_COLOR" in os.environ:
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


class FixReporter:
    """Collects counts for the summary and decides the exit code."""

    def __init__(self, *, diff_mode: bool, quiet: bool, explain_reasons: bool = False) -> None:
        self.diff_mode = diff_mode
        self.quiet = quiet
        self.explain_reasons = explain_reasons  # per site: what the reason was named from
        self.files = 0
        self.changed = 0
        self.rewritten = 0
        self.noqa = 0
        self.unsafe_applied = 0
        self.withheld = 0
        self.warnings = 0
        self.not_fixed: Counter[str] = Counter()
        self.failed = 0
        self.internal = 0
        # In --diff mode stdout carries the diff; everything else goes to stderr.
        self.err = diff_mode

    # -- output primitives -----------------------------------------------------------
    def _line(self, text: str) -> None:
        click.echo(text, err=self.err)

    def progress(self, total: int) -> ContextManager[Callable[[], None]]:
        """A rich progress bar on stderr for many files on a terminal; else a no-op."""
        if self.quiet or total < 20 or not use_rich(sys.stderr):
            return contextlib.nullcontext(lambda: None)
        return _rich_progress(total)

    # -- per file ----------------------------------------------------------------------
    def problem(self, path: Path, message: str, internal: bool = False) -> None:
        self.failed += 1
        self.internal += internal
        click.echo(f"{path}: {'internal error: ' if internal and 'internal' not in message else ''}"
                   f"{message}", err=True)

    def file(self, result: Any) -> None:
        self.files += 1
        if result.diff:
            self._diff(result.diff)
        verb = "would rewrite" if self.diff_mode else "rewritten"
        # A file problem (unreadable, unwritable, rewrite did not verify) means none of its
        # rewrites reached the disk: the problem line says so, the sites are not counted.
        applied = result.problem is None
        for site in result.sites:
            where = f"{result.path}:{site.line}:{site.col + 1}"
            if site.status == "rewritten":
                if not applied:
                    continue
                self.rewritten += 1
                self.unsafe_applied += site.unsafe
                if not self.quiet:
                    evidence = getattr(site, "evidence", ())
                    explained = (f"  (from: {' · '.join(evidence)})"
                                 if self.explain_reasons and evidence else "")
                    unsafe = f" (unsafe fix: {site.why})" if site.unsafe and site.why else ""
                    self._line(f"{where}: {verb} as {site.reason}{unsafe}{explained}")
            elif site.status == "unsafe":
                self.withheld += 1
                self._line(f"{where}: unsafe fix not applied (use --unsafe-fixes): {site.why}")
            elif site.status == "noqa":
                self.noqa += 1
                if not self.quiet:
                    self._line(f"{where}: not fixed: {site.why}")
            else:
                self.not_fixed[site.why or "unknown"] += 1
                self.internal += site.status == "internal"
                self._line(f"{where}: not fixed: {site.why}")
        for line, note in result.notes:
            self.warnings += 1
            self._line(f"{result.path}:{line}:1: warning: {note}")
        if result.problem:
            self.problem(result.path, result.problem, result.internal)
        if result.changed:
            self.changed += 1

    def _diff(self, data: bytes) -> None:
        """The diff is the files' own bytes (see codemods.diff): written as bytes, so a
        redirected diff applies; decoded only to be coloured on a terminal."""
        if use_rich(sys.stdout):
            from rich.console import Console
            from rich.syntax import Syntax

            text = data.decode("utf-8", "replace")
            Console(highlight=False, soft_wrap=True).print(Syntax(text, "diff", theme="ansi_dark",
                                                  background_color="default"), end="")
        else:
            click.echo(data, nl=False)

    # -- the end ---------------------------------------------------------------------------
    def summary(self) -> None:
        if self.quiet:
            return
        changed = "Files that would change" if self.diff_mode else "Files changed"
        rewritten = "Sites that would be rewritten" if self.diff_mode else "Sites rewritten"
        rows = [(changed, f"{self.changed} of {self.files}"), (rewritten, str(self.rewritten))]
        if self.unsafe_applied:
            rows.append(("  of them unsafe fixes (--unsafe-fixes)", str(self.unsafe_applied)))
        if self.withheld:
            rows.append(("Unsafe fixes not applied (--unsafe-fixes)", str(self.withheld)))
        rows.append(("Sites not fixed", str(sum(self.not_fixed.values()))))
        rows += [(f"  {why}", str(n)) for why, n in sorted(self.not_fixed.items())]
        if self.warnings:
            rows.append(("Warnings", str(self.warnings)))
        if self.noqa:
            rows.append(("Sites silenced with # noqa", str(self.noqa)))
        rows.append(("Files failed", str(self.failed)))
        stream = sys.stderr if self.err else sys.stdout
        if use_rich(stream):
            from rich.console import Console
            from rich.table import Table

            table = Table(title="respgate fix", show_header=False)
            table.add_column("what")
            table.add_column("count", justify="right")
            for name, value in rows:
                table.add_row(name, value)
            Console(stderr=self.err).print(table)
            return
        width = max(len(name) for name, _ in rows)
        for name, value in rows:
            self._line(f"{name.ljust(width)}  {value}")

    def exit_code(self) -> int:
        if self.internal:
            return 2
        if (self.failed or self.not_fixed or self.withheld or self.warnings
                or (self.diff_mode and self.changed)):
            return 1
        return 0


@contextlib.contextmanager
def _rich_progress(total: int) -> Iterator[Callable[[], None]]:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    with Progress("fixing", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("fix", total=total)
        yield lambda: bar.advance(task)
