"""Send adapters: the gate sends through whatever object the app already uses.

The codemod rewrites ``client.send_event({...})``, ``ws.send(json.dumps({...}))``,
``ws.send_json({...})``, ``conn.response.create(...)`` and ``conn.send({...})``
into ``self.trigger_response(REASON, <receiver>, ...)``; each of those receivers
must keep working, so the send path is resolved per call in this order:

1. ``send_event(dict)``                      (app wrappers, many Realtime helpers)
2. ``response.create(response=, event_id=)``  (openai SDK realtime connection)
3. ``send_json(dict)``                        (aiohttp, starlette)
4. ``send_str(str)`` / ``send_text(str)``     (aiohttp / starlette), JSON text
5. ``send(str)``                              (websockets), JSON text

Sync and async methods both work: the result is awaited when it is awaitable.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Awaitable, Callable
from typing import Any

_TEXT_METHODS = ("send_str", "send_text")


class NoSendPathError(TypeError):
    """The client offers none of the supported send methods."""


def _method(obj: Any, name: str) -> Callable[..., Any] | None:
    fn = getattr(obj, name, None)
    return fn if callable(fn) else None


def _json_text(event: dict[str, Any]) -> str:
    return json.dumps(event, separators=(",", ":"), ensure_ascii=False)


def resolve_sender(client: Any) -> tuple[str, Callable[[dict[str, Any]], Any]]:
    """Return ``(path_name, send)`` where ``send(event)`` may return an awaitable."""
    fn = _method(client, "send_event")
    if fn is not None:
        return "send_event", fn
    create = _method(getattr(client, "response", None), "create")
    if create is not None:
        return "response.create", lambda ev: create(
            response=ev.get("response"), event_id=ev.get("event_id")
        )
    fn = _method(client, "send_json")
    if fn is not None:
        return "send_json", fn
    for name in _TEXT_METHODS:
        fn = _method(client, name)
        if fn is not None:
            return name, _text_sender(fn)
    fn = _method(client, "send")
    if fn is not None:
        return "send", _text_sender(fn)
    raise NoSendPathError(
        f"cannot send through {type(client).__name__}: it has none of send_event, "
        "response.create, send_json, send_str, send_text, send"
    )


def _text_sender(fn: Callable[[str], Any]) -> Callable[[dict[str, Any]], Any]:
    return lambda ev: fn(_json_text(ev))


async def send_via(client: Any, event: dict[str, Any]) -> str:
    """Send ``event`` through ``client``; return the path used (for logs)."""
    path, send = resolve_sender(client)
    result = send(event)
    if inspect.isawaitable(result):
        await result
    return path


def describe_path(client: Any) -> str:
    """Name of the send path ``client`` resolves to (diagnostics, docs, tests)."""
    return resolve_sender(client)[0]


SendFn = Callable[[Any, dict[str, Any]], Awaitable[str]]
