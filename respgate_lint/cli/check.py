"""``respgate check``: the engine over files and folders, findings in the chosen format.

Settings precedence: command-line flags > the nearest ``[tool.respgate]`` (walking up from
each file's folder, or ``--config``) > defaults. Exit codes: 0 clean, 1 findings or a file
that could not be read/decoded/parsed, 2 usage, configuration or internal error.
Imports stay light: no rich unless text output has findings to draw, no libcst or codemods
unless SARIF fixes are wanted.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from ..config import ConfigError
from ..files import FileProblem
from ..runner import (
    FileResult,
    SettingsResolver,
    check_paths,
    check_source,
    stdin_settings,
    stdin_source,
)
from .inputs import read_stdin, stdin_name, stdin_option, warn_empty
from .output import FORMATS, Report, render, shown_path
from .terminal import SafeOutput, escape_text

__all__ = ["check", "run_check"]


def _codes(values: tuple[str, ...]) -> list[str]:
    return [c.strip().upper() for v in values for c in v.split(",") if c.strip()]


@click.command(epilog="Exit codes: 0 clean, 1 findings or unreadable files, 2 usage/config/"
                      "internal error. Settings: flags > [tool.respgate] > defaults.")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--output-format", "fmt", type=click.Choice(list(FORMATS)), default="text",
              show_default=True, envvar="RESPGATE_OUTPUT_FORMAT",
              help="text for people, json for scripts, github for Actions annotations, "
                   "sarif for code scanning.")
@click.option("--select", multiple=True, metavar="CODES",
              help="Only report these codes or prefixes (comma-separated, repeatable); "
                   "replaces [tool.respgate] select.")
@click.option("--ignore", multiple=True, metavar="CODES",
              help="Never report these codes or prefixes; replaces [tool.respgate] ignore.")
@click.option("--exclude", multiple=True, metavar="GLOB",
              help="Skip files or folders matching GLOB (repeatable); adds to the defaults.")
@click.option("--respect-gitignore/--no-respect-gitignore", default=True, show_default=True,
              help="Skip files and folders git ignores (.gitignore, .git/info/exclude) when "
                   "walking folders; files named on the command line are always checked.")
@click.option("--config", "config_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Use this pyproject.toml instead of the nearest one.")
@click.option("--baseline", "baseline_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Report only findings not recorded in this baseline (see `respgate baseline`).")
@click.option("--statistics", is_flag=True, help="Show a count per code instead of each finding.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when findings are reported.")
@click.option("--add-noqa", is_flag=True,
              help="Append `# noqa: CODE` to the line of every finding instead of reporting it.")
@click.option("--verbose", "-v", is_flag=True,
              help="Also say, on stderr, where a rule could not be checked (a gate whose "
                   "definition respgate cannot read).")
@stdin_option
def check(paths: tuple[Path, ...], fmt: str, select: tuple[str, ...], ignore: tuple[str, ...],
          exclude: tuple[str, ...], config_file: Path | None, baseline_file: Path | None,
          statistics: bool, exit_zero: bool, add_noqa: bool, verbose: bool,
          stdin_filename: Path | None, respect_gitignore: bool) -> None:
    """Report every response.create send that bypasses the gate.

    \b
    Examples:
      respgate check .
      respgate check src/agent.py src/bridge/
      respgate check --output-format github src/       # annotations in a GitHub Actions job
      respgate check --output-format sarif src/ > respgate.sarif
      respgate check --baseline .respgate-baseline.json src/
      respgate check --select RGT001 --statistics .
      respgate check --stdin-filename src/agent.py - < buffer.py   # an editor's buffer
    """
    overrides: dict[str, Any] = {}
    if select:
        overrides["select"] = _codes(select)
    if ignore:
        overrides["ignore"] = _codes(ignore)
    stdin = stdin_name(paths, stdin_filename)
    if stdin is not None and add_noqa:
        raise click.UsageError("--add-noqa edits files in place; it cannot read stdin")
    code = run_check(paths or (Path("."),), fmt=fmt, overrides=overrides, exclude=exclude,
                     config_file=config_file, baseline_file=baseline_file,
                     statistics=statistics, add_noqa=add_noqa, verbose=verbose, stdin=stdin,
                     respect_gitignore=respect_gitignore)
    sys.exit(0 if exit_zero and code == 1 else code)


def run_check(paths: tuple[Path, ...], *, fmt: str = "text",
              overrides: dict[str, Any] | None = None,
              exclude: tuple[str, ...] = (), config_file: Path | None = None,
              baseline_file: Path | None = None, statistics: bool = False,
              add_noqa: bool = False, verbose: bool = False, stdin: Path | None = None,
              respect_gitignore: bool = True) -> int:
    """Check, filter by baseline, then report or mark; returns the exit code (0 or 1; 2 when
    the report could not be written). ``stdin``: check the source on stdin under this name
    instead of ``paths``."""
    if config_file is not None and not config_file.is_file():
        raise ConfigError(f"{config_file}: no such configuration file")
    resolver = SettingsResolver(overrides=overrides, config_file=config_file)
    if overrides:
        resolver.for_path(Path.cwd())  # a bad --select is a usage error before any work
    baseline = None
    if baseline_file is not None:
        from ..baseline import load_baseline

        baseline = load_baseline(baseline_file)
    report = Report(statistics=statistics, settings_for=resolver.for_path)
    budget = Counter(baseline.counts) if baseline else Counter()
    checked_keys: set[str] = set()
    matched = 0
    for result in _results(paths, resolver, exclude, keep=fmt == "sarif", stdin=stdin,
                           respect_gitignore=respect_gitignore):
        if result.tree is not None:  # SARIF: each site's fix from this one analysis
            from .output.sarif import replacements_for

            result.replacements = replacements_for(result, resolver.for_path(result.path))
            result.tree = None
        if verbose:
            for line, note in result.notes:
                click.echo(f"{shown_path(result.path)}:{line}: note: {note}", err=True)
        if result.problem is None:
            report.files_checked += 1
        report.silenced += result.silenced
        if baseline is not None:
            checked_keys.add(baseline.key(result.path))
            if result.findings and result.source is not None:
                before = len(result.findings)
                result.findings = baseline.new_findings(result.findings, result.source.text,
                                                        result.path, budget)
                matched += before - len(result.findings)
        if result.findings or result.problem is not None:
            if fmt != "sarif" and not add_noqa:  # only SARIF fixes and --add-noqa need it all
                result.compact()
            report.results.append(result)
    if baseline is not None:
        report.baselined = matched
        report.baseline_fixed = sum(n for fp, n in budget.items()
                                    if n > 0 and fp.path in checked_keys)
    out = SafeOutput()
    if add_noqa:
        return out.finish(_add_noqa(report, out))
    render(fmt, report, out)
    note = report.baseline_note()
    if note and fmt != "text":
        click.echo(f"respgate: {note}", err=True)
    return out.finish(1 if report.results else 0)


def _results(paths: tuple[Path, ...], resolver: SettingsResolver, exclude: tuple[str, ...], *,
             keep: bool, stdin: Path | None, respect_gitignore: bool = True
             ) -> Iterator[FileResult]:
    """The files' results, or the one result of the source on stdin."""
    if stdin is None:
        yield from check_paths(paths, resolver, exclude, keep=keep, on_empty=warn_empty,
                               respect_gitignore=respect_gitignore)
        return
    settings = stdin_settings(stdin, resolver, exclude)
    if settings is None:   # the name is excluded: nothing to check, as for a file
        return
    loaded = stdin_source(read_stdin(), stdin)
    if isinstance(loaded, FileProblem):
        yield FileResult(stdin, problem=loaded)
        return
    result = check_source(loaded, settings, keep=keep)
    if keep and not result.findings:
        result.source = result.tree = None
    yield result


def _add_noqa(report: Report, out: SafeOutput) -> int:
    """Mark every reported finding; problems are still reported (exit 1)."""
    from .add_noqa import add_noqa_file

    added = files = 0
    failed = False
    for result in report.results:
        if result.problem is not None:
            click.echo(f"respgate: {escape_text(str(result.problem))}", err=True)
            failed = True
            continue
        assert result.source is not None
        count, problem = add_noqa_file(result.source, result.findings)
        if problem is not None:
            click.echo(f"respgate: {escape_text(str(problem))}", err=True)
            failed = True
        if count:   # comments were written even when a finding stays
            added += count
            files += 1
    out.write(f"Added {added} noqa comment{'s' if added != 1 else ''} "
              f"in {files} file{'s' if files != 1 else ''}.\n")
    return 1 if failed else 0
