"""``respgate baseline PATH...``: record today's findings so CI fails only on new ones."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import click

from ..baseline import Baseline, fingerprints_of, relative_key, write_baseline
from ..config import ConfigError
from ..runner import SettingsResolver, check_paths
from ..writes import WriteRefused
from .inputs import gitignore_option, warn_empty
from .terminal import escape_text, shown

__all__ = ["baseline"]

DEFAULT_BASELINE = Path(".respgate-baseline.json")


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False, path_type=Path),
              default=DEFAULT_BASELINE, show_default=True, help="Baseline file to write.")
@click.option("--exclude", multiple=True, metavar="GLOB",
              help="Skip files or folders matching GLOB (repeatable); adds to the defaults.")
@gitignore_option
@click.option("--config", "config_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Use this pyproject.toml instead of the nearest one.")
def baseline(paths: tuple[Path, ...], output: Path, exclude: tuple[str, ...],
             config_file: Path | None, respect_gitignore: bool | None) -> None:
    """Write a baseline of the current findings (exit 1 if a file could not be checked).

    Findings are fingerprinted by file (relative to the baseline's folder), code, enclosing
    function and the call's normalised source text, so line shifts and unrelated edits keep
    them matched. Commit the file; then `respgate check --baseline FILE` fails only on new
    findings and says how many baselined ones remain.

    \b
    Examples:
      respgate baseline src/ -o .respgate-baseline.json
      respgate check --baseline .respgate-baseline.json src/
    """
    if config_file is not None and not config_file.is_file():
        raise ConfigError(f"{config_file}: no such configuration file")
    resolver = SettingsResolver(config_file=config_file)
    root = output.resolve().parent
    counts: Counter = Counter()
    problems = 0
    for result in check_paths(paths or (Path("."),), resolver, exclude, on_empty=warn_empty,
                              respect_gitignore=respect_gitignore):
        if result.problem is not None:
            click.echo(f"respgate: {escape_text(str(result.problem))} (not in the baseline)",
                       err=True)
            problems += 1
        elif result.findings and result.source is not None:
            key = relative_key(result.path, root)
            if not _encodable(key):
                click.echo(f"respgate: {shown(key)}: file name is not valid UTF-8; its "
                           "findings cannot be recorded in the baseline (rename the file)",
                           err=True)
                problems += 1
                continue
            counts.update(fingerprints_of(result.findings, result.source.text, key))
    try:
        write_baseline(Baseline(root, counts), output)
    except WriteRefused as exc:
        raise ConfigError(f"{output}: {exc}; baseline not written") from None
    except OSError as exc:
        raise ConfigError(f"{output}: cannot write baseline: {exc.strerror or exc}") from None
    total = sum(counts.values())
    click.echo(f"Wrote {total} finding{'s' if total != 1 else ''} to {shown(str(output))}.",
               err=True)
    sys.exit(1 if problems else 0)


def _encodable(key: str) -> bool:
    """The baseline is UTF-8 JSON: a name with undecodable bytes cannot be a key in it."""
    try:
        key.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
