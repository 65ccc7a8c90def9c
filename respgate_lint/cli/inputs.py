"""What the commands read: paths, or source on stdin (``-``), and what they say about paths.

``respgate check -`` / ``fix -`` read the source from stdin, as editors and pipelines pass a
buffer. ``--stdin-filename PATH`` names it: the nearest configuration for that name applies,
with its excludes and per-file ignores, and findings are reported under it (the name need not
exist). Without it the source is named ``-`` and the configuration is the one for the current
folder. ``--stdin-filename`` alone (no PATH) also means stdin, as in ruff.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from ..runner import STDIN
from .terminal import say, shown

__all__ = ["gitignore_option", "read_stdin", "stdin_name", "stdin_option", "warn_empty"]

F = TypeVar("F", bound=Callable[..., Any])


def stdin_option(command: F) -> F:
    """The ``--stdin-filename`` option, worded alike for every command that reads stdin."""
    import click

    return click.option(
        "--stdin-filename", type=click.Path(path_type=Path), metavar="PATH",
        help="With `-` as the path: the file name the source on stdin stands for (its "
             "configuration, excludes and per-file ignores apply; findings are reported "
             "under it).")(command)


def gitignore_option(command: F) -> F:
    """``--respect-gitignore/--no-respect-gitignore``, alike for every command that walks
    folders; unset, ``respect-gitignore`` in ``[tool.respgate]`` decides (default: on)."""
    import click

    return click.option(
        "--respect-gitignore/--no-respect-gitignore", default=None,
        help="Skip files and folders git ignores (.gitignore, .git/info/exclude) when walking "
             "folders [default: respect-gitignore in [tool.respgate], else on]; files named "
             "on the command line are always checked.")(command)


def stdin_name(paths: tuple[Path, ...], stdin_filename: Path | None) -> Path | None:
    """The name of the source on stdin, or None when the paths are files and folders."""
    import click

    wants_stdin = any(str(p) == STDIN for p in paths)
    if wants_stdin and len(paths) > 1:
        raise click.UsageError("`-` (read stdin) cannot be combined with other paths")
    if stdin_filename is not None and paths and not wants_stdin:
        raise click.UsageError("--stdin-filename needs `-` (read stdin) as the only path")
    if wants_stdin or stdin_filename is not None:
        return stdin_filename if stdin_filename is not None else Path(STDIN)
    return None


def read_stdin() -> bytes:
    """All of stdin, as bytes (decoded later, as Python decodes a file)."""
    return sys.stdin.buffer.read()


def warn_empty(path: Path) -> None:
    """Say on stderr that a given path holds no Python file to check (ruff says the same): a
    mistyped or emptied folder in CI should not pass in silence. Not an error (exit code
    unchanged); a path that does not exist is one (E902, exit 1)."""
    say(f"respgate: warning: No Python files found under {shown(str(path))}")
