"""Every send path the codemod may hand to the gate works, sync or async."""

from __future__ import annotations

import json

import pytest

from respgate_lint.runtime import (
    EVENT_ID_KEY,
    REASON_KEY,
    NoSendPathError,
    ResponseGate,
    describe_path,
)
from respgate_lint.testing import KINDS, RealtimePeer

_PATHS = {"send_event": "send_event", "sdk": "response.create", "send_json": "send_json",
          "send_str": "send_str", "send_text": "send_text", "send": "send"}


# The openai SDK realtime connection is async only; every other shape both ways.
_SHAPES = [(k, s) for k in KINDS for s in (False, True) if not (k == "sdk" and s)]


@pytest.mark.parametrize(("kind", "sync"), _SHAPES,
                         ids=[f"{k}-{'sync' if s else 'async'}" for k, s in _SHAPES])
def test_each_client_shape_delivers_a_tagged_create(arun, kind, sync):
    async def scenario():
        peer = RealtimePeer(response_duration_s=None)
        gate = ResponseGate()
        peer.connect(gate.observe)
        peer.receive({"type": "session.update", "session": {"voice": "verse"}})
        await peer.wait_for(lambda: gate.stats()["state"]["session_ready"])
        client = peer.client(kind, sync=sync)
        assert describe_path(client) == _PATHS[kind]
        payload = {"instructions": "Say the weather.", "metadata": {"turn": 3}}
        outcome = await gate.trigger_response("tool_weather", client, response=payload,
                                              event_id="evt_given_1")
        assert outcome.sent and outcome.event_id == "evt_given_1"
        await peer.drain()
        [create] = peer.creates
        assert create["type"] == "response.create"
        assert create["event_id"] == "evt_given_1"
        body = create["response"]
        assert body["instructions"] == "Say the weather."
        assert body["metadata"] == {"turn": "3", REASON_KEY: "tool_weather",
                                    EVENT_ID_KEY: "evt_given_1"}
        assert payload == {"instructions": "Say the weather.", "metadata": {"turn": 3}}
        if kind in ("send_str", "send_text", "send"):
            assert isinstance(client.sent[0], str) and json.loads(client.sent[0]) == create
        assert peer.violations == []
        assert gate.stats()["responses"]["by_reason"] == {"tool_weather": 1}

    arun(scenario())


class _Both:
    """Has send_event and a websocket-style send: send_event must win."""

    def __init__(self):
        self.calls = []

    async def send_event(self, event):
        self.calls.append(("send_event", event))

    async def send(self, text):
        self.calls.append(("send", text))


class _SdkWithJson:
    """openai-SDK shape plus send_json: response.create must win."""

    def __init__(self):
        self.calls = []

        outer = self

        class Response:
            async def create(self, *, response=None, event_id=None):
                outer.calls.append(("create", response, event_id))

        self.response = Response()

    async def send_json(self, data):
        self.calls.append(("send_json", data))


def test_resolution_order_prefers_earlier_paths(arun):
    async def scenario():
        gate = ResponseGate(require_session_update=False, min_interval_s=0)
        both = _Both()
        await gate.trigger_response("a", both, force=True)
        assert [c[0] for c in both.calls] == ["send_event"]
        sdk = _SdkWithJson()
        await gate.trigger_response("b", sdk, force=True, event_id="evt_x")
        [(name, response, event_id)] = sdk.calls
        assert (name, event_id) == ("create", "evt_x")
        assert response["metadata"][REASON_KEY] == "b"

    arun(scenario())


def test_generated_event_id_and_whole_event_as_response(arun):
    async def scenario():
        gate = ResponseGate(require_session_update=False, min_interval_s=0)
        both = _Both()
        out = await gate.trigger_response("plain", both, force=True)
        assert out.event_id.startswith("evt_rg_")
        assert both.calls[0][1]["event_id"] == out.event_id
        event = {"type": "response.create", "event_id": "evt_carried",
                 "response": {"modalities": ["audio"]}}
        out = await gate.trigger_response("carried", both, force=True, response=event)
        sent = both.calls[1][1]
        assert out.event_id == sent["event_id"] == "evt_carried"
        assert sent["response"]["modalities"] == ["audio"]
        assert "type" not in sent["response"]

    arun(scenario())


def test_client_without_any_send_path_raises_and_is_counted(arun, stats_add_up):
    async def scenario():
        gate = ResponseGate(require_session_update=False)
        with pytest.raises(NoSendPathError):
            await gate.trigger_response("r", object())
        stats = gate.stats()
        stats_add_up(stats)
        assert stats["dropped_by"] == {"send_failed": 1}
        assert stats["state"]["in_flight"] is False  # a failed send does not hold the gate

    arun(scenario())
