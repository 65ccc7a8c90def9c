"""Test-side pieces for the ``--jobs`` fault tests (never imported by the product).

``task_or_die`` is a pool function for ``workers.run_ordered`` that kills its own process on
one task, as the OOM killer would. ``write_hook_site`` writes a ``sitecustomize.py`` that,
in every process of a ``respgate fix`` run started with it on PYTHONPATH, replaces
``files._before_rename`` so that a worker about to write a chosen file records its pid and
blocks on a FIFO: the test then knows exactly which worker holds which file, and decides
what happens next (kill it, kill the parent), with no sleeps.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

__all__ = ["task_or_die", "write_hook_site"]


def task_or_die(task: tuple[str, int]) -> tuple[str, int, int]:
    """(name, value) -> (name, value * 2, pid); the task named "die" kills its worker."""
    name, value = task
    if name == "die":
        os.kill(os.getpid(), signal.SIGKILL)
    return name, value * 2, os.getpid()


_SITE = '''
import os
from pathlib import Path

_BLOCK = {block!r}
_STATE = Path({state!r})


def _hook(tmp_name, path):
    if path.name not in _BLOCK:
        return
    pid_file = _STATE / (path.name + ".pid")
    (_STATE / (path.name + ".tmp")).write_text(str(os.getpid()))
    os.replace(_STATE / (path.name + ".tmp"), pid_file)   # appears whole
    with open(_STATE / "fifo", "rb") as fifo:   # blocks until the test opens it to write
        fifo.read()


import respgate_lint.files as _files

_files._before_rename = _hook
'''


def write_hook_site(folder: Path, state: Path, block: tuple[str, ...]) -> Path:
    """A folder holding the sitecustomize.py described above; ``state`` gets the FIFO and
    one ``<name>.pid`` file per blocked worker."""
    folder.mkdir(parents=True, exist_ok=True)
    state.mkdir(parents=True, exist_ok=True)
    os.mkfifo(state / "fifo")
    (folder / "sitecustomize.py").write_text(_SITE.format(block=block, state=str(state)))
    return folder
