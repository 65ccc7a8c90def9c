"""``respgate fix --jobs N``: a worker killed mid-file (the OOM killer) costs that file only,
with one error line and exit 2, and the run goes on; SIGTERM or SIGKILL of the parent takes
the workers with it, and no file is written after that. Workers are spawned
(a fresh interpreter each), never forked.

Synchronisation, not sleeps: a test-side ``sitecustomize`` (tests/faults/jobs_hooks.py)
makes the worker about to write a chosen file record its pid and block on a FIFO. Waiting
for that pid file, or for a process to be gone, is bounded by a generous liveness deadline.
"""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from respgate_lint import workers

from .helpers import GOOD, RESPGATE
from tests.faults.jobs_hooks import task_or_die, write_hook_site

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc"),
]

DEADLINE = 60.0   # liveness bound, never a timing assumption


def _tree(tmp_path: Path, blocked: tuple[str, ...], others: int = 6) -> Path:
    tree = tmp_path / "tree"
    tree.mkdir()
    for name in blocked:
        (tree / name).write_bytes(GOOD)
    for i in range(others):
        (tree / f"m{i:02d}.py").write_bytes(GOOD)
    return tree


def _start(tmp_path: Path, tree: Path, blocked: tuple[str, ...],
           args: tuple[str, ...] = ("fix", "--jobs", "2", ".")) -> tuple[subprocess.Popen[str], Path]:
    state = tmp_path / "state"
    site = write_hook_site(tmp_path / "site", state, blocked)
    env = {**os.environ, "PYTHONPATH": str(site), "NO_COLOR": "1"}
    proc = subprocess.Popen([RESPGATE, *args], cwd=tree, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return proc, state


def _eventually(condition, what: str, proc: subprocess.Popen[str] | None = None) -> None:
    deadline = time.monotonic() + DEADLINE
    while not condition():
        if proc is not None and proc.poll() is not None:
            out, err = proc.communicate()
            pytest.fail(f"respgate ended ({proc.returncode}) before {what}:\n{out}\n{err}")
        if time.monotonic() > deadline:
            pytest.fail(f"not within {DEADLINE:.0f} s: {what}")
        time.sleep(0.02)


def _blocked_pid(state: Path, name: str, proc: subprocess.Popen[str]) -> int:
    pid_file = state / f"{name}.pid"
    _eventually(pid_file.exists, f"a worker blocks before writing {name}", proc)
    return int(pid_file.read_text())


def _parent_of(pid: int) -> int:
    stat_line = Path(f"/proc/{pid}/stat").read_text()
    return int(stat_line.rsplit(")", 1)[1].split()[1])


def _descends_from(pid: int, ancestor: int) -> bool:
    while pid > 1:
        pid = _parent_of(pid)
        if pid == ancestor:
            return True
    return False


def _gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return True
    return state in ("Z", "X")


def _nobody_reads(fifo: Path) -> bool:
    try:
        fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
    except OSError as exc:
        return exc.errno == errno.ENXIO
    os.close(fd)
    return False


def _temporaries(tree: Path) -> list[str]:
    return [p.name for p in tree.iterdir() if "respgate-tmp" in p.name]


def test_start_method_is_never_fork() -> None:
    assert workers.start_method() in ("forkserver", "spawn")


def test_a_killed_worker_costs_its_file_only(tmp_path: Path) -> None:
    tree = _tree(tmp_path, ("block.py",))
    proc, state = _start(tmp_path, tree, ("block.py",))
    pid = _blocked_pid(state, "block.py", proc)
    assert _descends_from(pid, proc.pid)
    os.kill(pid, signal.SIGKILL)            # as the OOM killer would
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 2, out + err
    lines = [line for line in (out + err).splitlines() if "block.py" in line]
    assert len(lines) == 1, out + err
    assert "worker process" in lines[0] and "SIGKILL" in lines[0]
    assert "Traceback" not in err and "BrokenProcessPool" not in err
    assert (tree / "block.py").read_bytes() == GOOD
    for i in range(6):
        assert b"await self.trigger_response(" in (tree / f"m{i:02d}.py").read_bytes()


def test_sigterm_of_the_parent_stops_the_workers(tmp_path: Path) -> None:
    blocked = ("a1.py", "a2.py")
    tree = _tree(tmp_path, blocked)
    proc, state = _start(tmp_path, tree, blocked)
    pids = [_blocked_pid(state, name, proc) for name in blocked]
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 128 + signal.SIGTERM, out + err
    assert "stopped by SIGTERM" in err and "Traceback" not in err
    for pid in pids:
        _eventually(lambda pid=pid: _gone(pid), f"worker {pid} exits")
    assert _nobody_reads(state / "fifo")
    assert all(p.read_bytes() == GOOD for p in tree.glob("*.py"))   # nothing more written
    assert _temporaries(tree) == []


def test_sigkill_of_the_parent_takes_the_workers_with_it(tmp_path: Path) -> None:
    blocked = ("a1.py", "a2.py")
    tree = _tree(tmp_path, blocked)
    proc, state = _start(tmp_path, tree, blocked)
    pids = [_blocked_pid(state, name, proc) for name in blocked]
    proc.kill()
    proc.communicate(timeout=120)
    for pid in pids:
        _eventually(lambda pid=pid: _gone(pid), f"worker {pid} notices its parent is gone")
    assert _nobody_reads(state / "fifo")   # no worker is left to go on writing
    assert all(p.read_bytes() == GOOD for p in tree.glob("*.py"))
    assert _temporaries(tree) == []


def test_pool_replaces_a_dead_worker_and_keeps_the_order() -> None:
    tasks = [("a", 1), ("die", 0), ("b", 2), ("c", 3), ("die", 0), ("d", 4), ("e", 5)]
    results = list(workers.run_ordered(task_or_die, tasks, 2,
                                       lambda task, how: (task[0], -1, how)))
    assert [r[0] for r in results] == [t[0] for t in tasks]
    assert [r[1] for r in results if r[0] != "die"] == [2, 4, 6, 8, 10]
    lost = [r for r in results if r[0] == "die"]
    assert len(lost) == 2 and all("killed by SIGKILL" in str(r[2]) for r in lost)


def test_closing_early_stops_every_worker() -> None:
    tasks = [(f"t{i}", i) for i in range(8)]
    results = workers.run_ordered(task_or_die, tasks, 2, lambda task, how: (task[0], -1, how))
    first = next(results)
    assert first[:2] == ("t0", 0)
    results.close()                 # a consumer that stops (| head, an exception)
    _eventually(lambda: _gone(first[2]), "the workers stop when the consumer does")


def test_no_fork_warning_in_a_threaded_parent(tmp_path: Path) -> None:
    """Python 3.12+ warns (DeprecationWarning) when a process with threads forks; shown here
    (``-W always``), with a thread running in the parent. Passes trivially on 3.11."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(
        "import threading\nthreading.Thread(target=threading.Event().wait, daemon=True).start()\n")
    tree = _tree(tmp_path, ())
    proc = subprocess.run([sys.executable, "-W", "always::DeprecationWarning", "-m",
                           "respgate_lint", "fix", "--jobs", "2", "."], cwd=tree,
                          env={**os.environ, "PYTHONPATH": str(site), "NO_COLOR": "1"},
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "fork()" not in proc.stderr and "multi-threaded" not in proc.stderr, proc.stderr
