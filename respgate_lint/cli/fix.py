"""``respgate fix``: rewrite bypassing sends into gated ``trigger_response`` calls.

The engine decides what is a send and what can be rewritten; ``codemods`` does the
statement-level rewrite (libcst is imported only here, never by ``respgate check``).

Exit codes: 0 every RGT001 site was rewritten (or there was none); 1 some site was left
unfixed, an unsafe fix was withheld, a warning was printed, a file could not be read, parsed
or written, or (``--diff``) a file would change; 2 usage, configuration or internal error
(a rewrite that would not compile is never written).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

import click

from ..config import ConfigError
from ..files import FileProblem
from ..runner import SettingsResolver, iter_files
from .inputs import gitignore_option, stdin_name, stdin_option, warn_empty

__all__ = ["fix"]


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--diff", is_flag=True,
              help="Print a unified diff of what would change and write nothing (exit 1 if any).")
@click.option("--jobs", "-j", type=click.IntRange(min=0), default=1, show_default=True,
              help="Worker processes (0: one per CPU). Output order does not depend on it.")
@click.option("--add-mixin", is_flag=True,
              help="Give classes without a gate respgate_lint.runtime.GatedResponseMixin as a base.")
@click.option("--unsafe-fixes", is_flag=True,
              help="Also apply fixes respgate cannot show to keep behaviour (each is listed "
                   "with why); by default they are reported and withheld.")
@click.option("--exclude", multiple=True, metavar="GLOB",
              help="Skip files or folders matching GLOB (repeatable); adds to the defaults.")
@gitignore_option
@click.option("--config", "config_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Use this pyproject.toml instead of the nearest one.")
@click.option("--quiet", "-q", is_flag=True,
              help="Print only sites left unfixed and problems; no per-site lines or summary.")
@click.option("--explain-reasons", is_flag=True,
              help="After each rewritten site, the evidence its reason was named from "
                   "(always on with --diff).")
@stdin_option
def fix(paths: tuple[Path, ...], diff: bool, jobs: int, add_mixin: bool, unsafe_fixes: bool,
        exclude: tuple[str, ...], config_file: Path | None, quiet: bool,
        explain_reasons: bool, stdin_filename: Path | None, respect_gitignore: bool | None) -> None:
    """Rewrite response.create sends that bypass the gate into gated calls.

    Each fixable send becomes a call of the gate it can reach, built from that gate's
    own signature (for the reference gate: `await self.trigger_response("REASON",
    <client>, force=False, response=...)`), with a reason named after its code path.
    Sites that cannot be rewritten are listed with the reason; unsafe fixes are listed
    and applied only with --unsafe-fixes. Files are written in place (atomically,
    bytes kept) unless --diff is given.

    \b
    Examples:
      respgate fix --diff src/        # review first
      respgate fix src/ --jobs 4      # apply
      respgate fix --add-mixin bridge.py
      respgate fix --stdin-filename src/agent.py - < agent.py > fixed.py

    With `-` as the path the source is read from stdin and the fixed source (or, with
    --diff, the diff) written to stdout; the report goes to stderr.

    \b
    Exit codes:
      0  every site rewritten, or nothing to fix
      1  a site left unfixed, an unsafe fix withheld, a warning, a file failed,
         or (--diff) a file would change
      2  usage, configuration or internal error
    """
    from respgate_lint.codemods.fixer import FixTask  # the codemod is loaded here, not at --help

    if config_file is not None and not config_file.is_file():
        raise ConfigError(f"{config_file}: no such configuration file")
    resolver = SettingsResolver(config_file=config_file)
    from .fix_output import FixReporter

    stdin = stdin_name(paths, stdin_filename)
    if stdin is not None:
        from .fix_stdin import fix_stdin

        sys.exit(fix_stdin(stdin, resolver, exclude, add_mixin=add_mixin,
                           unsafe_fixes=unsafe_fixes, diff=diff, quiet=quiet,
                           explain_reasons=explain_reasons))
    problems: list[tuple[Path, str]] = []
    tasks = list(_tasks(paths or (Path("."),), resolver, exclude, problems,
                        add_mixin=add_mixin, unsafe_fixes=unsafe_fixes, diff=diff,
                        task_type=FixTask, respect_gitignore=respect_gitignore))
    reporter = FixReporter(diff_mode=diff, quiet=quiet, explain_reasons=explain_reasons or diff)
    for path, message in problems:
        reporter.problem(path, message)
    for result in _run(tasks, jobs, reporter.progress(len(tasks))):
        reporter.file(result)
    reporter.summary()
    sys.exit(reporter.finish())


def _tasks(paths: Iterable[Path], resolver: SettingsResolver, exclude: tuple[str, ...],
           problems: list[tuple[Path, str]], *, add_mixin: bool, unsafe_fixes: bool, diff: bool,
           task_type: type, respect_gitignore: bool | None = None) -> Iterator[object]:
    for item in iter_files(paths, resolver, exclude, on_empty=warn_empty,
                           respect_gitignore=respect_gitignore):
        if isinstance(item, FileProblem):
            problems.append((Path(item.path), item.message))
            continue
        path, settings = item
        yield task_type(path, settings, add_mixin=add_mixin, unsafe_fixes=unsafe_fixes,
                        write=not diff, want_diff=diff)


def _run(tasks: list, jobs: int, progress: object) -> Iterator[object]:
    """Results in task order, whatever the number of workers (``respgate_lint.workers``:
    spawned workers that die with the parent; a dead worker is one error for its file)."""
    from respgate_lint.codemods.fixer import fix_file, lost_file

    workers = jobs or os.cpu_count() or 1
    with progress as advance:  # type: ignore[attr-defined]
        if workers <= 1 or len(tasks) <= 1:
            for task in tasks:
                result = fix_file(task)
                advance()
                yield result
            return
        from ..workers import run_ordered

        for result in run_ordered(fix_file, tasks, min(workers, len(tasks)), lost_file):
            advance()
            yield result
