"""An asyncio loop on virtual time: timing in the runtime tests is driven, never raced.

The gate, the fake peer and the tests all schedule with the loop (``call_later``,
``asyncio.sleep``, ``wait_for``) and the gate reads the running loop's clock. On this loop
the clock only moves when every ready callback has run and the loop would otherwise block
waiting for its next timer: it then jumps straight to that timer. So a scenario runs the
same way on every machine and Python version, however loaded the CPU is (a 80 ms hold is
80 ms of loop time, not "80 ms unless the scheduler was slow"), and it runs instantly.

Real I/O (the self-pipe that ``call_soon_threadsafe`` writes) is still polled without
blocking before each jump. A test whose coroutine waits on another *thread* must use the
real-time loop instead (``arun_realtime``): here a thread's work takes no loop time, so a
timeout would expire before the thread could answer.
"""

from __future__ import annotations

import asyncio
import selectors
import time
from collections.abc import Coroutine
from typing import Any

# A loop with nothing scheduled can only be woken by another thread, and a loop that only
# runs callbacks never lets the clock move: either is declared hung after this long in
# real time (the scenario's own timeout is virtual and would never fire).
_IDLE_REAL_LIMIT_S = 30.0


class _VirtualSelector(selectors.DefaultSelector):  # type: ignore[misc, valid-type]
    """Polls real file descriptors without blocking; a would-be wait advances the clock."""

    def __init__(self) -> None:
        super().__init__()
        self.now = 1000.0  # far from 0: float steps stay exact enough at this scale
        self._real_at_last_advance = time.monotonic()

    def select(self, timeout: float | None = None) -> list[Any]:
        ready = super().select(0)
        if ready or timeout == 0:
            # Callbacks keep the loop busy and the clock still: fine for a while, but a
            # timer re-armed at 0 s forever (a due that is never "due") is a hang.
            if time.monotonic() - self._real_at_last_advance > _IDLE_REAL_LIMIT_S:
                raise RuntimeError("virtual-time loop spinning without ever waiting (a hang)")
            return ready
        if timeout is None:  # no timer at all: only another thread can wake the loop
            started = time.monotonic()
            ready = super().select(_IDLE_REAL_LIMIT_S)
            if not ready and time.monotonic() - started >= _IDLE_REAL_LIMIT_S:
                raise RuntimeError("virtual-time loop idle with nothing scheduled (a hang)")
            return ready
        self.now += timeout
        self._real_at_last_advance = time.monotonic()
        return []


class VirtualTimeLoop(asyncio.SelectorEventLoop):
    """A selector loop whose ``time()`` is the virtual clock of its selector."""

    def __init__(self) -> None:
        self._vselector = _VirtualSelector()
        super().__init__(self._vselector)

    def time(self) -> float:
        return self._vselector.now


def run_virtual(coro: Coroutine[Any, Any, Any], timeout: float) -> Any:
    """Run ``coro`` on a fresh virtual-time loop; ``timeout`` is in loop (virtual) seconds."""
    with asyncio.Runner(loop_factory=VirtualTimeLoop) as runner:
        return runner.run(asyncio.wait_for(coro, timeout))
