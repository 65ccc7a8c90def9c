"""The fake peer's session object, in the GA shape of the Realtime API.

``session.created``/``session.updated`` carry ``{"type": "realtime", ...,
"audio": {"input": {..., "turn_detection"}, "output": {"voice", ...}}}``.
``session.update`` is accepted in that shape and in the beta flat shape many
apps still send (``voice``, ``turn_detection``, ``input_audio_format``, ...),
which is mapped onto it.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

_FORMATS = {
    "pcm16": {"type": "audio/pcm", "rate": 24000},
    "g711_ulaw": {"type": "audio/pcmu"},
    "g711_alaw": {"type": "audio/pcma"},
}
_SERVER_VAD = {
    "type": "server_vad",
    "threshold": 0.5,
    "prefix_padding_ms": 300,
    "silence_duration_ms": 500,
    "idle_timeout_ms": None,
    "create_response": True,
    "interrupt_response": True,
}


def default_session(turn_detection: Any = "server_vad") -> dict[str, Any]:
    """A fresh session as the server announces it in ``session.created``."""
    td = copy.deepcopy(_SERVER_VAD) if turn_detection == "server_vad" else turn_detection
    return {
        "type": "realtime",
        "object": "realtime.session",
        "id": "sess_00000",
        "model": "gpt-realtime",
        "output_modalities": ["audio"],
        "instructions": "You are a helpful assistant.",
        "tools": [],
        "tool_choice": "auto",
        "max_output_tokens": "inf",
        "tracing": None,
        "truncation": "auto",
        "prompt": None,
        "include": None,
        "expires_at": 0,
        "audio": {
            "input": {
                "format": {"type": "audio/pcm", "rate": 24000},
                "transcription": None,
                "noise_reduction": None,
                "turn_detection": copy.deepcopy(td),
            },
            "output": {
                "format": {"type": "audio/pcm", "rate": 24000},
                "voice": "alloy",
                "speed": 1.0,
            },
        },
    }


def turn_detection(session: Mapping[str, Any]) -> Any:
    return session["audio"]["input"].get("turn_detection")


def _format(value: Any) -> Any:
    return copy.deepcopy(_FORMATS.get(value, value)) if isinstance(value, str) else value


def apply_session_update(session: dict[str, Any], update: Mapping[str, Any]) -> None:
    """Merge a ``session.update`` payload (GA or beta flat) into ``session``."""
    audio_in = session["audio"]["input"]
    audio_out = session["audio"]["output"]
    for key, value in update.items():
        if key == "audio" and isinstance(value, Mapping):
            for side, target in (("input", audio_in), ("output", audio_out)):
                part = value.get(side)
                if isinstance(part, Mapping):
                    target.update(copy.deepcopy(dict(part)))
        elif key == "voice":
            audio_out["voice"] = value
        elif key == "turn_detection":
            audio_in["turn_detection"] = copy.deepcopy(value)
        elif key == "input_audio_format":
            audio_in["format"] = _format(value)
        elif key == "output_audio_format":
            audio_out["format"] = _format(value)
        elif key == "input_audio_transcription":
            audio_in["transcription"] = copy.deepcopy(value)
        elif key == "modalities":
            session["output_modalities"] = ["audio"] if "audio" in value else ["text"]
        elif key == "max_response_output_tokens":
            session["max_output_tokens"] = value
        elif key in ("temperature", "type"):
            continue  # not part of the GA session (type is always "realtime")
        else:
            session[key] = copy.deepcopy(value)
