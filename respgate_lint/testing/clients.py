"""In-process clients for ``RealtimePeer``, one per send shape real apps use.

Each has exactly one send path, so a test can prove the gate resolves it:
``send_event`` (dict), ``sdk`` (openai-SDK-like ``conn.response.create(...)`` and
``conn.send(dict)``), ``send_json`` (dict), ``send_str`` / ``send_text`` / ``send``
(JSON text). ``sync=True`` makes the methods plain functions. Sending after the
peer closed raises ``PeerClosedError`` (as a websocket would).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .peer import RealtimePeer

KINDS = ("send_event", "sdk", "send_json", "send_str", "send_text", "send")


class _Base:
    def __init__(self, peer: RealtimePeer) -> None:
        self.peer = peer
        self.sent: list[Any] = []  # what this client was asked to send, as given

    def _take(self, event: dict[str, Any], raw: Any) -> None:
        from .peer import PeerClosedError

        self.sent.append(raw)
        if self.peer.closed:
            self.peer.receive(event)  # recorded as an after_close violation
            raise PeerClosedError("the call is closed")
        self.peer.receive(event)

    def _take_text(self, text: str) -> None:
        if not isinstance(text, str):
            raise TypeError(f"expected JSON text, got {type(text).__name__}")
        self._take(json.loads(text), text)


class _ResponseResource:
    """``conn.response`` of the openai SDK: ``create(response=..., event_id=...)``."""

    def __init__(self, owner: _Base) -> None:
        self._owner = owner

    async def create(self, *, response: Any = None, event_id: str | None = None) -> None:
        event: dict[str, Any] = {"type": "response.create"}
        if event_id is not None:
            event["event_id"] = event_id
        if response is not None:
            event["response"] = response
        self._owner._take(event, event)


def make_client(peer: RealtimePeer, kind: str = "send_event", *, sync: bool = False) -> Any:
    """Build a client of shape ``kind`` (one of ``KINDS``) talking to ``peer``."""
    if kind not in KINDS:
        raise ValueError(f"unknown client kind {kind!r}; expected one of {KINDS}")
    if kind == "sdk":
        client = _Base(peer)
        client.response = _ResponseResource(client)  # type: ignore[attr-defined]

        async def send(event: dict[str, Any]) -> None:  # SDK raw send takes a dict
            client._take(dict(event), event)

        client.send = send  # type: ignore[attr-defined]
        return client
    client = _Base(peer)
    takes_text = kind in ("send_str", "send_text", "send")
    impl = client._take_text if takes_text else (lambda ev: client._take(ev, ev))
    if sync:
        setattr(client, kind, impl)
    else:
        async def method(arg: Any) -> None:
            impl(arg)

        setattr(client, kind, method)
    return client
