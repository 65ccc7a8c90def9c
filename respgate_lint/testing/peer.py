"""An in-process fake OpenAI Realtime peer that behaves like the (GA) server.

Transport is kept apart from protocol: ``RealtimePeer`` takes client events as
dicts (``receive``) and hands server events, in order, to its listeners. The
in-process clients (``peer.client(kind)``) are one transport; a websocket
server (ws_peer.py) is another - it calls ``receive(json.loads(msg))`` and
registers a listener that sends ``json.dumps(event)``.

What it models (enough to catch a bad gate, deterministically):

* ``session.created`` on every connection (a reconnect is a new session with
  default settings; the response running on the old connection is abandoned:
  it never gets a ``response.done``), ``session.updated`` on ``session.update``
  (beta flat or GA nested), in the GA shapes of the openai SDK types;
* ``response.create`` -> ``response.created`` then, after ``response_duration_s``
  (or on ``complete_response()``), ``response.done`` with ``usage`` and
  ``status_details``;
* a second create on the default conversation while one is active is refused
  with ``error`` code ``conversation_already_has_active_response`` (echoing the
  client's ``event_id`` unless ``omit_error_event_id``); out-of-band responses
  (``conversation: "none"``) run in parallel; explicit nulls and non-string
  metadata in a create are refused as the API refuses them;
* ``response.cancel`` (``client_cancelled``), ``input_audio_buffer.clear``;
* scripted user turns: ``speech_started()`` (cancels the active response when
  turn detection interrupts: ``turn_detected``) and ``speech_stopped()``
  (commits and, with server VAD, starts a response no client asked for);
* every client event, server event, response and protocol violation
  (``double_create``, ``default_settings``, ``after_close``, ``explicit_null``,
  ``bad_metadata``) is recorded.

Listeners get events in order; an async listener's calls run one after the
other (never interleaved). Pure asyncio; must be used from one event loop
(calls from other threads are handed to it with ``call_soon_threadsafe``).
"""

from __future__ import annotations

import asyncio
import copy
import inspect
import json
import threading
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from .clients import make_client
from .session import apply_session_update, default_session, turn_detection

ACTIVE_RESPONSE_CODE = "conversation_already_has_active_response"
Listener = Callable[[dict[str, Any]], Any]


@dataclass
class Violation:
    """A client event the real server would refuse or that has a bad effect."""

    kind: str  # double_create | default_settings | after_close | explicit_null | bad_metadata
    event: dict[str, Any]
    detail: str = ""


@dataclass
class ResponseRecord:
    """One response the peer produced."""

    id: str
    origin: str  # "client" (a response.create) | "server" (VAD or scripted)
    event_id: str | None
    metadata: dict[str, Any] | None
    out_of_band: bool = False
    status: str = "in_progress"  # ... | "abandoned": its connection went away
    status_details: dict[str, Any] | None = None
    usage: dict[str, Any] = field(default_factory=dict)
    connection: int = 1


class RealtimePeer:
    """The server side of one Realtime call; transport-free."""

    def __init__(
        self,
        *,
        response_duration_s: float | None = 0.02,
        latency_s: float = 0.0,
        usage: tuple[int, int] = (100, 20),
        omit_error_event_id: bool = False,
        turn_detection: dict[str, Any] | None | str = "server_vad",
    ) -> None:
        self.response_duration_s = response_duration_s
        self.latency_s = latency_s
        self.usage = usage
        self.omit_error_event_id = omit_error_event_id
        self._turn_detection_setting = turn_detection
        self.session = default_session(turn_detection)
        self.client_events: list[dict[str, Any]] = []
        self.server_events: list[dict[str, Any]] = []
        self.violations: list[Violation] = []
        self.responses: list[ResponseRecord] = []
        self.listener_errors: list[BaseException] = []
        self.session_updated = False
        self.closed = False
        self.connections = 0
        self._active: ResponseRecord | None = None
        self._listeners: list[Listener] = []
        self._chains: dict[Listener, deque[Awaitable[Any]]] = {}
        self._chain_tasks: dict[Listener, asyncio.Task[None]] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: int | None = None
        self._outbox: deque[tuple[float, dict[str, Any]]] = deque()
        self._pump: asyncio.Handle | None = None
        self._timers: dict[str, asyncio.TimerHandle] = {}
        self._seq = 0

    # -- wiring ------------------------------------------------------------
    def add_listener(self, listener: Listener) -> None:
        """``listener(event)`` gets every server event in order (may be async)."""
        if listener not in self._listeners:
            self._listeners.append(listener)

    def remove_listener(self, listener: Listener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def queue(self) -> asyncio.Queue[dict[str, Any]]:
        """A queue that receives every server event from now on."""
        q: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.add_listener(q.put_nowait)
        return q

    def connect(self, listener: Listener | None = None) -> None:
        """A client connected: a new session (``session.created``) on the running loop.

        A second call is a reconnect: the previous connection's response is
        abandoned (no ``response.done`` ever), the session is back to defaults.
        """
        self._bind()
        if listener is not None:
            self.add_listener(listener)
        if self.connections:
            self._abandon()
            self.session = default_session(self._turn_detection_setting)
            self.session_updated = False
        self.connections += 1
        self.closed = False
        self.session["id"] = f"sess_{self.connections:05d}"
        self._emit({"type": "session.created", "session": copy.deepcopy(self.session)})

    def disconnect(self, listener: Listener | None = None) -> None:
        """The connection went away; its running response never finishes."""
        if listener is not None:
            self.remove_listener(listener)
        self._abandon()
        self.closed = True

    def client(self, kind: str = "send_event", *, sync: bool = False) -> Any:
        """An in-process client of the given shape (see ``make_client``)."""
        return make_client(self, kind, sync=sync)

    # -- inspection --------------------------------------------------------
    @property
    def creates(self) -> list[dict[str, Any]]:
        """Every ``response.create`` the client sent (refused ones included)."""
        return [e for e in self.client_events if e.get("type") == "response.create"]

    @property
    def violation_kinds(self) -> list[str]:
        return [v.kind for v in self.violations]

    @property
    def active_response(self) -> ResponseRecord | None:
        return self._active

    @property
    def voice(self) -> Any:
        return self.session["audio"]["output"].get("voice")

    @property
    def turn_detection(self) -> Any:
        return turn_detection(self.session)

    def server_events_of(self, kind: str) -> list[dict[str, Any]]:
        return [e for e in self.server_events if e.get("type") == kind]

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 2.0) -> None:
        """Poll ``predicate`` each loop turn; ``TimeoutError`` after ``timeout``."""
        async def _poll() -> None:
            while not predicate():
                await asyncio.sleep(0.001)

        await asyncio.wait_for(_poll(), timeout)

    async def drain(self) -> None:
        """Let every emitted event reach the listeners (and their async calls finish)."""
        await self.wait_for(lambda: not self._outbox)
        tasks = list(self._chain_tasks.values())
        if tasks:
            await asyncio.wait(tasks, timeout=2.0)

    # -- client events in --------------------------------------------------
    def receive(self, event: dict[str, Any]) -> None:
        """Take one client event (thread-safe: marshalled onto the peer's loop)."""
        self._bind()
        if self._thread is not None and threading.get_ident() != self._thread:
            assert self._loop is not None
            self._loop.call_soon_threadsafe(self._receive, event)
        else:
            self._receive(event)

    def receive_text(self, text: str | bytes) -> None:
        self.receive(json.loads(text))

    def _receive(self, event: dict[str, Any]) -> None:
        self.client_events.append(event)
        kind = event.get("type")
        if self.closed:
            self.violations.append(Violation("after_close", event, f"{kind} after the call closed"))
            return
        handler = self._HANDLERS.get(str(kind))
        if handler is not None:
            handler(self, event)

    def _on_session_update(self, event: dict[str, Any]) -> None:
        apply_session_update(self.session, event.get("session") or {})
        self.session_updated = True
        self._emit({"type": "session.updated", "session": copy.deepcopy(self.session)})

    def _on_response_create(self, event: dict[str, Any]) -> None:
        body = event.get("response") or {}
        eid = event.get("event_id")
        if not self._create_is_valid(event, body, eid):
            return
        oob = body.get("conversation") == "none"
        if not oob and self._active is not None:
            self.violations.append(Violation("double_create", event, self._active.id))
            self._emit_error(ACTIVE_RESPONSE_CODE, eid,
                             f"Conversation already has an active response in progress: "
                             f"{self._active.id}. Wait until the response is finished "
                             "before creating a new one.")
            return
        if not self.session_updated:
            self.violations.append(Violation("default_settings", event,
                                             "response.create before session.updated"))
        meta = body.get("metadata")
        self._start(ResponseRecord(self._next_id("resp"), "client", eid,
                                   dict(meta) if isinstance(meta, dict) else None, oob,
                                   connection=self.connections))

    def _create_is_valid(self, event: dict[str, Any], body: Any, eid: Any) -> bool:
        if not isinstance(body, dict):
            return self._refuse(event, eid, "explicit_null", "response", "must be an object")
        nulls = sorted(k for k, v in body.items() if v is None and k != "metadata")
        if nulls:
            return self._refuse(event, eid, "explicit_null", f"response.{nulls[0]}",
                                "null is not a valid value")
        meta = body.get("metadata")
        if meta is not None and (not isinstance(meta, dict) or len(meta) > 16 or any(
                not isinstance(v, str) or len(v) > 512 for v in meta.values())):
            return self._refuse(event, eid, "bad_metadata", "response.metadata",
                                "metadata: at most 16 string values of 512 characters")
        return True

    def _refuse(self, event: dict[str, Any], eid: Any, kind: str, param: str,
                message: str) -> bool:
        self.violations.append(Violation(kind, event, param))
        self._emit_error("invalid_value", eid, f"Invalid value for '{param}': {message}",
                         param=param)
        return False

    def _on_response_cancel(self, event: dict[str, Any]) -> None:
        rid = event.get("response_id")
        record = self._active if not rid else self._find(rid)
        if record is None or record.status != "in_progress":
            self._emit_error("response_cancel_not_active", event.get("event_id"),
                             "Cancellation failed: no active response found")
            return
        self.complete_response(record.id, status="cancelled", reason="client_cancelled")

    def _on_item_create(self, event: dict[str, Any]) -> None:
        item = dict(event.get("item") or {})
        item.setdefault("id", self._next_id("item"))
        item.setdefault("object", "realtime.item")
        item.setdefault("status", "completed")
        self._emit({"type": "conversation.item.added", "previous_item_id": None, "item": item})
        self._emit({"type": "conversation.item.done", "previous_item_id": None, "item": item})

    def _on_buffer_clear(self, event: dict[str, Any]) -> None:
        self._emit({"type": "input_audio_buffer.cleared"})

    _HANDLERS: ClassVar[dict[str, Callable[[RealtimePeer, dict[str, Any]], None]]] = {
        "session.update": _on_session_update,
        "response.create": _on_response_create,
        "response.cancel": _on_response_cancel,
        "conversation.item.create": _on_item_create,
        "input_audio_buffer.clear": _on_buffer_clear,
    }

    # -- scripted server behaviour ----------------------------------------
    def speech_started(self) -> None:
        """The caller starts talking (interrupts the active response with server VAD)."""
        self._bind()
        self._emit({"type": "input_audio_buffer.speech_started", "audio_start_ms": 0,
                    "item_id": self._next_id("item")})
        td = self.turn_detection or {}
        if self._active is not None and td and td.get("interrupt_response", True):
            self.complete_response(self._active.id, status="cancelled", reason="turn_detected")

    def speech_stopped(self) -> ResponseRecord | None:
        """The caller stops; with server VAD the server starts a response itself."""
        self._bind()
        item_id = self._next_id("item")
        self._emit({"type": "input_audio_buffer.speech_stopped", "audio_end_ms": 0,
                    "item_id": item_id})
        self._emit({"type": "input_audio_buffer.committed", "item_id": item_id,
                    "previous_item_id": None})
        td = self.turn_detection or {}
        auto = td.get("type") in ("server_vad", "semantic_vad") and td.get("create_response", True)
        if auto and self._active is None and not self.closed:
            return self.start_server_response()
        return None

    def start_server_response(self) -> ResponseRecord:
        """A response no client create asked for (VAD, or server-side logic)."""
        self._bind()
        record = ResponseRecord(self._next_id("resp"), "server", None, None,
                                connection=self.connections)
        self._start(record)
        return record

    def stream(self, response_id: str | None = None) -> None:
        """One audio delta of a running response (shows the response is alive)."""
        record = self._active if response_id is None else self._find(response_id)
        if record is None or record.status != "in_progress":
            return
        self._emit({"type": "response.output_audio.delta", "response_id": record.id,
                    "item_id": f"item_{record.id}", "output_index": 0, "content_index": 0,
                    "delta": "AAAA"})

    def complete_response(self, response_id: str | None = None, *, status: str = "completed",
                          reason: str | None = None) -> ResponseRecord | None:
        """Finish a response now (``response.done``); default: the active one."""
        record = self._active if response_id is None else self._find(response_id)
        if record is None or record.status != "in_progress":
            return None
        timer = self._timers.pop(record.id, None)
        if timer is not None:
            timer.cancel()
        record.status = status
        record.status_details = _status_details(status, reason)
        inp, out = self.usage
        record.usage = {"total_tokens": inp + out, "input_tokens": inp, "output_tokens": out,
                        "input_token_details": {"cached_tokens": 0, "text_tokens": inp,
                                                "audio_tokens": 0},
                        "output_token_details": {"text_tokens": out, "audio_tokens": 0}}
        if self._active is record:
            self._active = None
        if not self.closed:
            self._emit({"type": "response.done", "response": self._response_obj(record)})
        return record

    def close(self) -> None:
        """The call is hung up: nothing more is served; later client events are violations."""
        self.closed = True
        for timer in self._timers.values():
            timer.cancel()
        self._timers.clear()
        self._active = None

    # -- internals ---------------------------------------------------------
    def _abandon(self) -> None:
        for timer in self._timers.values():
            timer.cancel()
        self._timers.clear()
        for record in self.responses:
            if record.status == "in_progress":
                record.status = "abandoned"
        self._active = None

    def _start(self, record: ResponseRecord) -> None:
        self.responses.append(record)
        if not record.out_of_band:
            self._active = record
        self._emit({"type": "response.created", "response": self._response_obj(record)})
        if self.response_duration_s is not None and self._loop is not None:
            self._timers[record.id] = self._loop.call_later(
                self.response_duration_s, self.complete_response, record.id)

    def _find(self, response_id: str) -> ResponseRecord | None:
        return next((r for r in self.responses if r.id == response_id), None)

    def _response_obj(self, record: ResponseRecord) -> dict[str, Any]:
        out_fmt = self.session["audio"]["output"]
        return {
            "id": record.id,
            "object": "realtime.response",
            "status": record.status,
            "status_details": record.status_details,
            "output": [],
            "conversation_id": None if record.out_of_band else "conv_fake",
            "output_modalities": list(self.session.get("output_modalities") or ["audio"]),
            "max_output_tokens": "inf",
            "audio": {"output": {"format": dict(out_fmt["format"]),
                                 "voice": out_fmt.get("voice")}},
            "usage": copy.deepcopy(record.usage) if record.usage else None,
            "metadata": record.metadata,
        }

    def _emit_error(self, code: str, client_event_id: str | None, message: str,
                    param: str | None = None) -> None:
        error = {"type": "invalid_request_error", "code": code, "message": message,
                 "param": param,
                 "event_id": None if self.omit_error_event_id else client_event_id}
        self._emit({"type": "error", "error": error})

    def _next_id(self, prefix: str) -> str:
        self._seq += 1
        return f"{prefix}_{self._seq:05d}"

    def _bind(self) -> None:
        if self._loop is None or self._loop.is_closed():
            try:
                self._loop = asyncio.get_running_loop()
            except RuntimeError:
                return
            self._thread = threading.get_ident()

    def _emit(self, event: dict[str, Any]) -> None:
        """Queue a server event; delivered in order after ``latency_s`` (never inline)."""
        event.setdefault("event_id", self._next_id("event"))
        self.server_events.append(event)
        loop = self._loop
        if loop is None:
            return
        self._outbox.append((loop.time() + self.latency_s, event))
        if self._pump is None:
            self._pump = loop.call_later(self.latency_s, self._deliver)

    def _deliver(self) -> None:
        self._pump = None
        loop = self._loop
        assert loop is not None
        while self._outbox:
            due, event = self._outbox[0]
            if due > loop.time():
                self._pump = loop.call_at(due, self._deliver)
                return
            self._outbox.popleft()
            for listener in list(self._listeners):
                self._call(listener, event)

    def _call(self, listener: Listener, event: dict[str, Any]) -> None:
        try:
            result = listener(event)
        except Exception as exc:  # noqa: BLE001 - keep delivering; tests inspect it
            self.listener_errors.append(exc)
            return
        if not inspect.isawaitable(result):
            return
        chain = self._chains.setdefault(listener, deque())
        chain.append(result)
        if listener not in self._chain_tasks:
            assert self._loop is not None
            self._chain_tasks[listener] = self._loop.create_task(self._run_chain(listener))

    async def _run_chain(self, listener: Listener) -> None:
        """One listener's async calls, strictly one after the other, in event order."""
        chain = self._chains[listener]
        try:
            while chain:
                try:
                    await chain.popleft()
                except Exception as exc:  # noqa: BLE001 - recorded like sync errors
                    self.listener_errors.append(exc)
        finally:
            del self._chain_tasks[listener]


def _status_details(status: str, reason: str | None) -> dict[str, Any] | None:
    if status == "cancelled":
        return {"type": "cancelled", "reason": reason or "client_cancelled"}
    if status == "incomplete":
        return {"type": "incomplete", "reason": reason or "max_output_tokens"}
    if status == "failed":
        return {"type": "failed", "error": {"type": "server_error", "code": reason}}
    return None
