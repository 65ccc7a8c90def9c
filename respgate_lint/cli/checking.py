"""The check job behind ``respgate check``, apart from its command line.

``check.py`` parses options with click; this module does the work and imports no click, so
the common pre-commit call (``respgate check FILE...``) can run it straight from ``main``
without paying click's start-up (see ``cli/__init__.py``). Other imports stay light too: no
rich unless text output has findings to draw, no libcst or codemods unless SARIF fixes are
wanted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

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
from .inputs import read_stdin, warn_empty
from .output import Report, render, shown_path
from .terminal import SafeOutput, escape_text, say

__all__ = ["run_check"]


def run_check(paths: tuple[Path, ...], *, fmt: str = "text",
              overrides: dict[str, Any] | None = None,
              exclude: tuple[str, ...] = (), config_file: Path | None = None,
              baseline_file: Path | None = None, statistics: bool = False,
              add_noqa: bool = False, verbose: bool = False, stdin: Path | None = None,
              respect_gitignore: bool | None = None) -> int:
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
                say(f"{shown_path(result.path)}:{line}: note: {note}")
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
        say(f"respgate: {note}")
    return out.finish(1 if report.results else 0)


def _results(paths: tuple[Path, ...], resolver: SettingsResolver, exclude: tuple[str, ...], *,
             keep: bool, stdin: Path | None, respect_gitignore: bool | None = None
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
            say(f"respgate: {escape_text(str(result.problem))}")
            failed = True
            continue
        assert result.source is not None
        count, problem = add_noqa_file(result.source, result.findings)
        if problem is not None:
            say(f"respgate: {escape_text(str(problem))}")
            failed = True
        if count:   # comments were written even when a finding stays
            added += count
            files += 1
    out.write(f"Added {added} noqa comment{'s' if added != 1 else ''} "
              f"in {files} file{'s' if files != 1 else ''}.\n")
    return 1 if failed else 0
