"""Building the ``response.create`` event, normalising payloads, reading server events.

The gate tags every create it sends (event id + reason in ``response.metadata``)
so telemetry, error matching and ``response.created`` attribution do not have to
guess which create a server event belongs to.

Payloads are normalised once, at the trigger, *before* the gate changes any
state: an SDK model is dumped without unset/None fields (the server rejects
explicit nulls), the result must be JSON-serialisable, and it is deep-copied (a
held create sends the payload as it was when the trigger was made).
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
_OURS = frozenset({REASON_KEY, EVENT_ID_KEY, COALESCED_KEY, GREETING_KEY})

_MAX_META_VALUE = 512  # OpenAI metadata limit per value
_MAX_META_KEYS = 16

#: ``merge_payloads`` result when two payloads cannot share one create.
CONFLICT: Any = object()


def new_event_id() -> str:
    """A client event id that is recognisably the gate's in server logs."""
    return "evt_rg_" + secrets.token_hex(8)


# ------------------------------------------------------------ payloads in
def _dump_model(value: Any) -> Any:
    """An SDK (pydantic) model as plain data, without unset or None fields."""
    dump = getattr(value, "model_dump", None)
    if callable(dump):
        try:
            return dump(mode="json", by_alias=True, exclude_unset=True, exclude_none=True)
        except TypeError:  # a model_dump() that takes no such options
            return _strip_none(dump())
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict):
        return _strip_none(to_dict())
    return value


def _strip_none(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _strip_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [_strip_none(v) for v in value]
    return value


def _jsonable(value: Any) -> Any:
    """Dump nested models inside dicts/lists (``{"tools": [SomeModel(...)]}``)."""
    if isinstance(value, Mapping):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    dumped = _dump_model(value)
    return value if dumped is value else _jsonable(dumped)


def _as_mapping(value: Any) -> Mapping[str, Any] | None:
    """Accept dicts and SDK models (pydantic ``model_dump``) alike."""
    if value is None or isinstance(value, Mapping):
        return value
    dumped = _dump_model(value)
    if isinstance(dumped, Mapping):
        return dumped
    raise TypeError(f"response must be a mapping or an SDK model, got {type(value).__name__}")


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


def normalise_payload(
    response: Any, event_id: str | None
) -> tuple[dict[str, Any] | None, str | None]:
    """Unwrap, dump models, validate and deep-copy a ``response=`` payload.

    Raises ``TypeError`` (nothing JSON can carry) or ``ValueError`` before the
    gate counts or holds anything, so a bad payload never becomes a phantom
    create.
    """
    if response is None:
        return None, event_id
    payload, event_id = unwrap_create_event(response, event_id)
    if payload is None:
        return None, event_id
    try:
        text = json.dumps(payload)
    except (TypeError, ValueError):
        try:
            text = json.dumps(_jsonable(payload))
        except (TypeError, ValueError) as exc:
            raise TypeError(f"response payload is not JSON-serialisable: {exc}") from exc
    copied = json.loads(text)
    if not isinstance(copied, dict):
        raise TypeError("response payload must be a JSON object")
    return copied, event_id


def is_out_of_band(payload: Mapping[str, Any] | None) -> bool:
    """``conversation: "none"``: the response writes to no conversation (runs in parallel)."""
    return payload is not None and payload.get("conversation") == "none"


def _merge_meta(a: Mapping[str, Any], b: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(a)
    for key, value in b.items():
        if key not in merged or merged[key] == value:
            merged[key] = value
            continue
        parts = str(merged[key]).split(",")
        if str(value) not in parts:
            merged[key] = _clip(",".join([*parts, str(value)]))
    return merged


def merge_payloads(a: dict[str, Any] | None, b: dict[str, Any] | None) -> Any:
    """One payload that carries both, or ``CONFLICT``.

    No payload merges with anything. Two payloads merge only when they are equal
    apart from ``metadata``; metadata is united (a key with two values keeps
    both, comma-separated). Anything else (two different ``instructions``) would
    lose content, so those intents stay queued as separate creates.
    """
    if a is None:
        return b
    if b is None or a == b:
        return a
    meta_a, meta_b = a.get("metadata") or {}, b.get("metadata") or {}
    rest_a = {k: v for k, v in a.items() if k != "metadata"}
    rest_b = {k: v for k, v in b.items() if k != "metadata"}
    if rest_a != rest_b:
        return CONFLICT
    merged = dict(rest_a)
    if meta_a or meta_b:
        merged["metadata"] = _merge_meta(meta_a, meta_b)
    return merged


# ------------------------------------------------------------- events out
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
    metadata = {str(k): _clip(v) for k, v in (body.get("metadata") or {}).items()
                if v is not None}
    metadata[REASON_KEY] = _clip(reason)
    metadata[EVENT_ID_KEY] = event_id
    if coalesced:
        metadata[COALESCED_KEY] = _clip(",".join(coalesced))
    if is_greeting:
        metadata[GREETING_KEY] = "true"
    if len(metadata) > _MAX_META_KEYS:  # keep ours, drop the caller's overflow
        extra = [k for k in metadata if k not in _OURS]
        for key in extra[: len(metadata) - _MAX_META_KEYS]:
            del metadata[key]
    body["metadata"] = metadata
    return {"type": "response.create", "event_id": event_id, "response": body}


def build_cancel_event(response_id: str | None) -> dict[str, Any]:
    """``response.cancel`` for one response (or, without an id, the active one)."""
    event: dict[str, Any] = {"type": "response.cancel", "event_id": new_event_id()}
    if response_id:
        event["response_id"] = response_id
    return event


# -------------------------------------------------------------- events in
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
    dump = getattr(event, "model_dump", None) or getattr(event, "to_dict", None)
    if not callable(dump):
        return None
    try:
        dumped = dump()
    except Exception:  # noqa: BLE001 - a foreign object's dump must not break observe()
        return None
    return dict(dumped) if isinstance(dumped, Mapping) else None


def response_of(event: Mapping[str, Any]) -> Mapping[str, Any]:
    """The ``response`` object of a response.* server event (or empty)."""
    resp = event.get("response")
    return resp if isinstance(resp, Mapping) else {}


def metadata_of(resp: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """``response.metadata``; None when absent or null."""
    meta = resp.get("metadata")
    return meta if isinstance(meta, Mapping) else None


def turn_detection_of(session: Any) -> Any:
    """``turn_detection`` from a session object, beta (flat) or GA (``audio.input``).

    Returns ``...`` (Ellipsis) when the session does not say.
    """
    if not isinstance(session, Mapping):
        return ...
    if "turn_detection" in session:
        return session["turn_detection"]
    audio = session.get("audio")
    audio_in = audio.get("input") if isinstance(audio, Mapping) else None
    if isinstance(audio_in, Mapping) and "turn_detection" in audio_in:
        return audio_in["turn_detection"]
    return ...
