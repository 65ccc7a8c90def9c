"""The response gate: the one place a ``response.create`` may leave from.

Threading model
---------------
* Every decision (read guards, change state) runs under one ``threading.Lock``
  with no ``await`` inside, so concurrent triggers - tasks of one loop, or
  threads - can never both pass a guard; the send happens after the decision.
* ``trigger_response`` is a coroutine; an immediate send runs on the loop that
  awaits it, in the same task, with no loop turn between decision and send.
* The gate captures the first running loop it is used on (``trigger_response``
  or ``observe``) as its *home loop*. Held intents are re-checked by a timer and
  sent by a task on that loop (see scheduling.py), through the client of the
  last trigger that joined them - and re-checked once more right before sending.
* ``observe()``, ``set_pending_hangup()``, ``close()``, ``reset()`` and
  ``on_reconnect()`` are sync and may be called from any thread; work that needs
  the loop is handed over with ``call_soon_threadsafe``.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any

from .events import CONFLICT, as_event_dict, is_out_of_band, new_event_id, normalise_payload
from .intents import Intent, absorb_prefix, try_join
from .outcome import BUDGET, CLOSING, PENDING_HANGUP, RESET, Handle, Outcome
from .scheduling import Decision, GateMachinery, running_loop
from .stats import GateStats, StatsView, as_view
from .tracker import CallState


class ResponseGate(GateMachinery):
    """Guards, deferral and telemetry for ``response.create`` on one call.

    ``min_interval_s``: minimum spacing between creates (``rapid_create``).
    ``max_responses``: budget of responses the call may produce, server-started
    ones included (None: unlimited). ``defer_timeout_s``: how long a held intent
    may wait before it is dropped and counted. ``require_session_update``: hold
    creates until ``session.updated`` (set False for apps that never update the
    session). ``vad_response_wait_s``: after ``speech_stopped`` on a session whose
    turn detection creates responses itself, how long to wait for that response.
    ``stuck_timeout_s``: give up on a create the server never answered, a
    response the server went silent about, and a ``speech_started`` never
    followed by its end. ``force_cancels_active``: a forced create (the farewell)
    that finds a response active sends ``response.cancel`` first instead of
    waiting for it to finish. ``unobserved_grace_s``: after this long holding a
    create without ever seeing a server event, warn once and stop waiting for
    events that will never come (None: never). ``call_id`` is added to every log
    record.
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
        force_cancels_active: bool = False,
        unobserved_grace_s: float | None = 3.0,
        call_id: str | None = None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        if min_interval_s < 0 or defer_timeout_s <= 0:
            raise ValueError("min_interval_s must be >= 0 and defer_timeout_s > 0")
        if max_responses is not None and max_responses < 0:
            raise ValueError("max_responses must be None or >= 0")
        if stuck_timeout_s <= 0 or vad_response_wait_s < 0:
            raise ValueError("stuck_timeout_s must be > 0 and vad_response_wait_s >= 0")
        if unobserved_grace_s is not None and unobserved_grace_s <= 0:
            raise ValueError("unobserved_grace_s must be None or > 0")
        self.min_interval_s = min_interval_s
        self.max_responses = max_responses
        self.defer_timeout_s = defer_timeout_s
        self.stuck_timeout_s = stuck_timeout_s
        self.force_cancels_active = force_cancels_active
        self.unobserved_grace_s = unobserved_grace_s
        self.call_id = call_id
        # Deadlines are handed to the home loop's call_later, so by default they are read
        # on that loop's clock (time.monotonic until a loop is bound): one timebase for
        # the gate and its timers, also on a loop with its own clock.
        self._clock = clock if clock is not None else self._home_time
        self._lock = threading.Lock()
        self._stats = GateStats()
        self._state = CallState(
            self._stats,
            require_session_update=require_session_update,
            vad_response_wait_s=vad_response_wait_s,
            stuck_timeout_s=stuck_timeout_s,
        )
        self._closing = False
        self._hangup = False
        self._farewell_used = False
        self._init_machinery()

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
        """Send a ``response.create`` now, hold it, or block it; never silently.

        ``response`` (a dict or SDK model) is validated before anything is
        counted: a payload JSON cannot carry raises ``TypeError`` here.
        """
        payload, event_id = normalise_payload(response, event_id)
        loop = running_loop()
        with self._lock:
            self._bind_loop(loop)
            decision = self._decide(reason, client, force, is_greeting, payload, event_id)
            notes = self._take_notes()
        if notes:
            self._emit_notes(notes)
        self._log_decision(decision)
        if decision.rearm:
            self._kick(loop)
        if decision.send is not None:
            await self._deliver(decision.send, immediate=True)
        return decision.outcome

    def observe(self, server_event: Any) -> None:
        """Feed every server event received from the Realtime API (dict, JSON or model)."""
        event = as_event_dict(server_event)
        if event is None:
            return
        with self._lock:
            self._bind_loop(running_loop())
            self._state.on_event(event, self._clock())
            self._blind = False
            if self._state.refused:
                self._on_refused()
            if self._wire:
                self._prune_wire()
            busy = bool(self._queue or self._oob)
            notes = self._take_notes()
        if notes:
            self._emit_notes(notes)
        if busy:
            self._kick()
        if self._waiters:
            self._notify_waiters()

    def mark_session_ready(self) -> None:
        """For apps that configure the session without a ``session.updated`` round trip."""
        with self._lock:
            self._state.session_ready = True
        self._kick()

    def set_pending_hangup(self) -> None:
        """The call is ending: held creates are dropped; one ``force=True`` farewell may go.

        The farewell still waits for an active response to finish (or cancels
        it first with ``force_cancels_active=True``): a second create on the
        default conversation would be refused by the server and never heard.
        """
        with self._lock:
            self._hangup = True
            self._drop_all(PENDING_HANGUP, keep_farewell=True)
        self._after_change()

    def close(self) -> None:
        """Stop for good: block new triggers, discard held and not-yet-sent intents.

        Discards a held farewell too; to let it be heard first, use ``aclose()``.
        """
        with self._lock:
            self._closing = True
            self._drop_all(CLOSING)
        self._after_change()
        self._cancel_timer_threadsafe()

    async def aclose(self, timeout: float = 5.0) -> None:
        """Close gracefully: wait (bounded) for a farewell to be heard, then ``close()``.

        If a farewell was triggered, waits until it is on the wire and its
        response is done (or it was dropped); then closes and waits for sends
        already started. ``timeout`` bounds the whole call.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        if not self._closing and self._farewell is not None:
            await self._wait_until(self._farewell_settled, timeout)
        self.close()
        tasks = [t for t in self._tasks if t is not asyncio.current_task()]
        if tasks:
            await asyncio.wait(tasks, timeout=max(0.0, deadline - loop.time()))

    async def wait_idle(self, timeout: float = 5.0) -> bool:
        """Wait until nothing is held or in flight; False if ``timeout`` passed first."""
        return await self._wait_until(self._is_idle, timeout)

    def on_reconnect(self, client: Any = None) -> None:
        """The Realtime connection was replaced: release per-connection state.

        Responses and speech of the old connection will never end, so they no
        longer hold anything; the session must be configured again (when
        ``require_session_update``). Held intents are kept and sent on the new
        connection - through ``client`` if given. Observing the new connection's
        ``session.created`` does the same (without re-pointing clients).
        """
        with self._lock:
            self._state.reset_connection()
            self._state.fresh = True
            self._stats.reconnects += 1
            if client is not None:
                for intent in [*self._queue, *self._oob, *self._scheduled]:
                    intent.client = client
        self._after_change()

    def reset(self) -> None:
        """Forget the connection state and drop every held intent (``dropped_by: reset``).

        Hangup and closing decisions, the farewell slot and the counters stay.
        """
        with self._lock:
            self._state.reset_connection()
            self._state.fresh = True
            self._drop_all(RESET)
        self._after_change()

    @property
    def closed(self) -> bool:
        return self._closing

    def stats(self) -> StatsView:
        """Counters and state; a dict whose keys also read as attributes.

        ``stats()["state"]["in_flight"] == stats().state.in_flight``: True while
        a default-conversation response runs or a create of the gate is about to
        go or unanswered.
        """
        with self._lock:
            now = self._clock()
            state = self._state
            state.expire(now)
            snap = self._stats.snapshot()
            held = [*self._queue, *sorted(self._scheduled, key=lambda i: i.created),
                    *self._oob]
            snap["held"] = self._queue[0].describe(now) if self._queue else None
            snap["queue"] = [i.describe(now) for i in held]
            snap["state"] = {
                "session_ready": state.session_ready,
                "user_speaking": state.speaking,
                "in_flight": self._reserved > 0 or state.in_flight(now, self._blind),
                "out_of_band_in_flight": len(state.oob_active) + len(state.oob_awaiting),
                "pending_hangup": self._hangup,
                "closing": self._closing,
                "observed": state.observed,
            }
            notes = self._take_notes()
        if notes:
            self._emit_notes(notes)
        view: StatsView = as_view(snap)
        return view

    # ------------------------------------------------------------- decision
    def _blocking_guard(self, force: bool) -> str | None:
        if self._closing:
            return CLOSING
        if self._hangup and (not force or self._farewell_used):
            return PENDING_HANGUP
        budget = self.max_responses
        if budget is not None:
            state = self._state
            if self._stats.responses + len(state.awaiting) + len(state.oob_awaiting) >= budget:
                return BUDGET
        return None

    def _decide(
        self,
        reason: str,
        client: Any,
        force: bool,
        is_greeting: bool,
        payload: dict[str, Any] | None,
        event_id: str | None,
    ) -> Decision:
        stats = self._stats
        if force:
            stats.forced += 1
        guard = self._blocking_guard(force)
        if guard is not None:
            stats.new_trigger(reason, "blocked")
            stats.guards[guard] += 1
            return Decision(Outcome("blocked", reason, guard, event_id))
        farewell = self._hangup  # passing the hangup guard makes this the farewell
        if farewell:
            self._farewell_used = True
        oob = payload is not None and is_out_of_band(payload)
        now = self._clock()
        hold = self._hold_for(now, force, oob)
        if hold is not None:
            stats.guards[hold] += 1
            stats.deferred += 1
            return self._hold(reason, client, force, is_greeting, payload, event_id,
                              farewell, oob, hold, now)
        intent = Intent(event_id or new_event_id(), reason, client, payload, force,
                        is_greeting, farewell, oob, now, now, state="wire")
        stats.new_trigger(reason, "sent")
        if not oob and self._queue:  # one response answers the held intents it can carry
            for other in absorb_prefix(intent, self._queue):
                other.state = "wire"
                stats.move(other.reason, "pending", "coalesced")
        self._note_wire(intent, now)
        if farewell:
            self._farewell = intent
        return Decision(Outcome("sent", reason, None, intent.event_id), intent,
                        rearm=bool(intent.absorbed))

    def _hold(
        self,
        reason: str,
        client: Any,
        force: bool,
        is_greeting: bool,
        payload: dict[str, Any] | None,
        event_id: str | None,
        farewell: bool,
        oob: bool,
        hold: str,
        now: float,
    ) -> Decision:
        """Join the last held intent if the payloads merge, else queue a new one."""
        if not oob:
            merged = try_join(self._queue, payload, farewell)
            if merged is not CONFLICT:
                held = self._queue[-1]
                newly_forced = force and not held.force
                held.join(reason, client, force, is_greeting, merged)
                self._stats.new_trigger(reason, "coalesced")
                return Decision(Outcome("deferred", reason, hold, held.event_id,
                                        coalesced=True, handle=held.handle),
                                rearm=newly_forced)
        intent = Intent(event_id or new_event_id(), reason, client, payload, force,
                        is_greeting, farewell, oob, now, now + self.defer_timeout_s,
                        handle=Handle())
        (self._oob if oob else self._queue).append(intent)
        self._stats.new_trigger(reason, "pending")
        if farewell:
            self._farewell = intent
        return Decision(Outcome("deferred", reason, hold, intent.event_id, handle=intent.handle),
                        rearm=True)

    # -------------------------------------------------------------- helpers
    def _after_change(self) -> None:
        """Log what a state change dropped, re-check the queue, wake waiters."""
        with self._lock:
            drops, self._drop_logs = self._drop_logs, []
        for intent, why, guard in drops:
            self._log_dropped(intent, why, guard)
        self._kick()
        self._notify_waiters()

    def _prune_wire(self) -> None:
        """Creates the server answered (or that expired): what they absorbed was sent."""
        state = self._state
        for eid in [e for e in self._wire if e not in state.awaiting
                    and e not in state.oob_awaiting and e not in state.tentative]:
            self._settle_absorbed(self._wire.pop(eid))

    def _farewell_settled(self) -> bool:
        farewell = self._farewell
        if farewell is None or farewell.state == "dropped":
            return True
        if farewell.state != "wire":
            return False
        return not self._state.is_pending(farewell.event_id)

    def _is_idle(self) -> bool:
        if self._queue or self._oob or self._scheduled:
            return False
        return not self._state.in_flight(self._clock(), self._blind)
