"""Worker processes for ``respgate fix --jobs N``: results in task order, and nobody left behind.

Why not ``concurrent.futures.ProcessPoolExecutor``: when one worker dies (the OOM killer), it
breaks the whole pool, fails every pending task and cannot say which task killed it; and its
workers outlive a parent killed by SIGKILL. Here each worker holds one task at a time over its
own pipe, so a dead worker costs exactly its task (reported through ``lost``) and a fresh
worker takes over the rest.

* Start method: ``spawn``; never ``fork``, which copies a threaded parent's locks (Python
  3.12+ warns about it). Not ``forkserver`` either: its workers are children of the fork
  server and hold its liveness pipe, so the server outlives a parent killed by SIGKILL, and so
  do they.
* A worker dies with its parent: on Linux the kernel sends it SIGTERM when its parent
  exits (``PR_SET_PDEATHSIG``); everywhere, ``parent_alive()`` is checked before each write,
  and a watchdog thread ends a worker whose parent is gone.
* SIGTERM/SIGHUP of the parent stop the workers (each finishes or abandons its atomic write,
  never half of one) and end the run with 128 + the signal number; SIGINT likewise, through
  KeyboardInterrupt. Workers ignore SIGINT: a terminal's Ctrl-C reaches the whole process
  group, and the parent decides.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from multiprocessing.connection import Connection, wait
from typing import Any, Generic, TypeVar

__all__ = ["parent_alive", "run_ordered", "start_method"]

T = TypeVar("T")
R = TypeVar("R")

_PR_SET_PDEATHSIG = 1
_WATCHDOG_SECONDS = 0.5
_STOP_GRACE_SECONDS = 10.0
_STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP")
                      if hasattr(signal, name))

# In a worker: the parent pid it was started under (None in the main process).
_parent_pid: int | None = None


def start_method() -> str:
    """``spawn``: a fresh interpreter per worker, the parent's direct child (see above)."""
    return "spawn"


def parent_alive() -> bool:
    """False in a worker whose parent is gone: it must not write any further file."""
    return _parent_pid is None or os.getppid() == _parent_pid


class _Stopped(BaseException):
    """The parent got SIGTERM/SIGHUP: unwind, stop the workers, exit 128 + signum."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


class _Worker(Generic[T]):
    """One worker process and the task it holds (its index), over its own pipe."""

    def __init__(self, context: Any, func: Callable[[T], Any]) -> None:
        self.conn, child = context.Pipe(duplex=True)
        self.process = context.Process(target=_serve, args=(child, func), daemon=True)
        self.process.start()
        child.close()
        self.index: int | None = None

    def give(self, index: int, task: T) -> None:
        self.index = index
        self.conn.send(task)

    def take(self) -> tuple[bool, Any]:
        """(True, result) when the result has arrived; (False, None) if the worker died."""
        try:
            if self.conn.poll():
                return True, self.conn.recv()
        except (EOFError, OSError):
            pass
        return False, None

    def exit_description(self) -> str:
        self.process.join(_STOP_GRACE_SECONDS)
        code = self.process.exitcode
        if code is not None and code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = f"signal {-code}"
            hint = ", out of memory?" if -code == signal.SIGKILL else ""
            return f"killed by {name}{hint}"
        return f"exit code {code}"

    def stop(self, *, now: bool) -> None:
        """Ask the worker to exit (``now``: SIGTERM, it abandons its task), then make sure."""
        with contextlib.suppress(OSError, ValueError):
            if now and self.process.is_alive():
                self.process.terminate()
            else:
                self.conn.send(None)
        self.process.join(_STOP_GRACE_SECONDS)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.conn.close()


def run_ordered(func: Callable[[T], R], tasks: Sequence[T], jobs: int,
                lost: Callable[[T, str], R]) -> Iterator[R]:
    """``func(task)`` for every task in ``jobs`` worker processes, yielded in task order.

    ``func`` must not raise (it reports problems in its result) and must be importable by
    name. A task whose worker died yields ``lost(task, "killed by SIGKILL ...")`` and the
    run goes on with a new worker. Stopping early (an exception, the consumer closing the
    generator, a signal) stops every worker before returning.
    """
    context = multiprocessing.get_context(start_method())
    pending = deque(enumerate(tasks))
    done: dict[int, R] = {}
    workers: list[_Worker[T]] = []
    next_out = 0
    finished = False

    def start() -> _Worker[T]:
        return _Worker(context, func)

    with _signals_stop():
        try:
            for position in range(min(jobs, len(tasks))):
                workers.append(start())
                _assign(workers, position, pending, start)
            while next_out < len(tasks):
                while next_out in done:
                    yield done.pop(next_out)
                    next_out += 1
                if next_out < len(tasks):
                    _collect(workers, tasks, pending, done, lost, start)
            finished = True
        except _Stopped as stop:
            _stop_all(workers, now=True)
            sys.stderr.write(f"respgate: stopped by {signal.Signals(stop.signum).name}; "
                             "every file is either untouched or fully written\n")
            raise SystemExit(128 + stop.signum) from None
        finally:
            _stop_all(workers, now=not finished)


def _assign(workers: list[_Worker[T]], position: int, pending: deque[tuple[int, T]],
            start: Callable[[], _Worker[T]]) -> None:
    """Give the worker at ``position`` the next task; a worker that died idle is replaced
    (its task was never started, so it goes to the new one)."""
    if not pending:
        workers[position].index = None
        return
    index, task = pending.popleft()
    try:
        workers[position].give(index, task)
    except OSError:
        workers[position].index = None
        _retire(workers[position])
        workers[position] = start()
        workers[position].give(index, task)


def _collect(workers: list[_Worker[T]], tasks: Sequence[T], pending: deque[tuple[int, T]],
             done: dict[int, R], lost: Callable[[T, str], R],
             start: Callable[[], _Worker[T]]) -> None:
    """Wait for some worker to answer or die; record its result; keep it busy."""
    busy = [w for w in workers if w.index is not None]
    ready = set(wait([w.conn for w in busy] + [w.process.sentinel for w in busy]))
    for position, worker in enumerate(workers):
        if worker.index is None or not ({worker.conn, worker.process.sentinel} & ready):
            continue
        index = worker.index
        arrived, result = worker.take()
        dead = worker.process.sentinel in ready or not worker.process.is_alive()
        if arrived:
            done[index] = result
        elif not dead:
            continue   # readable without a whole message yet
        else:
            done[index] = lost(tasks[index], worker.exit_description())
        worker.index = None
        if dead:
            _retire(worker)
            if not pending:
                continue
            workers[position] = start()
        _assign(workers, position, pending, start)


def _retire(worker: _Worker[Any]) -> None:
    """A dead worker: reap it and close its pipe."""
    worker.process.join(_STOP_GRACE_SECONDS)
    worker.conn.close()


def _stop_all(workers: list[_Worker[T]], *, now: bool) -> None:
    for worker in workers:
        if not worker.conn.closed:
            worker.stop(now=now and worker.index is not None)
    workers.clear()


@contextlib.contextmanager
def _signals_stop() -> Iterator[None]:
    """SIGTERM/SIGHUP raise ``_Stopped`` in the main thread while workers run."""
    def handler(signum: int, frame: object) -> None:
        raise _Stopped(signum)

    previous: dict[int, Any] = {}
    if threading.current_thread() is threading.main_thread():
        for signum in _STOP_SIGNALS:
            previous[signum] = signal.signal(signum, handler)
    try:
        yield
    finally:
        for signum, old in previous.items():
            signal.signal(signum, old)


# -- in the worker ---------------------------------------------------------------------------
def _serve(conn: Connection, func: Callable[[Any], Any]) -> None:
    """A worker's life: die with the parent, then answer tasks until told to stop."""
    global _parent_pid
    parent = multiprocessing.parent_process()
    _parent_pid = parent.pid if parent is not None else os.getppid()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _exit_on_signal)
    _die_with_parent()
    if not parent_alive():
        return
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        result = func(task)
        if not parent_alive():
            return
        try:
            conn.send(result)
        except OSError:
            return


def _exit_on_signal(signum: int, frame: object) -> None:
    """SIGTERM in a worker unwinds it (a temporary file is removed on the way out)."""
    raise SystemExit(128 + signum)


def _die_with_parent() -> None:
    """Linux: the kernel sends SIGTERM when the parent exits. Elsewhere (and as a second
    line), a watchdog thread ends the worker once its parent has changed."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    watchdog = threading.Thread(target=_watch_parent, name="respgate-parent-watch", daemon=True)
    watchdog.start()


def _watch_parent() -> None:
    stop = threading.Event()
    while not stop.wait(_WATCHDOG_SECONDS):
        if not parent_alive():
            os.kill(os.getpid(), signal.SIGTERM)
            return
