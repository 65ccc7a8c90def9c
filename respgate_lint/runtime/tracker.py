"""Call state learned from server events: what the holding guards read.

Separate from the gate so the protocol knowledge (which event clears which
hold, how a server event is matched to the create that caused it) sits in one
place and the gate only decides. Not thread-safe: the gate calls it under its lock.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .events import EVENT_ID_KEY, REASON_KEY, metadata_of, response_of
from .outcome import RAPID_CREATE, RESPONSE_IN_FLIGHT, SESSION_NOT_READY, USER_SPEAKING
from .stats import SERVER_REASON, GateStats

ACTIVE_RESPONSE_CODE = "conversation_already_has_active_response"
_AUTO_RESPONSE_TYPES = frozenset({"server_vad", "semantic_vad"})
_MISSING = object()

Note = tuple[int, str, dict[str, Any]]  # (log level, message, extra) logged after unlock


@dataclass(slots=True)
class SentCreate:
    """A create the gate put on the wire that the server has not answered yet."""

    event_id: str
    reason: str
    sent_at: float


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
        self.session_ready = not require_session_update
        self.auto_response = False
        self.speaking = False
        self.vad_wait_until: float | None = None
        self.awaiting: dict[str, SentCreate] = {}  # event_id -> create, oldest first
        self.active: dict[str, str] = {}  # response id -> reason
        self.unknown_active_until: float | None = None
        self.last_create_at: float | None = None
        self.vad_response_wait_s = vad_response_wait_s
        self.stuck_timeout_s = stuck_timeout_s
        self.notes: list[Note] = []
        self._seen: set[str] = set()
        self._anon = 0

    # -- what the gate does ------------------------------------------------
    def note_sent(self, event_id: str, reason: str, now: float) -> None:
        self.awaiting[event_id] = SentCreate(event_id, reason, now)
        self.last_create_at = now

    def forget_sent(self, event_id: str) -> None:
        """The send raised: no answer will come for it."""
        self.awaiting.pop(event_id, None)

    # -- guards ------------------------------------------------------------
    def holding_guard(
        self, now: float, force: bool, min_interval_s: float
    ) -> tuple[str | None, float | None]:
        """The first holding guard that applies, and when a timed one may clear."""
        if not self.session_ready:
            return SESSION_NOT_READY, None
        if force:
            return None, None
        if self.speaking:
            return USER_SPEAKING, None
        if self.vad_wait_until is not None:
            if now < self.vad_wait_until:
                return USER_SPEAKING, self.vad_wait_until
            self.vad_wait_until = None
        if self.in_flight(now):
            return RESPONSE_IN_FLIGHT, self._stuck_deadline()
        last = self.last_create_at
        if last is not None and now - last < min_interval_s:
            return RAPID_CREATE, last + min_interval_s
        return None, None

    def in_flight(self, now: float) -> bool:
        self._expire(now)
        return bool(self.awaiting or self.active or self.unknown_active_until is not None)

    def _stuck_deadline(self) -> float | None:
        """When an unanswered create or an unknown active response is given up on."""
        due = None
        if self.awaiting:  # oldest first: it expires first
            due = next(iter(self.awaiting.values())).sent_at + self.stuck_timeout_s
        unknown = self.unknown_active_until
        if unknown is not None and (due is None or unknown < due):
            due = unknown
        return due

    def _expire(self, now: float) -> None:
        while self.awaiting:
            oldest = next(iter(self.awaiting.values()))
            if now - oldest.sent_at < self.stuck_timeout_s:
                break
            del self.awaiting[oldest.event_id]
            self._note(logging.WARNING, "create never answered; no longer in flight",
                       reason=oldest.reason, event_id=oldest.event_id,
                       waited_s=round(now - oldest.sent_at, 3))
        if self.unknown_active_until is not None and now >= self.unknown_active_until:
            self.unknown_active_until = None

    # -- server events -----------------------------------------------------
    def on_event(self, event: Mapping[str, Any], now: float) -> None:
        kind = event.get("type")
        if kind == "session.updated":
            self._on_session_updated(event)
        elif kind == "input_audio_buffer.speech_started":
            self.speaking = True
            self.vad_wait_until = None
        elif kind == "input_audio_buffer.speech_stopped":
            self.speaking = False
            if self.auto_response:
                self.vad_wait_until = now + self.vad_response_wait_s
        elif kind == "response.created":
            self._on_created(response_of(event))
        elif kind == "response.done":
            self._on_done(response_of(event))
        elif kind == "error":
            self._on_error(event.get("error") or {}, now)

    def _on_session_updated(self, event: Mapping[str, Any]) -> None:
        self.session_ready = True
        session = event.get("session")
        if not isinstance(session, Mapping):
            return
        td = session.get("turn_detection", _MISSING)
        if td is _MISSING:  # GA shape: session.audio.input.turn_detection
            audio_in = (session.get("audio") or {}).get("input") or {}
            td = audio_in.get("turn_detection", _MISSING) if isinstance(audio_in, Mapping) else _MISSING
        if td is _MISSING:
            return
        self.auto_response = (
            isinstance(td, Mapping)
            and td.get("type") in _AUTO_RESPONSE_TYPES
            and td.get("create_response", True) is not False
        )

    def _attribute(self, resp: Mapping[str, Any]) -> str:
        """Which reason caused this response; pops the matching unanswered create."""
        meta = metadata_of(resp)
        if meta is not None and EVENT_ID_KEY in meta:
            sent = self.awaiting.pop(str(meta[EVENT_ID_KEY]), None)
            return sent.reason if sent else str(meta.get(REASON_KEY, SERVER_REASON))
        if "metadata" not in resp and self.awaiting:
            # A server that does not echo metadata: assume answers come in order.
            return self.awaiting.pop(next(iter(self.awaiting))).reason
        return SERVER_REASON

    def _response_id(self, resp: Mapping[str, Any]) -> str:
        rid = resp.get("id")
        if isinstance(rid, str) and rid:
            return rid
        self._anon += 1
        return f"_anonymous_{self._anon}"

    def _on_created(self, resp: Mapping[str, Any]) -> None:
        rid = self._response_id(resp)
        reason = self._attribute(resp)
        self.vad_wait_until = None  # the user's turn produced its response
        if rid in self._seen:
            return
        self._seen.add(rid)
        self.active[rid] = reason
        self.stats.response_started(reason)

    def _on_done(self, resp: Mapping[str, Any]) -> None:
        rid = self._response_id(resp)
        reason = self.active.pop(rid, None)
        if reason is None:  # its response.created was not observed
            reason = self._attribute(resp)
            if rid not in self._seen:
                self._seen.add(rid)
                self.stats.response_started(reason)
        self.unknown_active_until = None
        self.stats.response_done(reason, str(resp.get("status") or ""), resp.get("usage"))

    def _on_error(self, error: Mapping[str, Any], now: float) -> None:
        code = error.get("code")
        eid = error.get("event_id")
        sent: SentCreate | None = None
        if eid:
            sent = self.awaiting.pop(str(eid), None)
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
        self._note(logging.WARNING, "server rejected a create", reason=sent.reason,
                   event_id=sent.event_id, code=code, matched_by="event_id" if eid else "fallback")

    def _note(self, level: int, msg: str, **extra: Any) -> None:
        self.notes.append((level, msg, extra))
