"""Call state learned from server events: what the holding guards read.

Separate from the gate so the protocol knowledge (which event clears which
hold, how a server event is matched to the create that caused it, when a
silent connection is given up on) sits in one place and the gate only decides.
Not thread-safe: the gate calls it under its lock.

Per-connection state (session readiness, speech, responses in flight, creates
not yet answered) is dropped by ``reset_connection()``: on a second
``session.created`` (a new connection), on ``ResponseGate.on_reconnect()`` and
``reset()``. That is the "release on disconnect" rule of the openai-agents SDK:
a response of a dead connection will never send ``response.done``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .events import EVENT_ID_KEY, REASON_KEY, metadata_of, response_of, turn_detection_of
from .outcome import RAPID_CREATE, RESPONSE_IN_FLIGHT, SESSION_NOT_READY, USER_SPEAKING
from .stats import SERVER_REASON, GateStats

ACTIVE_RESPONSE_CODE = "conversation_already_has_active_response"
_AUTO_RESPONSE_TYPES = frozenset({"server_vad", "semantic_vad"})
_SPEECH_ENDS = frozenset({"input_audio_buffer.cleared", "input_audio_buffer.committed",
                          "input_audio_buffer.timeout_triggered"})
_MISSING = object()

Note = tuple[int, str, dict[str, Any]]  # (log level, message, extra) logged after unlock


@dataclass(slots=True)
class SentCreate:
    """A create the gate put on the wire that the server has not answered yet."""

    event_id: str
    reason: str
    sent_at: float
    previous_create_at: float | None = None  # restored if this send never happened


@dataclass(slots=True)
class Active:
    """A response the server started and has not finished."""

    reason: str
    last_seen: float  # response.created or any later event carrying its id
    event_id: str | None = None  # the gate's create that asked for it, if known
    cancel_sent: bool = False
    tentative: SentCreate | None = None  # matched by order only: may still be refused


class CallState:
    """What the server said about the call, plus the gate's own unanswered creates."""

    def __init__(
        self,
        stats: GateStats,
        *,
        require_session_update: bool = True,
        vad_response_wait_s: float = 0.5,
        stuck_timeout_s: float = 15.0,
    ) -> None:
        self.stats = stats
        self.require_session_update = require_session_update
        self.vad_response_wait_s = vad_response_wait_s
        self.stuck_timeout_s = stuck_timeout_s
        self.notes: list[Note] = []
        self.refused: list[SentCreate] = []  # drained by the gate after each event
        self.last_create_at: float | None = None
        self.echoes_metadata = False  # learnt: the server echoes response.metadata
        self.observed = False  # any server event ever seen
        self.sessions = 0  # session.created events seen
        self.fresh = False  # reset_connection() ran; the next session.created is expected
        self._seen: set[str] = set()
        self._anon = 0
        self.reset_connection()

    def reset_connection(self) -> None:
        """Forget everything that belonged to the connection (see module doc)."""
        self.session_ready = not self.require_session_update
        self.auto_response = False
        self.speaking_since: float | None = None
        self.vad_wait_until: float | None = None
        self.awaiting: dict[str, SentCreate] = {}  # default conversation, oldest first
        self.oob_awaiting: dict[str, SentCreate] = {}  # out-of-band creates
        self.active: dict[str, Active] = {}  # default-conversation responses by id
        self.oob_active: dict[str, Active] = {}
        self.unknown_active_until: float | None = None
        self.tentative: dict[str, str] = {}  # event id -> response id matched by order
        self._seen.clear()

    @property
    def speaking(self) -> bool:
        return self.speaking_since is not None

    # -- what the gate does ------------------------------------------------
    def note_sent(self, event_id: str, reason: str, now: float, oob: bool = False) -> None:
        if oob:
            self.oob_awaiting[event_id] = SentCreate(event_id, reason, now)
        else:
            self.awaiting[event_id] = SentCreate(event_id, reason, now, self.last_create_at)
            self.last_create_at = now

    def forget_sent(self, event_id: str) -> None:
        """The send raised or was cancelled: no answer will come, no spacing is owed."""
        sent = self.awaiting.pop(event_id, None)
        if sent is None:
            self.oob_awaiting.pop(event_id, None)
        elif self.last_create_at == sent.sent_at:
            self.last_create_at = sent.previous_create_at

    def is_pending(self, event_id: str) -> bool:
        """Is this create of the gate still unanswered or its response still running?"""
        if event_id in self.awaiting or event_id in self.oob_awaiting:
            return True
        if event_id in self.tentative:
            return True
        return any(a.event_id == event_id for a in (*self.active.values(),
                                                    *self.oob_active.values()))

    def cancel_targets(self) -> list[str]:
        """Active default responses no ``response.cancel`` was sent for yet (marks them)."""
        ids = [rid for rid, a in self.active.items() if not a.cancel_sent]
        for rid in ids:
            self.active[rid].cancel_sent = True
        return ids

    # -- guards ------------------------------------------------------------
    def holding_guard(
        self, now: float, force: bool, min_interval_s: float, *, blind: bool = False,
        oob: bool = False,
    ) -> tuple[str | None, float | None]:
        """The first holding guard that applies, and when a timed one may clear.

        ``blind``: no server event was ever observed (the app did not wire
        ``observe()``), so only the time-based guard can be honoured.
        """
        if not self.session_ready and not blind:
            return SESSION_NOT_READY, None
        if oob:
            return None, None
        if not force:
            since = self.speaking_since
            if since is not None:
                if now < since + self.stuck_timeout_s:  # the due's own sum (see expire)
                    return USER_SPEAKING, since + self.stuck_timeout_s
                self._release_speech(now)
            if self.vad_wait_until is not None:
                if now < self.vad_wait_until:
                    return USER_SPEAKING, self.vad_wait_until
                self.vad_wait_until = None
        if self.in_flight(now, blind):
            return RESPONSE_IN_FLIGHT, self._stuck_deadline()
        last = self.last_create_at
        if not force and last is not None and now < last + min_interval_s:
            return RAPID_CREATE, last + min_interval_s
        return None, None

    def in_flight(self, now: float, blind: bool = False) -> bool:
        """A default-conversation response is running or a create of ours is unanswered."""
        if self.awaiting or self.active or self.unknown_active_until is not None:
            self.expire(now)
            return bool(self.active or self.unknown_active_until is not None
                        or (self.awaiting and not blind))
        return False

    def _stuck_deadline(self) -> float | None:
        """When the oldest unanswered create or silent response is given up on."""
        stuck = self.stuck_timeout_s
        due = self.unknown_active_until
        if self.awaiting:  # oldest first: it expires first
            first = next(iter(self.awaiting.values())).sent_at + stuck
            due = first if due is None or first < due else due
        for act in self.active.values():
            at = act.last_seen + stuck
            due = at if due is None or at < due else due
        return due

    def expire(self, now: float) -> None:
        """Release what the server has been silent about for ``stuck_timeout_s``."""
        # Every "past the deadline" test is ``at + span <= now``, the very sum the timers are
        # armed with: a timer that fires exactly at its due always finds the work due
        # (``at <= now - span`` can round the other way and re-arm a 0 s timer forever
        # on a clock that does not move between callbacks).
        stuck = self.stuck_timeout_s
        for pending in (self.awaiting, self.oob_awaiting):
            if pending and next(iter(pending.values())).sent_at + stuck <= now:
                self._expire_creates(pending, now, stuck)
        for running in (self.active, self.oob_active):
            if running and any(a.last_seen + stuck <= now for a in running.values()):
                self._expire_responses(running, now, stuck)
        unknown = self.unknown_active_until
        if unknown is not None and now >= unknown:
            self.unknown_active_until = None
        if self.speaking_since is not None and self.speaking_since + stuck <= now:
            self._release_speech(now)

    def _expire_creates(self, pending: dict[str, SentCreate], now: float, stuck: float) -> None:
        while pending:
            oldest = next(iter(pending.values()))
            if oldest.sent_at + stuck > now:
                break
            del pending[oldest.event_id]
            self.stats.stuck["create"] += 1
            self._note(logging.WARNING, "create never answered; no longer in flight",
                       reason=oldest.reason, event_id=oldest.event_id,
                       waited_s=round(now - oldest.sent_at, 3))

    def _expire_responses(self, running: dict[str, Active], now: float, stuck: float) -> None:
        for rid in [r for r, a in running.items() if a.last_seen + stuck <= now]:
            act = running.pop(rid)
            if act.tentative is not None:
                self.tentative.pop(act.tentative.event_id, None)
            self.stats.stuck["response"] += 1
            self._note(logging.WARNING, "response silent past stuck_timeout_s; released",
                       reason=act.reason, response_id=rid,
                       silent_s=round(now - act.last_seen, 3))

    def _release_speech(self, now: float) -> None:
        assert self.speaking_since is not None
        self.stats.stuck["speech"] += 1
        self._note(logging.WARNING, "speech_started without speech_stopped; released",
                   reason=SERVER_REASON, speaking_s=round(now - self.speaking_since, 3))
        self.speaking_since = None

    # -- server events -----------------------------------------------------
    def on_event(self, event: Mapping[str, Any], now: float) -> None:
        seen_before, self.observed = self.observed, True
        kind = event.get("type")
        if kind == "response.done":
            self._on_done(response_of(event))
        elif kind == "response.created":
            self._on_created(response_of(event), now)
        elif kind == "input_audio_buffer.speech_started":
            self.speaking_since = now
            self.vad_wait_until = None
        elif kind == "input_audio_buffer.speech_stopped":
            self.speaking_since = None
            if self.auto_response:
                self.vad_wait_until = now + self.vad_response_wait_s
        elif kind in _SPEECH_ENDS:
            self.speaking_since = None
        elif kind == "session.created":
            self._on_session_created(event, seen_before)
        elif kind == "session.updated":
            self.session_ready = True
            self._read_turn_detection(event.get("session"))
        elif kind == "error":
            error = event.get("error")
            self._on_error(error if isinstance(error, Mapping) else {}, now)
        else:
            rid = event.get("response_id")
            if rid is not None:  # activity of a running response (deltas, items)
                act = self.active.get(rid) or self.oob_active.get(rid)
                if act is not None:
                    act.last_seen = now

    def _on_session_created(self, event: Mapping[str, Any], seen_before: bool) -> None:
        """A connection's first event. Anything observed before it was another connection's."""
        self.sessions += 1
        if (self.sessions > 1 or seen_before) and not self.fresh:
            self.reset_connection()
            self.stats.reconnects += 1
            self._note(logging.INFO, "new connection (session.created): per-connection "
                       "state released", reason=SERVER_REASON)
        self.fresh = False
        self._read_turn_detection(event.get("session"))

    def _read_turn_detection(self, session: Any) -> None:
        td = turn_detection_of(session)
        if td is ...:
            return
        self.auto_response = (
            isinstance(td, Mapping)
            and td.get("type") in _AUTO_RESPONSE_TYPES
            and td.get("create_response", True) is not False
        )

    def _attribute(
        self, resp: Mapping[str, Any]
    ) -> tuple[str, str | None, bool, SentCreate | None]:
        """``(reason, the gate's event id, out of band, tentative match)``.

        Pops the matching unanswered create. A match by order only (the server
        did not echo metadata) is *tentative*: a server-started response can
        race our create, and the server's refusal of our create, naming its
        event id, may still arrive.
        """
        meta = metadata_of(resp)
        eid = meta.get(EVENT_ID_KEY) if meta is not None else None
        if eid is not None:
            self.echoes_metadata = True
            eid = str(eid)
            sent = self.awaiting.pop(eid, None)
            if sent is not None:
                return sent.reason, eid, False, None
            sent = self.oob_awaiting.pop(eid, None)
            if sent is not None:
                return sent.reason, eid, True, None
            # Ours, but forgotten (sent just before a reconnect reset): trust the echo.
            reason = str(meta.get(REASON_KEY, SERVER_REASON))  # type: ignore[union-attr]
            return reason, eid, resp.get("conversation_id", _MISSING) is None, None
        if not self.echoes_metadata:
            # A server that drops or nulls metadata: answers come in order. Once the
            # server has echoed our metadata, a response without it is the server's own.
            if resp.get("conversation_id", _MISSING) is None and self.oob_awaiting:
                sent = self.oob_awaiting.pop(next(iter(self.oob_awaiting)))
                return sent.reason, sent.event_id, True, sent
            if self.awaiting:
                sent = self.awaiting.pop(next(iter(self.awaiting)))
                return sent.reason, sent.event_id, False, sent
        return SERVER_REASON, None, False, None

    def _response_id(self, resp: Mapping[str, Any]) -> str:
        rid = resp.get("id")
        if isinstance(rid, str) and rid:
            return rid
        self._anon += 1
        return f"_anonymous_{self._anon}"

    def _on_created(self, resp: Mapping[str, Any], now: float) -> None:
        rid = self._response_id(resp)
        if rid in self._seen:
            return
        reason, eid, oob, tentative = self._attribute(resp)
        self._seen.add(rid)
        act = Active(reason, now, eid, tentative=tentative)
        if not oob:
            self.vad_wait_until = None  # the user's turn produced its response
            self.active[rid] = act
        else:
            self.oob_active[rid] = act
        if tentative is not None:
            self.tentative[tentative.event_id] = rid
        self.stats.response_started(reason)

    def _on_done(self, resp: Mapping[str, Any]) -> None:
        rid = self._response_id(resp)
        act = self.active.pop(rid, None)
        oob = False
        if act is None:
            act = self.oob_active.pop(rid, None)
            oob = act is not None
        if act is not None:
            reason = act.reason
            if act.tentative is not None:
                self.tentative.pop(act.tentative.event_id, None)
        elif rid in self._seen:  # released as stuck, then the answer came after all
            reason = SERVER_REASON
        else:  # its response.created was not observed
            reason, _eid, oob, _tentative = self._attribute(resp)
            self._seen.add(rid)
            self.stats.response_started(reason)
        if not oob:
            self.unknown_active_until = None
        self.stats.response_done(reason, str(resp.get("status") or ""), resp.get("usage"))

    def _on_error(self, error: Mapping[str, Any], now: float) -> None:
        code = error.get("code")
        eid = error.get("event_id")
        sent: SentCreate | None = None
        if eid:
            sent = self.awaiting.pop(str(eid), None) or self.oob_awaiting.pop(str(eid), None)
            if sent is None and str(eid) in self.tentative:
                sent = self._untangle(str(eid))
        elif code == ACTIVE_RESPONSE_CODE and self.awaiting:
            # Fallback: the server omitted event_id; the oldest unanswered create is
            # the one it refused (creates are processed in order).
            sent = self.awaiting.pop(next(iter(self.awaiting)))
        if code == ACTIVE_RESPONSE_CODE and not self.active:
            # A response is active that we never saw start: hold until a done or timeout.
            self.unknown_active_until = now + self.stuck_timeout_s
        if sent is None:
            return
        self.stats.rejected += 1
        self.refused.append(sent)
        self._note(logging.WARNING, "server rejected a create", reason=sent.reason,
                   event_id=sent.event_id, code=code, matched_by="event_id" if eid else "fallback")

    def _untangle(self, event_id: str) -> SentCreate | None:
        """Our create was refused after all: the response matched to it is the server's."""
        rid = self.tentative.pop(event_id)
        act = self.active.get(rid) or self.oob_active.get(rid)
        if act is None or act.tentative is None:
            return None
        sent, act.tentative, act.event_id = act.tentative, None, None
        by_reason = self.stats.responses_by_reason
        by_reason[act.reason] -= 1
        if by_reason[act.reason] <= 0:
            del by_reason[act.reason]
        by_reason[SERVER_REASON] += 1
        act.reason = SERVER_REASON
        return sent

    def _note(self, level: int, msg: str, **extra: Any) -> None:
        self.notes.append((level, msg, extra))
