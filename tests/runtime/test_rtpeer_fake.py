"""The fake peer itself behaves like the Realtime server (else the scenarios prove nothing)."""

from __future__ import annotations

import asyncio
import json
import threading

import pytest

from respgate_lint.testing import ACTIVE_RESPONSE_CODE, PeerClosedError, RealtimePeer


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


def test_peer_accepts_events_from_other_threads(arun):
    async def scenario():
        peer = RealtimePeer(response_duration_s=None)
        peer.connect()
        client = peer.client("send_event", sync=True)
        t = threading.Thread(target=client.send_event,
                             args=({"type": "response.create", "event_id": "from_thread"},))
        t.start()
        t.join(2)
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
