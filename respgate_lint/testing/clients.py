"""In-process clients for ``RealtimePeer``, one per send shape real apps use.

Each has exactly one send path and the signature a real client of that shape
has, so a test can prove the gate resolves it by evidence, not by name:
``send_event(event: dict)``, ``sdk`` (openai-SDK-like ``conn.response.create(...)``
/ ``.cancel(...)`` and ``conn.send(event: dict)``), ``send_json(data)``,
``send_str(data: str)`` + ``receive_str`` (aiohttp), ``send_text(data: str)`` +
``receive_text`` (starlette), ``send(message: str)`` + ``recv`` (websockets).
``sync=True`` gives plain methods. Sending after the peer closed raises
``PeerClosedError`` (as a websocket would).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .peer import RealtimePeer

KINDS = ("send_event", "sdk", "send_json", "send_str", "send_text", "send")


class PeerClosedError(ConnectionError):
    """Raised by the in-process clients when sending after the call was closed."""


class _Base:
    def __init__(self, peer: RealtimePeer) -> None:
        self.peer = peer
        self.sent: list[Any] = []  # what this client was asked to send, as given

    def _take(self, event: dict[str, Any], raw: Any) -> None:
        if not isinstance(event, dict):
            raise TypeError(f"expected an event dict, got {type(event).__name__}")
        self.sent.append(raw)
        self.peer.receive(event)
        if self.peer.closed:  # recorded by the peer as an after_close violation
            raise PeerClosedError("the call is closed")

    def _take_text(self, text: str) -> None:
        if not isinstance(text, str):
            raise TypeError(f"expected JSON text, got {type(text).__name__}")
        self._take(json.loads(text), text)


class SendEventClient(_Base):
    async def send_event(self, event: dict[str, Any]) -> None:
        self._take(event, event)


class SyncSendEventClient(_Base):
    def send_event(self, event: dict[str, Any]) -> None:
        self._take(event, event)


class SendJsonClient(_Base):
    async def send_json(self, data: Any) -> None:
        self._take(data, data)


class SyncSendJsonClient(_Base):
    def send_json(self, data: Any) -> None:
        self._take(data, data)


class SendStrClient(_Base):
    async def send_str(self, data: str) -> None:
        self._take_text(data)

    async def receive_str(self) -> str:
        raise NotImplementedError("in-process clients are send-only")


class SyncSendStrClient(_Base):
    def send_str(self, data: str) -> None:
        self._take_text(data)

    def receive_str(self) -> str:
        raise NotImplementedError("in-process clients are send-only")


class SendTextClient(_Base):
    async def send_text(self, data: str) -> None:
        self._take_text(data)

    async def receive_text(self) -> str:
        raise NotImplementedError("in-process clients are send-only")


class SyncSendTextClient(_Base):
    def send_text(self, data: str) -> None:
        self._take_text(data)

    def receive_text(self) -> str:
        raise NotImplementedError("in-process clients are send-only")


class SendClient(_Base):
    async def send(self, message: str) -> None:
        self._take_text(message)

    async def recv(self) -> str:
        raise NotImplementedError("in-process clients are send-only")


class SyncSendClient(_Base):
    def send(self, message: str) -> None:
        self._take_text(message)

    def recv(self) -> str:
        raise NotImplementedError("in-process clients are send-only")


class _ResponseResource:
    """``conn.response`` of the openai SDK: ``create(...)`` and ``cancel(...)``."""

    def __init__(self, owner: _Base) -> None:
        self._owner = owner

    async def create(self, *, response: Any = None, event_id: str | None = None) -> None:
        event: dict[str, Any] = {"type": "response.create"}
        if event_id is not None:
            event["event_id"] = event_id
        if response is not None:
            event["response"] = response
        self._owner._take(event, event)

    async def cancel(self, *, response_id: str | None = None,
                     event_id: str | None = None) -> None:
        event: dict[str, Any] = {"type": "response.cancel"}
        if event_id is not None:
            event["event_id"] = event_id
        if response_id is not None:
            event["response_id"] = response_id
        self._owner._take(event, event)


class SdkClient(_Base):
    """Shaped like ``openai``'s ``AsyncRealtimeConnection`` (async only)."""

    def __init__(self, peer: RealtimePeer) -> None:
        super().__init__(peer)
        self.response = _ResponseResource(self)

    async def send(self, event: dict[str, Any]) -> None:  # the SDK's raw send takes a dict
        self._take(dict(event), event)


_CLASSES: dict[tuple[str, bool], type[_Base]] = {
    ("send_event", False): SendEventClient, ("send_event", True): SyncSendEventClient,
    ("sdk", False): SdkClient,
    ("send_json", False): SendJsonClient, ("send_json", True): SyncSendJsonClient,
    ("send_str", False): SendStrClient, ("send_str", True): SyncSendStrClient,
    ("send_text", False): SendTextClient, ("send_text", True): SyncSendTextClient,
    ("send", False): SendClient, ("send", True): SyncSendClient,
}


def make_client(peer: RealtimePeer, kind: str = "send_event", *, sync: bool = False) -> Any:
    """Build a client of shape ``kind`` (one of ``KINDS``) talking to ``peer``."""
    if kind not in KINDS:
        raise ValueError(f"unknown client kind {kind!r}; expected one of {KINDS}")
    cls = _CLASSES.get((kind, sync))
    if cls is None:
        raise ValueError(f"client kind {kind!r} has no sync variant")
    return cls(peer)
