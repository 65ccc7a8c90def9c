"""One file through the rewrite: read bytes, rewrite, verify, write atomically (or diff).

Runs in worker processes for ``respgate fix --jobs N``, so its input and output are plain,
picklable data. Never raises for one bad file: every problem becomes part of the result.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass, field
from pathlib import Path

from respgate_lint.config import Settings
from respgate_lint.files import write_atomic
from respgate_lint.runner import FileResult, check_file
from respgate_lint.workers import parent_alive

from .diff import patch_name, unified_diff
from .rewrite import Site, gc_paused, rewrite_file

__all__ = ["FileFix", "FixTask", "fix_file", "lost_file", "planned_fix"]


@dataclass(frozen=True)
class FixTask:
    path: Path
    settings: Settings
    add_mixin: bool = False
    unsafe_fixes: bool = False
    write: bool = True
    want_diff: bool = False


@dataclass
class FileFix:
    """What happened to one file."""

    path: Path
    sites: list[Site] = field(default_factory=list)
    notes: list[tuple[int, str]] = field(default_factory=list)
    changed: bool = False          # written (or, with --diff, would be)
    diff: bytes = b""             # the file's own bytes: see codemods.diff
    problem: str | None = None     # one line: the file could not be read/parsed/written
    internal: bool = False         # the problem is our bug, not the file's (exit 2)


def fix_file(task: FixTask) -> FileFix:
    """Fix one file as ``task`` says; an exception here is reported, never raised."""
    try:
        return _fix_file(task)
    except Exception as exc:  # noqa: BLE001 - one file's bug must not stop the run
        last = traceback.extract_tb(exc.__traceback__)[-1]
        where = f"{Path(last.filename).name}:{last.lineno}"
        return FileFix(task.path, problem=f"internal error ({type(exc).__name__} at {where}): "
                                          f"{exc}; file left alone", internal=True)


def lost_file(task: FixTask, how: str) -> FileFix:
    """The result of a file whose worker process died (``how``: "killed by SIGKILL ...")."""
    return FileFix(task.path, problem=f"internal error: the worker process fixing this file "
                                      f"died ({how}); the file is either untouched or fully "
                                      "written (run again)", internal=True)


def _fix_file(task: FixTask) -> FileFix:
    """``check``'s own pipeline decides the file (prefilter, parse, analysis, noqa): a file
    with nothing to fix costs what ``check`` pays for it. The collector stays paused while
    the tree is alive, and the tree is dropped before it resumes (see ``check_source``)."""
    with gc_paused():
        return _fix_analysed(task, check_file(task.path, task.settings,
                                              add_mixin=task.add_mixin, keep=True))


def planned_fix(path: Path, analysed: FileResult, settings: Settings, *,
                unsafe_fixes: bool) -> tuple[FileFix, bytes | None]:
    """What fixing an analysed source gives, and its rewritten bytes (None: nothing to
    write). Shared by files and by ``respgate fix -`` (stdin), which only differ in where the
    bytes go."""
    if analysed.problem is not None:
        suffix = "" if analysed.problem.kind in ("read", "decode") else "; not fixed"
        return FileFix(path, problem=analysed.problem.message + suffix), None
    result = rewrite_file(analysed, settings, unsafe_fixes=unsafe_fixes)
    fix = FileFix(path, sites=result.sites, notes=result.notes,
                  internal=any(s.status == "internal" for s in result.sites))
    if result.error:
        fix.problem, fix.internal = result.error, True
        return fix, None
    if not result.changed:
        return fix, None
    fix.changed = True
    return fix, result.data


def _fix_analysed(task: FixTask, analysed: FileResult) -> FileFix:
    path = task.path
    fix, new = planned_fix(path, analysed, task.settings, unsafe_fixes=task.unsafe_fixes)
    if new is None:
        return fix
    loaded = analysed.source
    assert loaded is not None
    if task.want_diff:
        fix.diff = unified_diff(patch_name(path), loaded.data, new)
    if task.write:
        if not parent_alive():   # a worker whose respgate run is gone writes nothing more
            raise SystemExit(1)
        problem = write_atomic(loaded, new)
        if problem is not None:
            fix.changed = False
            fix.problem = problem.message
    return fix

