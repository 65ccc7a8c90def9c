"""The gate's moving parts: the queue of held intents, flushing, sending, timers.

``ResponseGate`` (gate.py) decides at the trigger; this base class does
everything that happens later, on the gate's home loop:

* ``_service()`` re-checks the held intents after every server event, timer or
  state change: drops what expired or a blocking guard now forbids, sends
  ``response.cancel`` for a forced intent when configured, and *schedules* the
  intent at the head of the queue (plus every out-of-band intent) when its holds
  have cleared. A scheduled default intent reserves the conversation: no other
  create may overtake it.
* ``_deliver_flushed()`` runs a loop turn later, in a task: it re-checks every
  guard at the moment of sending (a ``speech_started`` may have arrived in the
  same read as the ``response.done`` that released it) and either sends or puts
  the intent back at the head of the queue.
* ``_deliver()`` sends; whatever the send raises - ``CancelledError`` included,
  which is not an ``Exception`` - the state is repaired in ``except
  BaseException``: the create is not in flight, the intents it absorbed go back
  to the queue, and the trigger is counted ``dropped`` with the reason.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .clients import send_via
from .events import build_cancel_event, build_create_event
from .intents import Intent
from .outcome import (
    DEFER_TIMEOUT,
    PENDING_HANGUP,
    RESET,
    RESPONSE_IN_FLIGHT,
    SEND_CANCELLED,
    SEND_FAILED,
    Outcome,
    Settlement,
    UnobservedGateWarning,
)
from .stats import GateStats
from .tracker import CallState

logger = logging.getLogger("respgate_lint.runtime")

#: Reasons a dropped farewell frees the one farewell slot (it never reached anyone).
_FAREWELL_RETRYABLE = frozenset({DEFER_TIMEOUT, SEND_FAILED, SEND_CANCELLED, RESET})

OBSERVE_HINT = (
    "feed every server event to the gate: in your receive loop, right after decoding "
    "each event, add `self.response_gate.observe(event)` (GatedResponseMixin) or "
    "`gate.observe(event)`"
)

Waiter = tuple[Callable[[], bool], asyncio.AbstractEventLoop, "asyncio.Future[bool]"]


@dataclass(slots=True)
class Decision:
    outcome: Outcome
    send: Intent | None = None
    rearm: bool = False  # the held intents changed in a way the timer must learn of


def running_loop() -> asyncio.AbstractEventLoop | None:
    # asyncio's own non-raising lookup (exported in asyncio.events.__all__).
    return asyncio._get_running_loop()


def _wake(fut: asyncio.Future[bool]) -> None:
    if not fut.done():
        fut.set_result(True)


class GateMachinery:
    """State and loop plumbing shared by ``ResponseGate``; see the module doc."""

    min_interval_s: float
    defer_timeout_s: float
    force_cancels_active: bool
    unobserved_grace_s: float | None
    call_id: str | None
    _clock: Callable[[], float]
    _lock: threading.Lock
    _stats: GateStats
    _state: CallState
    _closing: bool
    _hangup: bool
    _farewell_used: bool

    def _init_machinery(self) -> None:
        self._queue: list[Intent] = []  # default conversation, oldest first
        self._oob: list[Intent] = []  # out-of-band intents: never merged, never wait on defaults
        self._scheduled: set[Intent] = set()
        self._reserved = 0  # default intents scheduled: the conversation is theirs
        self._wire: dict[str, Intent] = {}  # unanswered creates that carry absorbed intents
        self._farewell: Intent | None = None
        self._recheck_at: float | None = None
        self._blind = False  # never observed a server event, past the grace period
        self._warning: str | None = None  # the unobserved warning, once
        self._pending_warning = False  # ... not yet emitted
        self._loop: asyncio.AbstractEventLoop | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._timer_due: float | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._drop_logs: list[tuple[Intent, str, str | None]] = []  # logged after unlock
        self._waiters: list[Waiter] = []

    # ------------------------------------------------------------ guards
    def _blocking_guard(self, force: bool) -> str | None:
        raise NotImplementedError

    def _hold_for(self, now: float, force: bool, oob: bool, *, head: bool = False) -> str | None:
        """The holding guard for an intent now; for the queue's head, when to look again."""
        hold, recheck = self._state.holding_guard(
            now, force, self.min_interval_s, blind=self._blind, oob=oob)
        if head:
            self._recheck_at = recheck
        if hold is None and not oob and self._reserved:
            return RESPONSE_IN_FLIGHT
        return hold

    # ------------------------------------------------------------- queue
    def _flush(self) -> tuple[list[Intent], list[tuple[Any, str]]]:
        """Under the lock: drop, schedule, and pick ``response.cancel`` targets."""
        now = self._clock()
        self._check_blind(now)
        for queue in (self._queue, self._oob):
            for intent in list(queue):
                guard = self._blocking_guard(intent.force)
                if guard == PENDING_HANGUP and intent.farewell:
                    guard = None
                if guard is not None:
                    self._drop(intent, guard, guard)
        sends: list[Intent] = []
        for intent in list(self._oob):
            hold = self._hold_for(now, intent.force, True)
            if hold is None:
                sends.append(self._schedule(intent))
            elif now >= intent.deadline:
                self._drop(intent, DEFER_TIMEOUT, hold)
        cancels: list[tuple[Any, str]] = []
        hold = None
        self._recheck_at = None
        while self._queue:
            head = self._queue[0]
            hold = self._hold_for(now, head.force, False, head=True)
            if hold is None:
                sends.append(self._schedule(head))
                break
            if now >= head.deadline:
                self._drop(head, DEFER_TIMEOUT, hold)
                continue
            if hold == RESPONSE_IN_FLIGHT and head.force and self.force_cancels_active:
                cancels = [(head.client, rid) for rid in self._state.cancel_targets()]
                self._stats.cancels += len(cancels)
            break
        for intent in self._queue[1:]:  # waiting behind the head, but out of time
            if now >= intent.deadline:
                self._drop(intent, DEFER_TIMEOUT, hold or RESPONSE_IN_FLIGHT)
        return sends, cancels

    def _schedule(self, intent: Intent) -> Intent:
        (self._oob if intent.oob else self._queue).remove(intent)
        intent.state = "scheduled"
        self._scheduled.add(intent)
        if not intent.oob:
            self._reserved += 1
        return intent

    def _unschedule(self, intent: Intent) -> None:
        self._scheduled.discard(intent)
        if not intent.oob:
            self._reserved -= 1

    def _drop(self, intent: Intent, why: str, guard: str | None = None) -> None:
        """Under the lock: a held or scheduled intent is discarded and counted."""
        if intent.state == "scheduled":
            self._unschedule(intent)
        elif intent.state == "held":
            (self._oob if intent.oob else self._queue).remove(intent)
        else:
            return
        intent.state = "dropped"
        self._stats.move(intent.reason, "pending", "dropped")
        self._stats.dropped_by[why] += 1
        if intent.handle is not None:
            intent.handle.resolve(Settlement("dropped", intent.reason, intent.event_id, why))
        if intent.farewell and why in _FAREWELL_RETRYABLE:
            self._farewell_used = False
        self._drop_logs.append((intent, why, guard))

    def _drop_all(self, why: str, keep_farewell: bool = False) -> None:
        for intent in [*self._queue, *self._oob, *self._scheduled]:
            if not (keep_farewell and intent.farewell):
                self._drop(intent, why, why)

    def _put_back(self, intents: list[Intent]) -> None:
        """Under the lock: absorbed intents whose create failed go back to the head."""
        now = self._clock()
        alive = []
        for intent in intents:
            self._stats.move(intent.reason, "coalesced", "pending")
            intent.state = "held"
            if now >= intent.deadline:
                self._queue.insert(0, intent)  # _drop removes it again
                self._drop(intent, DEFER_TIMEOUT, RESPONSE_IN_FLIGHT)
                continue
            self._stats.requeued += 1
            alive.append(intent)
        self._queue[0:0] = alive

    def _on_refused(self) -> None:
        """Under the lock: the server refused creates; recover what they carried."""
        refused, self._state.refused = self._state.refused, []
        for sent in refused:
            intent = self._wire.pop(sent.event_id, None)
            if intent is None:
                continue
            absorbed, intent.absorbed = intent.absorbed, []
            self._put_back(absorbed)
            if intent.farewell and intent.requeued == 0 and not self._closing:
                # The one farewell must be heard: it goes again once the response ends.
                intent.requeued += 1
                intent.state = "held"
                intent.deadline = self._clock() + self.defer_timeout_s
                self._stats.move(intent.reason, "sent", "pending")
                self._queue.insert(0, intent)

    def _next_due(self) -> float | None:
        if self._closing:
            return None
        held = [*self._queue, *self._oob]
        dues = [i.deadline for i in held]
        if self._recheck_at is not None and held:
            dues.append(self._recheck_at)
        grace = self.unobserved_grace_s
        if held and grace is not None and not self._blind and not self._state.observed:
            dues.append(min(i.created for i in held) + grace)
        if self._waiters:
            stuck = self._state._stuck_deadline()
            if stuck is not None:
                dues.append(stuck)
        return min(dues) if dues else None

    def _check_blind(self, now: float) -> None:
        """No server event ever seen and a create held past the grace: warn once, go on."""
        grace = self.unobserved_grace_s
        if self._blind or grace is None or self._state.observed:
            return
        held = [*self._queue, *self._oob]
        if not held:
            return
        oldest = min(held, key=lambda i: i.created)
        if now < oldest.created + grace:  # the due's own sum (see CallState.expire)
            return
        self._blind = True
        if self._warning is None:
            self._warning = (
                f"ResponseGate held response.create {oldest.reason!r} for {grace:g} s and has "
                f"never seen a server event: {OBSERVE_HINT}. Until it does, the gate sends "
                "without the session, speech and in-flight guards (only min_interval_s "
                "spacing), so the bot keeps talking instead of going silent."
            )
            self._pending_warning = True

    # -------------------------------------------------------------- loop
    def _home_time(self) -> float:
        """The default clock: the home loop's (its timers' timebase), else monotonic."""
        loop = self._loop
        return loop.time() if loop is not None else time.monotonic()

    def _bind_loop(self, loop: asyncio.AbstractEventLoop | None) -> None:
        if loop is not None and (self._loop is None or self._loop.is_closed()):
            self._loop = loop

    def _kick(self, current: asyncio.AbstractEventLoop | None = None) -> None:
        """Re-evaluate the held intents on the home loop, from any thread."""
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        if (current or running_loop()) is loop:
            self._service()
        else:
            try:
                loop.call_soon_threadsafe(self._service)
            except RuntimeError:  # loop closed meanwhile
                pass

    def _service(self) -> None:
        """On the home loop: flush what may go, then arm the timer for the next check."""
        with self._lock:
            sends, cancels = self._flush()
            due = self._next_due()
            notes = self._take_notes()
            drops, self._drop_logs = self._drop_logs, []
            warn = self._warning if self._pending_warning else None
            self._pending_warning = False
        self._emit_notes(notes)
        for intent, why, guard in drops:
            self._log_dropped(intent, why, guard)
        if warn is not None:
            logger.warning(warn, extra={"call_id": self.call_id, "reason": None})
            warnings.warn(UnobservedGateWarning(warn), stacklevel=2)
        loop = asyncio.get_running_loop()
        for intent in sends:
            self._spawn(loop, self._deliver_flushed(intent))
        for client, rid in cancels:
            self._spawn(loop, self._send_cancel(client, rid))
        self._set_timer(due)
        self._notify_waiters()

    def _spawn(self, loop: asyncio.AbstractEventLoop, coro: Any) -> None:
        task = loop.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _set_timer(self, due: float | None) -> None:
        if due is not None and due == self._timer_due and self._timer is not None:
            return
        if self._timer is not None:
            self._timer.cancel()
        self._timer = self._timer_due = None
        if due is None or self._loop is None:
            return
        delay = max(0.0, due - self._clock())
        self._timer = self._loop.call_later(delay, self._on_timer)
        self._timer_due = due

    def _on_timer(self) -> None:
        self._timer = self._timer_due = None
        self._service()

    def _cancel_timer_threadsafe(self) -> None:
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        if running_loop() is loop:
            self._set_timer(None)
        else:
            try:
                loop.call_soon_threadsafe(self._set_timer, None)
            except RuntimeError:
                pass

    # ----------------------------------------------------------- waiting
    async def _wait_until(self, predicate: Callable[[], bool], timeout: float) -> bool:
        """Wait (bounded) until ``predicate()`` - evaluated under the lock - holds."""
        loop = asyncio.get_running_loop()
        with self._lock:
            if predicate():
                return True
            fut: asyncio.Future[bool] = loop.create_future()
            waiter: Waiter = (predicate, loop, fut)
            self._waiters.append(waiter)
            due = self._next_due()
        if self._loop is loop:
            self._set_timer(due)
        try:
            return await asyncio.wait_for(fut, timeout)
        except TimeoutError:
            return False
        finally:
            with self._lock:
                if waiter in self._waiters:
                    self._waiters.remove(waiter)

    def _notify_waiters(self) -> None:
        if not self._waiters:
            return
        with self._lock:
            ready = [w for w in self._waiters if w[1].is_closed() or w[0]()]
            for waiter in ready:
                self._waiters.remove(waiter)
        for _pred, loop, fut in ready:
            try:
                loop.call_soon_threadsafe(_wake, fut)
            except RuntimeError:
                pass

    # -------------------------------------------------------------- send
    async def _deliver_flushed(self, intent: Intent) -> None:
        """Re-check every guard at the moment of sending, then send or put back."""
        with self._lock:
            if intent.state != "scheduled":  # dropped between flush and now
                return
            self._unschedule(intent)
            now = self._clock()
            guard = self._blocking_guard(intent.force)
            if guard == PENDING_HANGUP and intent.farewell:
                guard = None
            hold = None if guard is not None else self._hold_for(now, intent.force, intent.oob)
            if guard is not None:
                intent.state = "held"
                (self._oob if intent.oob else self._queue).insert(0, intent)
                self._drop(intent, guard, guard)
            elif hold is not None:  # the world changed since the flush: back to the head
                intent.state = "held"
                (self._oob if intent.oob else self._queue).insert(0, intent)
            else:
                self._mark_on_wire(intent, now)
            drops, self._drop_logs = self._drop_logs, []
        for dropped, why, g in drops:
            self._log_dropped(dropped, why, g)
        if intent.state != "wire":
            self._kick()
            return
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug("held response sent: %s", intent.reason,
                         extra=self._extra(intent.reason, guard=None, outcome="sent",
                                           event_id=intent.event_id,
                                           coalesced=intent.reasons()))
        await self._deliver(intent, immediate=False)

    def _mark_on_wire(self, intent: Intent, now: float) -> None:
        intent.state = "wire"
        self._stats.move(intent.reason, "pending", "sent")
        self._note_wire(intent, now)

    def _note_wire(self, intent: Intent, now: float) -> None:
        """Under the lock: the create is going out now; track its answer."""
        if self._blind:
            if not intent.oob:
                self._state.last_create_at = now
        else:
            self._state.note_sent(intent.event_id, intent.reason, now, intent.oob)
            if intent.absorbed or intent.farewell:
                self._wire[intent.event_id] = intent

    async def _deliver(self, intent: Intent, *, immediate: bool) -> None:
        payload = intent.wire_payload() if intent.absorbed else intent.payload
        reasons = intent.reasons() if (intent.coalesced or intent.absorbed) else ()
        event = build_create_event(intent.reason, intent.event_id, payload,
                                   coalesced=tuple(reasons), is_greeting=intent.is_greeting)
        try:
            await send_via(intent.client, event)
        except BaseException as exc:
            cancelled = not isinstance(exc, Exception)
            why = SEND_CANCELLED if cancelled else SEND_FAILED
            with self._lock:
                self._send_failed(intent, why)
            if cancelled:
                logger.warning("response.create send cancelled: %s", intent.reason,
                               extra=self._extra(intent.reason, guard=None, outcome="dropped",
                                                 dropped_by=why, event_id=intent.event_id))
            else:
                logger.exception("response.create send failed",
                                 extra=self._extra(intent.reason, guard=None, outcome="dropped",
                                                   dropped_by=why, event_id=intent.event_id))
            self._kick()
            self._notify_waiters()
            if immediate or cancelled:
                raise
            return
        if intent.handle is not None:
            intent.handle.resolve(Settlement("sent", intent.reason, intent.event_id))
        if intent.absorbed and intent.event_id not in self._wire:  # not tracked: final now
            self._settle_absorbed(intent)

    def _settle_absorbed(self, intent: Intent) -> None:
        """The intents a create carried are ``sent`` once it was answered (not refused)."""
        for other in intent.absorbed:
            if other.handle is not None:
                other.handle.resolve(Settlement("sent", other.reason, intent.event_id))

    def _send_failed(self, intent: Intent, why: str) -> None:
        """Under the lock: the create never (knowingly) reached the server."""
        self._state.forget_sent(intent.event_id)
        self._wire.pop(intent.event_id, None)
        intent.state = "dropped"
        self._stats.move(intent.reason, "sent", "dropped")
        self._stats.dropped_by[why] += 1
        if intent.handle is not None:
            intent.handle.resolve(Settlement("dropped", intent.reason, intent.event_id, why))
        if intent.farewell:
            self._farewell_used = False
        absorbed, intent.absorbed = intent.absorbed, []
        self._put_back(absorbed)

    async def _send_cancel(self, client: Any, response_id: str) -> None:
        try:
            await send_via(client, build_cancel_event(response_id))
        except Exception:  # logged; the forced create still waits for response.done
            logger.exception("response.cancel send failed",
                             extra=self._extra("response.cancel", guard=RESPONSE_IN_FLIGHT,
                                               response_id=response_id))

    # ----------------------------------------------------------- logging
    def _extra(self, reason: str, **fields: Any) -> dict[str, Any]:
        last = self._state.last_create_at
        fields.update(
            reason=reason,
            call_id=self.call_id,
            min_interval_s=self.min_interval_s,
            since_last_create_s=None if last is None else round(self._clock() - last, 4),
        )
        return fields

    def _log_decision(self, decision: Decision) -> None:
        out = decision.outcome
        level = logging.INFO if out.status == "blocked" else logging.DEBUG
        if not logger.isEnabledFor(level):
            return
        coalesced = decision.send.reasons() if decision.send is not None else []
        logger.log(level, "trigger %s: %s%s", out.status, out.reason,
                   f" ({out.guard})" if out.guard else "",
                   extra=self._extra(out.reason, guard=out.guard, outcome=out.status,
                                     event_id=out.event_id, coalesced=coalesced))

    def _log_dropped(self, intent: Intent, why: str, guard: str | None = None) -> None:
        logger.warning("held response dropped: %s (%s)", intent.reason, why,
                   extra=self._extra(intent.reason, guard=guard or why, outcome="dropped",
                                     dropped_by=why, event_id=intent.event_id,
                                     coalesced=intent.reasons()))

    def _take_notes(self) -> list[Any]:
        notes = self._state.notes
        if not notes:
            return notes
        self._state.notes = []
        return notes

    def _emit_notes(self, notes: list[Any]) -> None:
        for level, msg, extra in notes:
            extra.setdefault("call_id", self.call_id)
            logger.log(level, msg, extra=extra)
