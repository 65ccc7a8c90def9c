"""``respgate check``: the engine over files and folders, findings in the chosen format.

Settings precedence: command-line flags > the nearest ``[tool.respgate]`` (walking up from
each file's folder, or ``--config``) > defaults. Exit codes: 0 clean, 1 findings or a file
that could not be read/decoded/parsed, 2 usage, configuration or internal error.
This module is the command line only; the job is ``checking.run_check``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from .checking import run_check
from .inputs import gitignore_option, stdin_name, stdin_option
from .output import FORMATS

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
@gitignore_option
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
          stdin_filename: Path | None, respect_gitignore: bool | None) -> None:
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
