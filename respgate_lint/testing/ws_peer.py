"""The fake Realtime peer served over a real websocket on 127.0.0.1.

``RealtimePeer`` (``peer.py``) is the protocol; this module is one transport for
it plus the few scripted behaviours a phone call needs on top:

* ``PeerServer`` serves one peer (one call) with the ``websockets`` library on
  ``127.0.0.1`` and a free port: each client text message goes to
  ``peer.receive``, every server event is written back in order by one writer
  task. A reconnect (a second connection) is a new session of the same call.
  Only loopback is ever bound.
* ``CallPeer`` adds what a phone call needs: server responses that carry
  function calls (``response.output_item.added`` and
  ``response.function_call_arguments.done``) and last as long as the script says,
  the caller hanging up (``hangup()``: the Realtime socket is still open, but a
  ``response.create`` from then on talks to nobody and is recorded as
  ``after_hangup``), and a create while the caller is speaking (recorded as
  ``user_speaking``: the agent talks over the caller).

Needs the ``demo`` (or ``test``) extra: ``pip install -e ".[demo]"``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from types import TracebackType
from typing import Any

import websockets

from .peer import RealtimePeer, ResponseRecord, Violation

__all__ = ["CallPeer", "PeerServer", "ToolCall"]

LOOPBACK = "127.0.0.1"


@dataclass(frozen=True)
class ToolCall:
    """A function call the model makes inside a server response."""

    name: str
    arguments: dict[str, Any]
    call_id: str


class CallPeer(RealtimePeer):
    """``RealtimePeer`` plus tool-calling responses, hangup and speech-overlap rules."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.hung_up = False
        self.user_speaking = False
        self._next_reply: tuple[tuple[ToolCall, ...], float | None] = ((), None)
        self._items: dict[str, list[dict[str, Any]]] = {}
        self._accepted: list[int] = []
        #: ``(seconds since connect, "client"|"server"|"caller", event)`` in order; the
        #: caller side holds the scripted ``hangup``.
        self.timeline: list[tuple[float, str, dict[str, Any]]] = []
        #: ``len(client_events)`` when the caller hung up (None while on the line).
        self.hangup_index: int | None = None
        self._t0: float | None = None

    # -- scripted call ----------------------------------------------------
    def hangup(self) -> None:
        """The caller is gone; the bridge's Realtime socket may still be open."""
        self.hung_up = True
        self.hangup_index = len(self.client_events)
        self.timeline.append((self._now(), "caller", {"type": "hangup"}))

    def speech_started(self) -> None:
        """The caller starts talking; a create until ``speech_stopped`` talks over them."""
        self.user_speaking = True
        super().speech_started()

    def speech_stopped(self, *, calls: Iterable[ToolCall] = (),
                       reply_s: float | None = None) -> ResponseRecord | None:
        """The caller stops; the VAD response carries ``calls`` and lasts ``reply_s``."""
        self.user_speaking = False
        self._next_reply = (tuple(calls), reply_s)
        try:
            return super().speech_stopped()
        finally:
            self._next_reply = ((), None)

    def start_server_response(self, calls: Iterable[ToolCall] = (),
                              duration_s: float | None = None) -> ResponseRecord:
        """A response no client asked for; its function calls are announced at once."""
        pending_calls, pending_s = self._next_reply
        calls = tuple(calls) or pending_calls
        duration_s = duration_s if duration_s is not None else pending_s
        saved = self.response_duration_s
        if duration_s is not None:
            self.response_duration_s = duration_s
        try:
            record = super().start_server_response()
        finally:
            self.response_duration_s = saved
        for index, call in enumerate(calls):
            self._announce_call(record, index, call)
        return record

    # -- inspection -------------------------------------------------------
    def function_outputs(self) -> list[tuple[int, str]]:
        """``(index in client_events, call_id)`` of every function_call_output received."""
        return [(i, (e.get("item") or {}).get("call_id", ""))
                for i, e in enumerate(self.client_events)
                if e.get("type") == "conversation.item.create"
                and (e.get("item") or {}).get("type") == "function_call_output"]

    def accepted_create_indexes(self) -> list[int]:
        """Indexes in ``client_events`` of the creates that started a response."""
        return list(self._accepted)

    # -- protocol ---------------------------------------------------------
    def _now(self) -> float:
        try:
            now = asyncio.get_running_loop().time()
        except RuntimeError:  # scripted from outside a loop: order still holds
            return self.timeline[-1][0] if self.timeline else 0.0
        if self._t0 is None:
            self._t0 = now
        return now - self._t0

    def _emit(self, event: dict[str, Any]) -> None:
        self.timeline.append((self._now(), "server", event))
        super()._emit(event)

    def _receive(self, event: dict[str, Any]) -> None:
        self.timeline.append((self._now(), "client", event))
        if event.get("type") == "response.create" and not self.closed:
            if self.hung_up:
                self.violations.append(Violation("after_hangup", event,
                                                 "response.create after the caller hung up"))
            elif self.user_speaking:
                self.violations.append(Violation("user_speaking", event,
                                                 "response.create while the caller speaks"))
        before = len(self.responses)
        super()._receive(event)
        if event.get("type") == "response.create" and len(self.responses) > before:
            self._accepted.append(len(self.client_events) - 1)

    def _announce_call(self, record: ResponseRecord, index: int, call: ToolCall) -> None:
        arguments = json.dumps(call.arguments)
        item = {"id": self._next_id("item"), "object": "realtime.item", "type": "function_call",
                "status": "completed", "name": call.name, "call_id": call.call_id,
                "arguments": arguments}
        self._items.setdefault(record.id, []).append(item)
        self._emit({"type": "response.output_item.added", "response_id": record.id,
                    "output_index": index, "item": {**item, "status": "in_progress",
                                                    "arguments": ""}})
        self._emit({"type": "response.function_call_arguments.done", "response_id": record.id,
                    "item_id": item["id"], "output_index": index, "call_id": call.call_id,
                    "name": call.name, "arguments": arguments})
        self._emit({"type": "response.output_item.done", "response_id": record.id,
                    "output_index": index, "item": item})

    def _response_obj(self, record: ResponseRecord) -> dict[str, Any]:
        obj = super()._response_obj(record)
        obj["output"] = list(self._items.get(record.id, ()))
        return obj


class PeerServer:
    """Serve one ``RealtimePeer`` on ``ws://127.0.0.1:<free port>`` (``async with``).

    Each connection is a new session of the same call (``peer.connect``): a
    bridge that reconnects gets a fresh ``session.created``, and the response
    that was running on the old connection never finishes. A new connection
    supersedes an older one still open (closed with code 1012). ``drop()``
    cuts the current connection from the server side, as a network drop would.
    """

    def __init__(self, peer: RealtimePeer, *, port: int = 0) -> None:
        self.peer = peer
        self.port = port
        self.connected = asyncio.Event()
        self.disconnected = asyncio.Event()
        self.bad_messages: list[str] = []
        self.connections = 0  # connections accepted so far
        self._server: Any = None
        self._current: Any = None

    @property
    def url(self) -> str:
        return f"ws://{LOOPBACK}:{self.port}"

    async def start(self) -> str:
        self._server = await websockets.serve(self._serve, LOOPBACK, self.port)
        self.port = self._server.sockets[0].getsockname()[1]
        return self.url

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    async def __aenter__(self) -> PeerServer:
        await self.start()
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None,
                        exc: BaseException | None, tb: TracebackType | None) -> None:
        await self.stop()

    async def drop(self) -> None:
        """Cut the current connection abruptly (no close handshake from the server)."""
        ws = self._current
        if ws is None:
            return
        transport = getattr(ws, "transport", None)
        if transport is not None:
            transport.abort()
        else:  # pragma: no cover - every supported websockets version has a transport
            await ws.close(1011, "dropped")

    async def wait_connections(self, count: int, timeout: float = 2.0) -> None:
        """Until ``count`` connections were accepted (``TimeoutError`` after ``timeout``)."""
        async def poll() -> None:
            while self.connections < count:
                await asyncio.sleep(0.001)

        await asyncio.wait_for(poll(), timeout)

    async def _serve(self, ws: Any, *_: Any) -> None:
        """One connection is one session of the call; the newest one wins."""
        previous, self._current = self._current, ws
        if previous is not None:
            with contextlib.suppress(websockets.ConnectionClosed):
                await previous.close(1012, "superseded by a new connection")
        self.connections += 1
        outbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        writer = asyncio.create_task(self._write(ws, outbox))
        listener = outbox.put_nowait
        self.disconnected.clear()
        self.peer.connect(listener)
        self.connected.set()
        try:
            async for message in ws:
                self._take(ws, message, outbox)
        except websockets.ConnectionClosed:
            pass
        finally:
            self.peer.remove_listener(listener)
            if self._current is ws:
                self._current = None
                self.peer.disconnect()
            writer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await writer
            if self._current is None:
                self.disconnected.set()

    def _take(self, ws: Any, message: str | bytes, outbox: asyncio.Queue[dict[str, Any]]) -> None:
        try:
            event = json.loads(message)
            if not isinstance(event, dict):
                raise ValueError("not an object")
        except ValueError as exc:
            self.bad_messages.append(str(message)[:200])
            outbox.put_nowait({"type": "error", "event_id": "event_bad_json", "error": {
                "type": "invalid_request_error", "code": "invalid_json", "param": None,
                "event_id": None, "message": f"client event is not a JSON object: {exc}"}})
            return
        self.peer.receive(event)

    @staticmethod
    async def _write(ws: Any, outbox: asyncio.Queue[dict[str, Any]]) -> None:
        """One writer keeps server events in the order the peer emitted them."""
        while True:
            event = await outbox.get()
            try:
                await ws.send(json.dumps(event))
            except websockets.ConnectionClosed:
                return
