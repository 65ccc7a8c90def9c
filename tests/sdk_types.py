"""The openai SDK's GA Realtime server-event models by event type, for tests that check the
fake peer's events against them (skipped where the SDK is not installed)."""

from __future__ import annotations

import typing
from typing import Any

import pytest

__all__ = ["server_event_models"]


def server_event_models() -> dict[str, Any]:
    realtime = pytest.importorskip("openai.types.realtime")
    union = typing.get_args(realtime.RealtimeServerEvent)[0]
    models = {typing.get_args(m.model_fields["type"].annotation)[0]: m
              for m in typing.get_args(union)}
    models["conversation.item.added"] = realtime.ConversationItemAdded
    models["conversation.item.done"] = realtime.ConversationItemDone
    return models
