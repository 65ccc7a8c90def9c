"""``respgate check``: the engine over files and folders, findings on stdout."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..config import ConfigError
from ..runner import FileResult, SettingsResolver, check_paths

__all__ = ["check"]


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--exclude", multiple=True, metavar="GLOB",
              help="Skip files or folders matching GLOB (repeatable); adds to the defaults.")
@click.option("--config", "config_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Use this pyproject.toml instead of the nearest one.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when findings are reported.")
def check(paths: tuple[Path, ...], exclude: tuple[str, ...], config_file: Path | None,
          exit_zero: bool) -> None:
    """Report every response.create send that bypasses the gate.

    \b
    Examples:
      respgate check .
      respgate check src/agent.py src/bridge/
    """
    resolver = SettingsResolver(config_file=config_file)
    failed = False
    try:
        for result in check_paths(paths or (Path("."),), resolver, exclude):
            failed |= _print_result(result)
    except ConfigError as exc:
        click.echo(f"respgate: {exc}", err=True)
        sys.exit(2)
    sys.exit(0 if exit_zero or not failed else 1)


def _print_result(result: FileResult) -> bool:
    if result.problem is not None:
        click.echo(f"{result.problem.path}:1:1: E902 {result.problem.message}")
        return True
    for finding in result.findings:
        click.echo(f"{result.path}:{finding.line}:{finding.col + 1}: {finding.message}")
    return bool(result.findings)
