"""What ``respgate fix`` prints: one line per site, a summary, diffs, a progress line.

Rich output (a summary table, a highlighted diff) when colour is wanted
(``terminal.color_wanted``: NO_COLOR > FORCE_COLOR > a terminal); otherwise plain lines with
no escape codes, so logs and pre-commit output stay greppable. Per-site lines are
``path:line:col: ...`` at column 0, like flake8, with names escaped.

The progress line is drawn on stderr only when stderr is a terminal, and erased before
anything else is written to either stream, so a diff header never lands on it. stdout goes
through ``terminal.SafeOutput``: when it dies (``| head``, a full disk) the fixing goes on
and every file is still written.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, ContextManager, TextIO

from .terminal import SafeOutput, color_wanted, escape_text, is_terminal, shown

__all__ = ["FixReporter", "Progress", "use_rich"]


def use_rich(stream: Any) -> bool:
    """Colour and boxes when colour is wanted on ``stream`` (no-color.org, force-color.org)."""
    return color_wanted(stream)


class Progress:
    """``fixing [#####     ] 12/40 0:03`` on one terminal line, redrawn in place; ``clear``
    erases it so other output starts at column 0 on a clean line."""

    WIDTH = 24

    def __init__(self, total: int, stream: TextIO) -> None:
        self.total = total
        self.done = 0
        self.stream = stream
        self.shown = False
        self.started = time.monotonic()

    def advance(self) -> None:
        self.done += 1
        filled = self.WIDTH * self.done // max(self.total, 1)
        elapsed = int(time.monotonic() - self.started)
        bar = "#" * filled + " " * (self.WIDTH - filled)
        self._write(f"\rfixing [{bar}] {self.done}/{self.total} {elapsed // 60}:{elapsed % 60:02d}"
                    "\x1b[K")
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            self._write("\r\x1b[K")
            self.shown = False

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):
            pass


class FixReporter:
    """Collects counts for the summary and decides the exit code."""

    def __init__(self, *, diff_mode: bool, quiet: bool, explain_reasons: bool = False,
                 report_to_stderr: bool = False) -> None:
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
        # In --diff mode (and for stdin) stdout carries the diff or the source; everything
        # else goes to stderr.
        self.err = diff_mode or report_to_stderr
        self.out = SafeOutput(sys.stdout)
        self._progress: Progress | None = None

    # -- output primitives -----------------------------------------------------------
    def _line(self, text: str) -> None:
        self._write(text + "\n", err=self.err)

    def _write(self, text: str, *, err: bool) -> None:
        """Every write goes here: the progress line is erased first."""
        if self._progress is not None:
            self._progress.clear()
        if not err:
            self.out.write(text)
            return
        try:
            sys.stderr.write(text)
            sys.stderr.flush()
        except (OSError, ValueError):
            pass

    def write_source(self, data: bytes) -> None:
        """Bytes for stdout as they are: the fixed source of ``fix -``."""
        self.out.write_bytes(data)

    def progress(self, total: int) -> ContextManager[Callable[[], None]]:
        """A progress line on stderr for many files when stderr is a terminal; else a no-op."""
        if (self.quiet or total < 20 or not is_terminal(sys.stderr)
                or os.environ.get("TERM") == "dumb"):
            return contextlib.nullcontext(lambda: None)
        return self._progress_line(total)

    @contextlib.contextmanager
    def _progress_line(self, total: int) -> Iterator[Callable[[], None]]:
        self._progress = Progress(total, sys.stderr)
        try:
            yield self._progress.advance
        finally:
            self._progress.clear()
            self._progress = None

    # -- per file ----------------------------------------------------------------------
    def problem(self, path: Path, message: str, internal: bool = False) -> None:
        self.failed += 1
        self.internal += internal
        prefix = "internal error: " if internal and "internal" not in message else ""
        self._write(f"{shown(str(path))}: {prefix}{escape_text(message)}\n", err=True)

    def file(self, result: Any) -> None:
        self.files += 1
        if result.diff:
            self._diff(result.diff)
        verb = "would rewrite" if self.diff_mode else "rewritten"
        # A file problem (unreadable, unwritable, rewrite did not verify) means none of its
        # rewrites reached the disk: the problem line says so, the sites are not counted.
        applied = result.problem is None
        for site in result.sites:
            where = f"{shown(str(result.path))}:{site.line}:{site.col + 1}"
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
            self._line(f"{shown(str(result.path))}:{line}:1: warning: {note}")
        if result.problem:
            self.problem(result.path, result.problem, result.internal)
        if result.changed:
            self.changed += 1

    def _diff(self, data: bytes) -> None:
        """The diff is the files' own bytes (see codemods.diff): written as bytes, so a
        redirected diff applies; decoded only to be coloured on a terminal."""
        if self._progress is not None:
            self._progress.clear()
        if use_rich(self.out):
            from rich.console import Console
            from rich.syntax import Syntax

            text = data.decode("utf-8", "replace")
            Console(file=self.out, highlight=False, soft_wrap=True, force_terminal=True).print(
                Syntax(text, "diff", theme="ansi_dark", background_color="default"), end="")
        else:
            self.out.write_bytes(data)

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
        stream: Any = sys.stderr if self.err else self.out
        if use_rich(stream):
            from rich.console import Console
            from rich.table import Table

            table = Table(title="respgate fix", show_header=False)
            table.add_column("what")
            table.add_column("count", justify="right")
            for name, value in rows:
                table.add_row(name, value)
            if self._progress is not None:
                self._progress.clear()
            Console(file=stream, force_terminal=True).print(table)
            return
        # counts line up under the headline rows; a long reason row does not push them out
        width = max(len(name) for name, _ in rows if not name.startswith("  "))
        for name, value in rows:
            self._line(f"{name.ljust(width)}  {value}")

    def finish(self) -> int:
        """The exit code, once stdout is flushed (``SafeOutput.finish``: exit 1 after a broken
        pipe, 2 with one line after another write error)."""
        return self.out.finish(self.exit_code())

    def exit_code(self) -> int:
        if self.internal:
            return 2
        if (self.failed or self.not_fixed or self.withheld or self.warnings
                or (self.diff_mode and self.changed)):
            return 1
        return 0
