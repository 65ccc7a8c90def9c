"""``respgate check FILE...`` without click: the call a pre-commit hook makes on every commit.

On a few small files, importing click is most of the run (about 45 ms, more than Python's
own start-up). A command line that names ``check``, maybe the hook marker, and paths, and
sets no option, means exactly ``run_check(paths)`` with every default; ``main`` runs that
straight. Anything else (an option, ``-`` for stdin, ``--help``, an environment variable that
sets an option, shell completion) returns None and goes to click, which stays the one
parser of options.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..runner import STDIN
from .hookargs import HOOK_MARKER

__all__ = ["plain_check_paths"]

# Environment variables click would read on this command line (an option's envvar, or
# shell completion): with one of them set the command line is not plain.
_CLICK_ENVIRONMENT = ("RESPGATE_OUTPUT_FORMAT", "_RESPGATE_COMPLETE")


def plain_check_paths(argv: list[str]) -> list[Path] | None:
    """The paths of ``check [--pre-commit] PATH...`` that sets no option, else None.

    Paths are read as click reads them: every word before ``--`` that does not start with
    ``-``, and every word after it. With the hook marker and no ``--``, the words are
    pre-commit's file names when every one exists (as ``hookargs.hook_argv`` decides), even
    one that looks like an option."""
    if not argv or argv[0] != "check" or any(os.environ.get(v) is not None
                                              for v in _CLICK_ENVIRONMENT):
        return None
    if os.name == "nt":   # click expands wildcards in arguments there: its job
        return None
    words = argv[1:]
    if words[:1] == [HOOK_MARKER]:
        words = words[1:]
        if "--" not in words:
            return _paths(words) if all(os.path.lexists(w) for w in words) else None
    return _paths(_positional(words))


def _positional(words: list[str]) -> list[str] | None:
    """The positional words, or None when an option (or a stray ``--``) is among them."""
    if "--" in words:
        cut = words.index("--")
        before, after = words[:cut], words[cut + 1:]
    else:
        before, after = words, []
    if any(w.startswith("-") for w in before):
        return None
    return before + after


def _paths(words: list[str] | None) -> list[Path] | None:
    if words is None or STDIN in words:   # stdin has its own options: click's job
        return None
    return [Path(w) for w in words]
