"""What a trigger returns, how to await its final fate, and the names of the guards.

Kept apart from the gate so callers (and the codemod's tests) can import the
vocabulary without pulling in the gate's machinery.
"""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass, field
from typing import Literal

# Blocking guards end a trigger for good.
CLOSING = "closing"
PENDING_HANGUP = "pending_hangup"
BUDGET = "budget"
# Holding guards defer a trigger until they clear.
SESSION_NOT_READY = "session_not_ready"
USER_SPEAKING = "user_speaking"
RESPONSE_IN_FLIGHT = "response_in_flight"
RAPID_CREATE = "rapid_create"

BLOCKING_GUARDS: tuple[str, ...] = (CLOSING, PENDING_HANGUP, BUDGET)
HOLDING_GUARDS: tuple[str, ...] = (
    SESSION_NOT_READY,
    USER_SPEAKING,
    RESPONSE_IN_FLIGHT,
    RAPID_CREATE,
)
#: Holding guards that ``force=True`` skips. Never the session guard (a response
#: before ``session.updated`` speaks with the default voice) and never
#: ``response_in_flight``: the server refuses a second create on the default
#: conversation, so a forced create waits for (or cancels, see
#: ``force_cancels_active``) the active response instead of being refused.
FORCE_BYPASSES: frozenset[str] = frozenset({USER_SPEAKING, RAPID_CREATE})
GUARDS: tuple[str, ...] = BLOCKING_GUARDS + HOLDING_GUARDS

# Why a held (or sent-then-failed) create was dropped: ``stats()["dropped_by"]``.
DEFER_TIMEOUT = "defer_timeout"  # held longer than defer_timeout_s ("expired")
SEND_FAILED = "send_failed"  # the client's send raised
SEND_CANCELLED = "send_cancelled"  # the task sending it was cancelled mid-send
RESET = "reset"  # ResponseGate.reset()
REFUSED = "refused"  # the server refused it again after it was put back once

Status = Literal["sent", "deferred", "blocked"]
Final = Literal["sent", "dropped", "blocked"]


class UnobservedGateWarning(RuntimeWarning):
    """The gate held a create but has never been fed a server event (``observe()``)."""


@dataclass(frozen=True, slots=True)
class Settlement:
    """The final fate of a trigger: on the wire, dropped (and why), or blocked."""

    status: Final
    reason: str
    event_id: str | None = None
    dropped_by: str | None = None

    def __bool__(self) -> bool:
        return self.status == "sent"

    @property
    def expired(self) -> bool:
        """Dropped because it was held longer than ``defer_timeout_s``."""
        return self.dropped_by == DEFER_TIMEOUT


class Handle:
    """The shared fate of one held intent; thread-safe, awaitable from any loop."""

    __slots__ = ("_lock", "_result", "_waiters")

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._result: Settlement | None = None
        self._waiters: list[tuple[asyncio.AbstractEventLoop, asyncio.Future[Settlement]]] = []

    @property
    def result(self) -> Settlement | None:
        return self._result

    def resolve(self, settlement: Settlement) -> None:
        """First resolution wins; wakes every waiter on its own loop."""
        with self._lock:
            if self._result is not None:
                return
            self._result = settlement
            waiters, self._waiters = self._waiters, []
        for loop, fut in waiters:
            try:
                loop.call_soon_threadsafe(_settle, fut, settlement)
            except RuntimeError:  # that loop is closed: nobody is waiting any more
                pass

    async def wait(self, timeout: float | None) -> Settlement:
        loop = asyncio.get_running_loop()
        with self._lock:
            if self._result is not None:
                return self._result
            fut: asyncio.Future[Settlement] = loop.create_future()
            self._waiters.append((loop, fut))
        try:
            return await asyncio.wait_for(asyncio.shield(fut), timeout)
        finally:
            if not fut.done():
                fut.cancel()


def _settle(fut: asyncio.Future[Settlement], settlement: Settlement) -> None:
    if not fut.done():
        fut.set_result(settlement)


@dataclass(frozen=True, slots=True)
class Outcome:
    """The immediate result of one ``trigger_response`` call.

    ``bool(outcome)`` is True only when a ``response.create`` went on the wire
    during this call, so ``if await self.trigger_response(...)`` reads naturally.
    A ``deferred`` outcome's ``event_id`` is the id the held create will carry;
    ``await outcome.wait()`` returns its final ``Settlement`` (sent, or dropped
    with the reason: expired, closing, hangup, ...).
    """

    status: Status
    reason: str
    guard: str | None = None
    event_id: str | None = None
    coalesced: bool = field(default=False)
    handle: Handle | None = field(default=None, compare=False, repr=False)

    def __bool__(self) -> bool:
        return self.status == "sent"

    @property
    def sent(self) -> bool:
        return self.status == "sent"

    @property
    def settled(self) -> Settlement | None:
        """The final fate if already known (never blocks)."""
        if self.handle is not None:
            return self.handle.result
        if self.status == "deferred":  # a deferred outcome built by hand: unknown
            return None
        return Settlement(self.status, self.reason, self.event_id)

    async def wait(self, timeout: float | None = None) -> Settlement:
        """Wait until a deferred create is sent, dropped or expired.

        Raises ``TimeoutError`` after ``timeout`` seconds (None: no limit, the
        gate's own ``defer_timeout_s`` still bounds a held create).
        """
        if self.handle is not None:
            return await self.handle.wait(timeout)
        settled = self.settled
        if settled is None:
            raise ValueError("this deferred Outcome has no handle to wait on")
        return settled
