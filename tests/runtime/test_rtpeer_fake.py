"""The fake peer itself behaves like the Realtime server (else the scenarios prove nothing)."""

from __future__ import annotations

import asyncio
import json
import threading

import pytest

from respgate_lint.testing import ACTIVE_RESPONSE_CODE, PeerClosedError, RealtimePeer
from tests.sdk_types import server_event_models


def test_peer_protocol_basics(arun):
    async def scenario():
        peer = RealtimePeer(response_duration_s=None)
        events = peer.queue()
        peer.connect()
        client = peer.client("send_event")
        await client.send_event({"type": "response.create", "event_id": "e1"})
        await client.send_event({"type": "session.update", "session": {"voice": "verse"}})
        await client.send_event({"type": "response.create", "event_id": "e2"})
        await client.send_event({"type": "response.create", "event_id": "e3",
                                 "response": {"conversation": "none"}})  # out of band: fine
        await peer.drain()
        kinds = []
        while not events.empty():
            kinds.append((await events.get())["type"])
        assert kinds == ["session.created", "response.created", "session.updated",
                         "error", "response.created"]
        [error] = peer.server_events_of("error")
        assert error["error"]["code"] == ACTIVE_RESPONSE_CODE
        assert error["error"]["event_id"] == "e2"
        assert peer.violation_kinds == ["default_settings", "double_create"]
        assert peer.voice == "verse"
        first = peer.complete_response()
        assert first.status == "completed" and first.event_id == "e1"
        done = peer.server_events_of("response.done")[-1]["response"]
        usage = {k: done["usage"][k] for k in ("total_tokens", "input_tokens", "output_tokens")}
        assert usage == {"total_tokens": 120, "input_tokens": 100, "output_tokens": 20}

    arun(scenario())


def test_peer_timed_completion_vad_and_interrupt(arun):
    async def scenario():
        peer = RealtimePeer(response_duration_s=0.01)
        peer.connect()
        vad = peer.speech_stopped()
        assert vad is not None and vad.origin == "server"
        await peer.wait_for(lambda: vad.status == "completed")
        slow = RealtimePeer(response_duration_s=None)
        slow.connect()
        record = slow.start_server_response()
        slow.speech_started()  # server VAD interrupts the active response
        assert record.status == "cancelled" and slow.active_response is None

    arun(scenario())


def test_peer_records_after_close_and_clients_raise(arun):
    async def scenario():
        peer = RealtimePeer()
        peer.connect()
        ws = peer.client("send")
        peer.close()
        with pytest.raises(PeerClosedError):
            await ws.send(json.dumps({"type": "response.create"}))
        assert peer.violation_kinds == ["after_close"]
        assert peer.responses == []

    arun(scenario())


def test_peer_accepts_events_from_other_threads(arun, join_threads):
    async def scenario():
        peer = RealtimePeer(response_duration_s=None)
        peer.connect()
        client = peer.client("send_event", sync=True)
        t = threading.Thread(target=client.send_event,
                             args=({"type": "response.create", "event_id": "from_thread"},))
        t.start()
        join_threads([t], 2)
        await peer.wait_for(lambda: peer.responses)
        assert peer.responses[0].event_id == "from_thread"

    arun(scenario())


def test_peer_core_is_transport_free(arun):
    """A websocket server only needs receive_text() and a listener that serialises."""

    async def scenario():
        peer = RealtimePeer(response_duration_s=0.0, latency_s=0.002)
        wire = []
        peer.connect(lambda event: wire.append(json.dumps(event)))
        peer.receive_text('{"type": "session.update", "session": {}}')
        peer.receive_text('{"type": "response.create"}')
        await peer.drain()
        assert [json.loads(m)["type"] for m in wire] == [
            "session.created", "session.updated", "response.created", "response.done"]
        await asyncio.sleep(0)

    arun(scenario())


# ------------------------------------------------------- GA shapes, order, reconnect
def _scripted_call_events() -> list[dict]:
    """Every server event of a call that exercises each handler of the peer."""

    async def scenario() -> list[dict]:
        peer = RealtimePeer(response_duration_s=None)
        seen: list[dict] = []
        peer.connect(seen.append)
        client = peer.client("sdk")
        await client.send({"type": "session.update", "session": {
            "voice": "coral", "input_audio_format": "g711_ulaw", "output_audio_format": "g711_ulaw",
            "turn_detection": {"type": "server_vad", "create_response": True}}})
        await client.send({"type": "session.update", "session": {
            "type": "realtime", "audio": {"output": {"voice": "marin"}}}})
        await client.response.create(event_id="e1", response={"metadata": {"reason": "a"}})
        await client.response.create(event_id="e2")  # refused: one is active
        peer.stream()
        await client.response.cancel()
        await client.response.create(event_id="e3", response={"conversation": "none"})
        await client.send({"type": "conversation.item.create", "item": {
            "type": "function_call_output", "call_id": "c1", "output": "{}"}})
        peer.speech_started()
        peer.speech_stopped()
        peer.speech_started()  # interrupts the VAD response
        await client.send({"type": "input_audio_buffer.clear"})
        peer.complete_response(peer.responses[1].id, status="incomplete")
        await client.send({"type": "response.create", "response": {"tools": None}})  # null
        peer.connect()  # reconnect: a new session
        await peer.drain()
        return seen

    return asyncio.run(asyncio.wait_for(scenario(), 5))


@pytest.mark.slow
def test_peer_server_events_match_the_openai_sdk_types():
    models = server_event_models()
    realtime = pytest.importorskip("openai.types.realtime")
    events = _scripted_call_events()
    kinds = {e["type"] for e in events}
    assert {"session.created", "session.updated", "response.created", "response.done",
            "error", "input_audio_buffer.speech_started", "input_audio_buffer.cleared",
            "conversation.item.added", "response.output_audio.delta"} <= kinds
    for event in events:
        models[event["type"]].model_validate(event)  # raises on a beta or malformed shape
    session = realtime.SessionCreatedEvent.model_validate(events[0]).session
    assert session.type == "realtime"
    assert session.audio.input.turn_detection.type == "server_vad"


def test_response_done_carries_status_details_for_every_ending():
    events = _scripted_call_events()
    done = {e["response"]["id"]: e["response"] for e in events if e["type"] == "response.done"}
    details = sorted((r["status"], str(r["status_details"])) for r in done.values())
    assert ("cancelled", str({"type": "cancelled", "reason": "client_cancelled"})) in details
    assert ("cancelled", str({"type": "cancelled", "reason": "turn_detected"})) in details
    assert ("incomplete", str({"type": "incomplete", "reason": "max_output_tokens"})) in details
    created = [e["response"] for e in events if e["type"] == "response.created"]
    assert all(r["status_details"] is None and r["status"] == "in_progress" for r in created)
    oob = [r for r in created if r["conversation_id"] is None]
    assert len(oob) == 1 and oob[0]["metadata"] is None


def test_peer_refuses_explicit_nulls_and_bad_metadata(arun):
    async def scenario():
        peer = RealtimePeer(response_duration_s=None)
        peer.connect()
        client = peer.client("send_event")
        await client.send_event({"type": "response.create", "event_id": "n1",
                                 "response": {"instructions": None}})
        await client.send_event({"type": "response.create", "event_id": "m1",
                                 "response": {"metadata": {"turn": 3}}})
        await peer.drain()
        errors = [e["error"] for e in peer.server_events_of("error")]
        assert [(e["event_id"], e["param"]) for e in errors] == [
            ("n1", "response.instructions"), ("m1", "response.metadata")]
        assert peer.violation_kinds == ["explicit_null", "bad_metadata"]
        assert peer.responses == []

    arun(scenario())


def test_async_listeners_run_one_after_the_other_in_event_order(arun):
    async def scenario():
        peer = RealtimePeer(response_duration_s=0.0)
        order: list[str] = []

        async def slow_listener(event):
            order.append("start " + event["type"])
            await asyncio.sleep(0.002 if event["type"] == "session.created" else 0)
            order.append("end " + event["type"])

        peer.connect(slow_listener)
        peer.receive({"type": "session.update", "session": {}})
        await peer.drain()
        kinds = [e["type"] for e in peer.server_events]
        assert order == [f"{edge} {k}" for k in kinds for edge in ("start", "end")]

    arun(scenario())


def test_in_process_reconnect_is_a_new_session_and_abandons_the_response(arun):
    async def scenario():
        peer = RealtimePeer(response_duration_s=None)
        seen: list[dict] = []
        peer.connect(seen.append)
        peer.receive({"type": "session.update", "session": {"voice": "verse"}})
        record = peer.start_server_response()
        peer.connect()  # same listener, new connection
        await peer.drain()
        assert record.status == "abandoned"
        assert [e["type"] for e in seen].count("session.created") == 2
        assert seen[-1]["session"]["id"] == "sess_00002" and peer.voice == "alloy"
        assert peer.session_updated is False and peer.active_response is None
        assert "response.done" not in [e["type"] for e in seen]

    arun(scenario())
