"""Building the ``response.create`` event and reading server events.

The gate tags every create it sends (event id + reason in ``response.metadata``)
so telemetry, error matching and ``response.created`` attribution do not have to
guess which create a server event belongs to.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from typing import Any

#: Key of the trigger reason in ``response.metadata``.
REASON_KEY = "reason"
#: Key of the create's ``event_id`` in ``response.metadata``; the server echoes
#: metadata in ``response.created``/``response.done``, which lets the gate tell
#: its own responses from server-started (VAD) ones.
EVENT_ID_KEY = "respgate_event_id"
#: Reasons that were coalesced into this create, comma-separated.
COALESCED_KEY = "respgate_coalesced"
GREETING_KEY = "respgate_greeting"

_MAX_META_VALUE = 512  # OpenAI metadata limit per value
_MAX_META_KEYS = 16


def new_event_id() -> str:
    """A client event id that is recognisably the gate's in server logs."""
    return "evt_rg_" + secrets.token_hex(8)


def _as_mapping(value: Any) -> Mapping[str, Any] | None:
    """Accept dicts and SDK models (pydantic ``model_dump``) alike."""
    if value is None:
        return None
    if isinstance(value, Mapping):
        return value
    dump = getattr(value, "model_dump", None) or getattr(value, "to_dict", None)
    if callable(dump):
        dumped = dump()
        if isinstance(dumped, Mapping):
            return dumped
    raise TypeError(f"response must be a mapping, got {type(value).__name__}")


def unwrap_create_event(
    response: Any, event_id: str | None
) -> tuple[Mapping[str, Any] | None, str | None]:
    """Accept a whole ``{"type": "response.create", ...}`` event as ``response``.

    A codemod rewriting ``send_event(evt)`` may only have the full event in a
    variable; taking it apart here keeps such a rewrite correct.
    """
    payload = _as_mapping(response)
    if payload is not None and payload.get("type") == "response.create":
        event_id = event_id or payload.get("event_id")
        payload = _as_mapping(payload.get("response"))
    return payload, event_id


def _clip(value: Any) -> str:
    text = value if isinstance(value, str) else str(value)
    return text[:_MAX_META_VALUE]


def build_create_event(
    reason: str,
    event_id: str,
    response: Mapping[str, Any] | None = None,
    *,
    coalesced: tuple[str, ...] = (),
    is_greeting: bool = False,
) -> dict[str, Any]:
    """Return a fresh create event; the caller's ``response`` is never mutated."""
    body: dict[str, Any] = dict(response) if response else {}
    metadata = {str(k): _clip(v) for k, v in (body.get("metadata") or {}).items()}
    metadata[REASON_KEY] = _clip(reason)
    metadata[EVENT_ID_KEY] = event_id
    if coalesced:
        metadata[COALESCED_KEY] = _clip(",".join(coalesced))
    if is_greeting:
        metadata[GREETING_KEY] = "true"
    if len(metadata) > _MAX_META_KEYS:  # keep ours, drop the caller's overflow
        ours = {REASON_KEY, EVENT_ID_KEY, COALESCED_KEY, GREETING_KEY}
        extra = [k for k in metadata if k not in ours]
        for key in extra[: len(metadata) - _MAX_META_KEYS]:
            del metadata[key]
    body["metadata"] = metadata
    return {"type": "response.create", "event_id": event_id, "response": body}


def as_event_dict(event: Any) -> dict[str, Any] | None:
    """Normalise a server event (dict, JSON text, or SDK model) to a dict."""
    if isinstance(event, dict):
        return event
    if isinstance(event, (str, bytes, bytearray)):
        try:
            loaded = json.loads(event)
        except ValueError:
            return None
        return loaded if isinstance(loaded, dict) else None
    try:
        mapping = _as_mapping(event)
    except TypeError:
        return None
    return dict(mapping) if mapping is not None else None


def response_of(event: Mapping[str, Any]) -> Mapping[str, Any]:
    """The ``response`` object of a response.* server event (or empty)."""
    resp = event.get("response")
    return resp if isinstance(resp, Mapping) else {}


def metadata_of(resp: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """``response.metadata``; None when absent or null."""
    meta = resp.get("metadata")
    return meta if isinstance(meta, Mapping) else None
