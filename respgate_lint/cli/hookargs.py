"""File names from pre-commit are paths, even when they look like options.

pre-commit runs ``entry + args + filenames``: a committed file named ``--ignore=RGT``
(with a Python shebang) would reach click as an option and switch the rule off, and the
hook would print Passed over a real bypass. The hooks' entries carry a marker,
``respgate check --pre-commit``; for such a command line this module finds where the
file names begin and puts ``--`` before them, so click reads every one as a path.

File names are the longest run of existing paths at the end of the command line (pre-commit
only passes files that exist). A user's own ``args:`` stay options: the run stops at the
value of an option that takes one (``--baseline base.json``), so a hook needs no ``--`` in
its ``args:`` (one that is there already is kept as the boundary).
"""

from __future__ import annotations

import importlib
import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import click

__all__ = ["HOOK_MARKER", "hook_argv"]

HOOK_MARKER = "--pre-commit"


def hook_argv(argv: list[str], commands: dict[str, tuple[str, str, str]]) -> list[str]:
    """``argv`` for click: the marker removed and ``--`` before pre-commit's file names.

    Only ``<command> --pre-commit ...`` is rewritten; any other command line is returned
    unchanged, so the marker means nothing outside a hook entry.
    """
    if len(argv) < 2 or argv[1] != HOOK_MARKER or argv[0] not in commands:
        return argv
    name, rest = argv[0], argv[2:]
    if "--" in rest:
        return [name, *rest]
    module, attr, _ = commands[name]
    command = getattr(importlib.import_module(module), attr)
    start = _file_names_start(rest, _value_options(command))
    return [name, *rest[:start], "--", *rest[start:]]


def _value_options(command: click.Command) -> frozenset[str]:
    """The option spellings that take the next argument as their value."""
    import click

    names: set[str] = set()
    for param in command.params:
        if isinstance(param, click.Option) and not param.is_flag and not param.count:
            names.update(param.opts)
    return frozenset(names)


def _file_names_start(rest: list[str], value_options: frozenset[str]) -> int:
    """Index of the first of the trailing existing paths (``len(rest)`` if none)."""
    start = len(rest)
    while start > 0 and os.path.lexists(rest[start - 1]):
        before = rest[start - 2] if start >= 2 else None
        if before in value_options and not os.path.lexists(before):
            break  # the value of the user's option (--baseline base.json), not a file name
        start -= 1
    return start
