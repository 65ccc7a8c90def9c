"""Send paths are chosen by evidence (signatures, known types, explicit adapters), never by name alone."""

from __future__ import annotations

import json
from typing import Any

import pytest

from respgate_lint.runtime import (
    EVENT_ID_KEY,
    REASON_KEY,
    ClientAdapter,
    NoSendPathError,
    ResponseGate,
    describe_path,
    register_send_path,
    resolve_path,
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
        else:
            assert isinstance(client.sent[0], dict)
        assert peer.violations == []
        assert gate.stats()["responses"]["by_reason"] == {"tool_weather": 1}

    arun(scenario())


class _Both:
    """Has send_event and a websocket-style send: send_event must win."""

    def __init__(self):
        self.calls = []

    async def send_event(self, event):
        self.calls.append(("send_event", event))

    async def send(self, text: str):
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
        gate2 = ResponseGate(require_session_update=False, min_interval_s=0)
        await gate2.trigger_response("b", sdk, force=True, event_id="evt_x")
        [(name, response, event_id)] = sdk.calls
        assert (name, event_id) == ("create", "evt_x")
        assert response["metadata"][REASON_KEY] == "b"

    arun(scenario())


def test_generated_event_id_and_whole_event_as_response(arun):
    async def scenario():
        gate = ResponseGate(require_session_update=False, min_interval_s=0)
        both = _Both()
        out = await gate.trigger_response("plain", both)
        assert out.event_id.startswith("evt_rg_")
        assert both.calls[0][1]["event_id"] == out.event_id
        gate.observe({"type": "response.done", "response": {
            "id": "resp_1", "status": "completed", "metadata": both.calls[0][1]["response"]["metadata"]}})
        event = {"type": "response.create", "event_id": "evt_carried",
                 "response": {"output_modalities": ["audio"]}}
        out = await gate.trigger_response("carried", both, response=event)
        assert out.sent
        sent = both.calls[1][1]
        assert out.event_id == sent["event_id"] == "evt_carried"
        assert sent["response"]["output_modalities"] == ["audio"]
        assert "type" not in sent["response"]

    arun(scenario())


def test_client_without_any_send_path_raises_and_is_counted(arun, stats_add_up):
    async def scenario():
        gate = ResponseGate(require_session_update=False)
        with pytest.raises(NoSendPathError, match="no send method at all"):
            await gate.trigger_response("r", object())
        stats = gate.stats()
        stats_add_up(stats)
        assert stats["dropped_by"] == {"send_failed": 1}
        assert stats["state"]["in_flight"] is False  # a failed send does not hold the gate

    arun(scenario())


# ---------------------------------------------------------------- evidence
class DictWrapper:
    """A ``send(dict)`` wrapper that encodes itself: handing it text double-encodes."""

    def __init__(self):
        self.wire = []

    async def send(self, item):  # no annotation, a name and a body that say nothing
        self._push(item)

    def _push(self, item):
        self.wire.append(json.dumps(item))


class AnnotatedDictWrapper(DictWrapper):
    async def send(self, item: dict[str, Any]) -> None:
        self.wire.append(json.dumps(item))


class NamedDictWrapper(DictWrapper):
    async def send(self, event):  # unannotated, but the name says it is the event dict
        self.wire.append(json.dumps(event))


class DumpingWrapper:
    def __init__(self):
        self.wire = []

    async def send(self, data):  # unannotated, ambiguous name, but the body dumps it
        self.wire.append(json.dumps(data))


class LoadingSocket:
    def __init__(self):
        self.wire = []

    async def send(self, data):  # a test double of a websocket: it parses JSON text
        self.wire.append(json.loads(data))


class NamedTextSocket:
    def __init__(self):
        self.wire = []

    async def send(self, message):  # websockets' own parameter name
        self.wire.append(message)


class ChatHelper:
    """``send_text`` posts a *user chat message*: sending an event through it is wrong."""

    def __init__(self):
        self.messages = []

    async def send_text(self, text: str) -> None:
        self.messages.append({"type": "conversation.item.create", "item": {
            "type": "message", "role": "user", "content": [{"type": "input_text", "text": text}]}})


class ModelEvents:
    """``send_event`` that takes a typed model, not a dict (openai-agents style)."""

    class Event:
        pass

    async def send_event(self, event: ModelEvents.Event) -> None:
        raise AssertionError("must not be called with a dict")


def test_unannotated_send_wrapper_is_refused_not_double_encoded(arun):
    async def scenario():
        gate = ResponseGate(require_session_update=False)
        wrapper = DictWrapper()
        with pytest.raises(NoSendPathError, match=r"send\(x\) with a none annotation"):
            await gate.trigger_response("tool_a", wrapper)
        assert wrapper.wire == []
        assert gate.stats().state.in_flight is False

    arun(scenario())


def test_send_annotated_dict_gets_the_event_dict_once_encoded(arun):
    async def scenario():
        gate = ResponseGate(require_session_update=False)
        wrapper = AnnotatedDictWrapper()
        assert describe_path(wrapper) == "send(dict)"
        assert await gate.trigger_response("tool_a", wrapper)
        decoded = json.loads(wrapper.wire[0])
        assert isinstance(decoded, dict) and decoded["type"] == "response.create"

    arun(scenario())


def test_unannotated_send_is_read_from_its_parameter_name(arun):
    async def scenario():
        gate = ResponseGate(require_session_update=False, min_interval_s=0)
        named, socket = NamedDictWrapper(), NamedTextSocket()
        assert (describe_path(named), describe_path(socket)) == ("send(dict)", "send")
        out = await gate.trigger_response("tool_a", named)
        gate.observe({"type": "response.done", "response": {"id": "r1", "metadata": {
            "respgate_event_id": out.event_id}}})
        await gate.trigger_response("tool_b", socket)
        assert json.loads(named.wire[0])["type"] == "response.create"  # encoded once
        assert json.loads(socket.wire[0])["type"] == "response.create"

    arun(scenario())


def test_unannotated_send_is_read_from_what_its_body_does_with_the_argument(arun):
    async def scenario():
        gate = ResponseGate(require_session_update=False, min_interval_s=0)
        dumping, loading = DumpingWrapper(), LoadingSocket()
        assert (describe_path(dumping), describe_path(loading)) == ("send(dict)", "send")
        first = await gate.trigger_response("tool_a", dumping)
        gate.observe({"type": "response.done", "response": {"id": "r1", "metadata": {
            "respgate_event_id": first.event_id}}})
        await gate.trigger_response("tool_b", loading)
        assert json.loads(dumping.wire[0])["type"] == "response.create"
        assert loading.wire[0]["type"] == "response.create"

    arun(scenario())


def test_send_text_chat_helper_is_refused(arun):
    async def scenario():
        gate = ResponseGate(require_session_update=False)
        helper = ChatHelper()
        with pytest.raises(NoSendPathError, match=r"send_text\(text\) without receive_text"):
            await gate.trigger_response("tool_a", helper)
        assert helper.messages == []  # the event never became a user message

    arun(scenario())


def test_send_event_taking_a_model_is_refused():
    with pytest.raises(NoSendPathError, match="send_event takes other"):
        resolve_path(ModelEvents())


def test_explicit_adapter_and_registered_class(arun):
    async def scenario():
        gate = ResponseGate(require_session_update=False, min_interval_s=0)
        helper = ChatHelper()
        raw: list[Any] = []
        out = await gate.trigger_response("tool_a", ClientAdapter(raw.append, text=True))
        assert out.sent and json.loads(raw[0])["event_id"] == out.event_id
        assert helper.messages == []

        class Pusher:
            def __init__(self):
                self.pushed = []

            def push(self, event):
                self.pushed.append(event)

        register_send_path(Pusher, "push", text=False)
        pusher = Pusher()
        assert describe_path(pusher) == "push"
        gate.observe({"type": "response.done", "response": {
            "id": "r1", "metadata": json.loads(raw[0])["response"]["metadata"]}})
        assert await gate.trigger_response("tool_b", pusher)
        assert pusher.pushed[0]["type"] == "response.create"

    arun(scenario())


def test_known_websocket_types_are_recognised_without_guessing():
    client = pytest.importorskip("websockets.asyncio.client")
    stand_in = client.ClientConnection.__new__(client.ClientConnection)  # no socket needed
    resolved = resolve_path(stand_in)
    assert resolved.name == "send" and "websockets" in resolved.evidence


@pytest.mark.slow  # imports the openai SDK (4-8 s)
def test_openai_sdk_connection_is_recognised():
    realtime = pytest.importorskip("openai.resources.realtime.realtime")
    conn = realtime.AsyncRealtimeConnection.__new__(realtime.AsyncRealtimeConnection)
    resolved = resolve_path(conn)
    assert resolved.name == "send(dict)" and "openai SDK" in resolved.evidence
