"""The ``respgate`` command line.

``main`` runs a plain ``check PATH...`` (the pre-commit call) straight, without importing
click (``fastpath.py``); every other command line goes to the click group in ``group.py``.
``cli`` (the group) is loaded on first access, for click's test runner and for embedding.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .envelope import guarded
from .fastpath import plain_check_paths
from .hookargs import hook_argv

if TYPE_CHECKING:
    import click

__all__ = ["cli", "main"]


def main(argv: list[str] | None = None) -> Any:
    """The ``respgate`` console script (``argv``: the arguments, default ``sys.argv[1:]``)."""
    args = list(sys.argv[1:] if argv is None else argv)
    paths = plain_check_paths(args)
    if paths is not None:
        from .checking import run_check

        sys.exit(guarded(lambda: run_check(tuple(paths) or (Path("."),))))
    from .group import COMMANDS, cli

    return cli.main(args=hook_argv(args, COMMANDS), prog_name="respgate")


def __getattr__(name: str) -> click.Group:
    if name == "cli":
        from .group import cli

        return cli
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
