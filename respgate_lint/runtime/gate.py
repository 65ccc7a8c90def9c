"""The response gate: the one place a ``response.create`` may leave from.

Threading model
---------------
* Every decision (read guards, change state) runs under one ``threading.Lock``
  with no ``await`` inside, so concurrent triggers - tasks of one loop, or
  threads - can never both pass a guard; the send happens after the decision.
* ``trigger_response`` is a coroutine; the send runs on the loop that awaits it.
  From a thread that is not running the app's loop, prefer
  ``asyncio.run_coroutine_threadsafe(gate.trigger_response(...), loop)``.
  Awaiting it on another thread's own loop is also safe for the decision.
* The gate captures the first running loop it is used on (``trigger_response``
  or ``observe``) as its *home loop*. Held intents are re-checked by a timer and
  flushed by a task on that loop, so a held create is sent on the home loop
  through the client of the last trigger that joined it.
* ``observe()`` and ``set_pending_hangup()``/``close()`` are sync and may be
  called from any thread; work that needs the loop is handed over with
  ``call_soon_threadsafe``.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .clients import send_via
from .events import as_event_dict, build_create_event, new_event_id, unwrap_create_event
from .outcome import BUDGET, CLOSING, PENDING_HANGUP, Outcome
from .stats import GateStats
from .tracker import CallState

logger = logging.getLogger("respgate_lint.runtime")

_DEFER_TIMEOUT = "defer_timeout"
_SEND_FAILED = "send_failed"


@dataclass(slots=True, eq=False)
class _Intent:
    """A create the gate means to send: now, or once its holds clear."""

    event_id: str
    reason: str
    client: Any
    response: Mapping[str, Any] | None
    force: bool
    is_greeting: bool
    farewell: bool
    deadline: float
    coalesced: list[str] = field(default_factory=list)
    state: str = "pending"  # pending -> scheduled -> wire | aborted


@dataclass(slots=True)
class _Decision:
    outcome: Outcome
    send: _Intent | None = None
    absorbed: _Intent | None = None
    rearm: bool = False  # the held intent changed in a way its timer must learn of


def _running_loop() -> asyncio.AbstractEventLoop | None:
    # asyncio's own non-raising lookup (exported in asyncio.events.__all__).
    return asyncio._get_running_loop()


class ResponseGate:
    """Guards, deferral and telemetry for ``response.create`` on one call.

    ``min_interval_s``: minimum spacing between creates (``rapid_create``).
    ``max_responses``: budget of responses the call may produce, server-started
    ones included (None: unlimited). ``defer_timeout_s``: how long a held intent
    may wait before it is dropped and counted. ``require_session_update``: hold
    creates until ``session.updated`` (set False for apps that never update the
    session). ``vad_response_wait_s``: after ``speech_stopped`` on a session whose
    turn detection creates responses itself, how long to wait for that response
    before treating the turn as over. ``stuck_timeout_s``: give up on a create
    the server never answered. ``call_id`` is added to every log record.
    """

    def __init__(
        self,
        min_interval_s: float = 0.5,
        max_responses: int | None = None,
        defer_timeout_s: float = 10.0,
        *,
        require_session_update: bool = True,
        vad_response_wait_s: float = 0.5,
        stuck_timeout_s: float = 15.0,
        call_id: str | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if min_interval_s < 0 or defer_timeout_s <= 0:
            raise ValueError("min_interval_s must be >= 0 and defer_timeout_s > 0")
        if max_responses is not None and max_responses < 0:
            raise ValueError("max_responses must be None or >= 0")
        self.min_interval_s = min_interval_s
        self.max_responses = max_responses
        self.defer_timeout_s = defer_timeout_s
        self.call_id = call_id
        self._clock = clock
        self._lock = threading.Lock()
        self._stats = GateStats()
        self._state = CallState(
            self._stats,
            require_session_update=require_session_update,
            vad_response_wait_s=vad_response_wait_s,
            stuck_timeout_s=stuck_timeout_s,
        )
        self._pending: _Intent | None = None
        self._scheduled: set[_Intent] = set()
        self._recheck_at: float | None = None
        self._closing = False
        self._hangup = False
        self._farewell_used = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._timer_due: float | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._drop_logs: list[tuple[_Intent, str, str | None]] = []  # logged after unlock

    # ------------------------------------------------------------------ API
    async def trigger_response(
        self,
        reason: str,
        client: Any,
        *,
        force: bool = False,
        is_greeting: bool = False,
        response: Any = None,
        event_id: str | None = None,
    ) -> Outcome:
        """Send a ``response.create`` now, hold it, or block it; never silently."""
        payload, event_id = unwrap_create_event(response, event_id)
        loop = _running_loop()
        with self._lock:
            self._bind_loop(loop)
            decision = self._decide(reason, client, force, is_greeting, payload, event_id)
            notes = self._take_notes()
        self._emit_notes(notes)
        self._log_decision(decision)
        if decision.rearm:
            self._kick(loop)
        if decision.send is not None:
            await self._deliver(decision.send, raise_errors=True)
        return decision.outcome

    def observe(self, server_event: Any) -> None:
        """Feed every server event received from the Realtime API (dict, JSON or model)."""
        event = as_event_dict(server_event)
        if event is None:
            return
        with self._lock:
            self._bind_loop(_running_loop())
            self._state.on_event(event, self._clock())
            busy = self._pending is not None
            notes = self._take_notes()
        self._emit_notes(notes)
        if busy:
            self._kick()

    def mark_session_ready(self) -> None:
        """For apps that configure the session without a ``session.updated`` round trip."""
        with self._lock:
            self._state.session_ready = True
            busy = self._pending is not None
        if busy:
            self._kick()

    def set_pending_hangup(self) -> None:
        """The call is ending: one ``force=True`` farewell may still go, then nothing."""
        with self._lock:
            self._hangup = True
            dropped = self._drop_pending(PENDING_HANGUP)
        self._log_dropped(dropped, PENDING_HANGUP)
        self._kick()

    def close(self) -> None:
        """Stop for good: block new triggers, discard held and not-yet-sent intents."""
        with self._lock:
            self._closing = True
            dropped = self._drop_pending(CLOSING)
            aborted = [i for i in self._scheduled if i.state == "scheduled"]
            for intent in aborted:
                self._abort_scheduled(intent, CLOSING)
        for intent in ([dropped] if dropped else []) + aborted:
            self._log_dropped(intent, CLOSING)
        self._cancel_timer_threadsafe()

    async def aclose(self, timeout: float = 5.0) -> None:
        """``close()``, then wait for sends already on the wire to finish."""
        self.close()
        tasks = [t for t in self._tasks if t is not asyncio.current_task()]
        if tasks:
            await asyncio.wait(tasks, timeout=timeout)

    @property
    def closed(self) -> bool:
        return self._closing

    def stats(self) -> dict[str, Any]:
        """Counters: per outcome, guard and reason; responses and token usage."""
        with self._lock:
            snap = self._stats.snapshot()
            now = self._clock()
            pending = self._pending
            snap["held"] = None if pending is None else {
                "event_id": pending.event_id,
                "reasons": [pending.reason, *pending.coalesced],
                "expires_in_s": round(max(0.0, pending.deadline - now), 3),
            }
            snap["state"] = {
                "session_ready": self._state.session_ready,
                "user_speaking": self._state.speaking,
                "in_flight": self._state.in_flight(now),
                "pending_hangup": self._hangup,
                "closing": self._closing,
            }
        return snap

    # ------------------------------------------------------------- decision
    def _blocking_guard(self, force: bool) -> str | None:
        if self._closing:
            return CLOSING
        if self._hangup and (not force or self._farewell_used):
            return PENDING_HANGUP
        budget = self.max_responses
        if budget is not None and self._stats.responses + len(self._state.awaiting) >= budget:
            return BUDGET
        return None

    def _decide(
        self,
        reason: str,
        client: Any,
        force: bool,
        is_greeting: bool,
        payload: Mapping[str, Any] | None,
        event_id: str | None,
    ) -> _Decision:
        stats = self._stats
        if force:
            stats.forced += 1
        guard = self._blocking_guard(force)
        if guard is not None:
            stats.new_trigger(reason, "blocked")
            stats.guards[guard] += 1
            return _Decision(Outcome("blocked", reason, guard, event_id))
        farewell = self._hangup  # passing the hangup guard makes this the farewell
        if farewell:
            self._farewell_used = True
        now = self._clock()
        hold, self._recheck_at = self._state.holding_guard(now, force, self.min_interval_s)
        if hold is not None:
            stats.guards[hold] += 1
            stats.deferred += 1
            return self._hold(reason, client, force, is_greeting, payload, event_id, farewell, hold)
        intent = _Intent(event_id or new_event_id(), reason, client, payload, force,
                         is_greeting, farewell, now, state="wire")
        stats.new_trigger(reason, "sent")
        absorbed = self._pending
        if absorbed is not None:  # this create answers the held intent too
            self._pending = None
            stats.move(absorbed.reason, "pending", "coalesced")
            intent.coalesced += [absorbed.reason, *absorbed.coalesced]
        self._state.note_sent(intent.event_id, reason, now)
        return _Decision(Outcome("sent", reason, None, intent.event_id), intent, absorbed,
                         rearm=absorbed is not None)

    def _hold(
        self,
        reason: str,
        client: Any,
        force: bool,
        is_greeting: bool,
        payload: Mapping[str, Any] | None,
        event_id: str | None,
        farewell: bool,
        hold: str,
    ) -> _Decision:
        """Start the call's one held intent, or coalesce into it."""
        held = self._pending
        if held is not None:
            newly_forced = force and not held.force
            held.coalesced.append(reason)
            held.client = client
            held.force = held.force or force
            held.is_greeting = held.is_greeting or is_greeting
            if payload is not None:
                held.response = payload
            self._stats.new_trigger(reason, "coalesced")
            return _Decision(Outcome("deferred", reason, hold, held.event_id, coalesced=True),
                             rearm=newly_forced)
        deadline = self._clock() + self.defer_timeout_s
        held = _Intent(event_id or new_event_id(), reason, client, payload, force,
                       is_greeting, farewell, deadline)
        self._pending = held
        self._stats.new_trigger(reason, "pending")
        return _Decision(Outcome("deferred", reason, hold, held.event_id), rearm=True)

    def _try_flush(self) -> _Intent | None:
        """Under the lock: release the held intent if every hold has cleared."""
        held = self._pending
        if held is None:
            return None
        guard = self._blocking_guard(held.force)
        if guard == PENDING_HANGUP and held.farewell:
            guard = None
        if guard is not None:
            self._drop_logs.append((held, guard, guard))
            self._drop_pending(guard)
            return None
        now = self._clock()
        hold, self._recheck_at = self._state.holding_guard(now, held.force, self.min_interval_s)
        if hold is not None:
            if now >= held.deadline:
                self._drop_logs.append((held, _DEFER_TIMEOUT, hold))
                self._drop_pending(_DEFER_TIMEOUT)
            return None
        self._pending = None
        held.state = "scheduled"
        self._scheduled.add(held)
        self._stats.move(held.reason, "pending", "sent")
        self._state.note_sent(held.event_id, held.reason, now)
        return held

    def _drop_pending(self, why: str) -> _Intent | None:
        held = self._pending
        if held is None:
            return None
        self._pending = None
        self._stats.move(held.reason, "pending", "dropped")
        self._stats.dropped_by[why] += 1
        return held

    def _abort_scheduled(self, intent: _Intent, why: str) -> None:
        intent.state = "aborted"
        self._scheduled.discard(intent)
        self._state.forget_sent(intent.event_id)
        self._stats.move(intent.reason, "sent", "dropped")
        self._stats.dropped_by[why] += 1

    # ---------------------------------------------------------------- loop
    def _bind_loop(self, loop: asyncio.AbstractEventLoop | None) -> None:
        if loop is not None and (self._loop is None or self._loop.is_closed()):
            self._loop = loop

    def _kick(self, current: asyncio.AbstractEventLoop | None = None) -> None:
        """Re-evaluate the held intent on the home loop, from any thread."""
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        if (current or _running_loop()) is loop:
            self._service()
        else:
            try:
                loop.call_soon_threadsafe(self._service)
            except RuntimeError:  # loop closed meanwhile
                pass

    def _service(self) -> None:
        """On the home loop: flush if possible, then arm the timer for the next check."""
        with self._lock:
            intent = self._try_flush()
            due = self._next_due()
            notes = self._take_notes()
            drops, self._drop_logs = self._drop_logs, []
        self._emit_notes(notes)
        for intent, why, guard in drops:
            self._log_dropped(intent, why, guard)
        if intent is not None:
            task = asyncio.get_running_loop().create_task(self._deliver_flushed(intent))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        self._set_timer(due)

    def _next_due(self) -> float | None:
        held = self._pending
        if held is None or self._closing:
            return None
        if self._recheck_at is None:
            return held.deadline
        return min(held.deadline, self._recheck_at)

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
        if _running_loop() is loop:
            self._set_timer(None)
        else:
            try:
                loop.call_soon_threadsafe(self._set_timer, None)
            except RuntimeError:
                pass

    # ---------------------------------------------------------------- send
    async def _deliver_flushed(self, intent: _Intent) -> None:
        with self._lock:
            if intent.state != "scheduled":  # closed between flush and now
                return
            intent.state = "wire"
            self._scheduled.discard(intent)
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug("held response sent: %s", intent.reason,
                         extra=self._extra(intent.reason, guard=None, outcome="sent",
                                           event_id=intent.event_id,
                                           coalesced=list(intent.coalesced)))
        await self._deliver(intent, raise_errors=False)

    async def _deliver(self, intent: _Intent, *, raise_errors: bool) -> None:
        event = build_create_event(
            intent.reason,
            intent.event_id,
            intent.response,
            coalesced=tuple(intent.coalesced),
            is_greeting=intent.is_greeting,
        )
        try:
            await send_via(intent.client, event)
        except Exception:
            with self._lock:
                self._state.forget_sent(intent.event_id)
                self._stats.move(intent.reason, "sent", "dropped")
                self._stats.dropped_by[_SEND_FAILED] += 1
            logger.exception("response.create send failed",
                         extra=self._extra(intent.reason, guard=None, event_id=intent.event_id,
                                           outcome="dropped"))
            if raise_errors:
                raise

    # ------------------------------------------------------------- logging
    def _extra(self, reason: str, **fields: Any) -> dict[str, Any]:
        last = self._state.last_create_at
        fields.update(
            reason=reason,
            call_id=self.call_id,
            min_interval_s=self.min_interval_s,
            since_last_create_s=None if last is None else round(self._clock() - last, 4),
        )
        return fields

    def _log_decision(self, decision: _Decision) -> None:
        out = decision.outcome
        level = logging.INFO if out.status == "blocked" else logging.DEBUG
        if not logger.isEnabledFor(level):
            return
        coalesced = decision.send.coalesced if decision.send is not None else []
        logger.log(level, "trigger %s: %s%s", out.status, out.reason,
                   f" ({out.guard})" if out.guard else "",
                   extra=self._extra(out.reason, guard=out.guard, outcome=out.status,
                                     event_id=out.event_id, coalesced=list(coalesced)))

    def _log_dropped(self, intent: _Intent | None, why: str, guard: str | None = None) -> None:
        if intent is None:
            return
        logger.warning("held response dropped: %s (%s)", intent.reason, why,
                       extra=self._extra(intent.reason, guard=guard or why, outcome="dropped",
                                         dropped_by=why,
                                         event_id=intent.event_id,
                                         coalesced=list(intent.coalesced)))

    def _take_notes(self) -> list[Any]:
        notes, self._state.notes = self._state.notes, []
        return notes

    def _emit_notes(self, notes: list[Any]) -> None:
        for level, msg, extra in notes:
            extra.setdefault("call_id", self.call_id)
            logger.log(level, msg, extra=extra)
