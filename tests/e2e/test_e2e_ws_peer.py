"""The websocket fake Realtime peer, driven by a raw ``websockets`` client on loopback."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
import websockets

from respgate_lint.testing.ws_peer import CallPeer, PeerServer, ToolCall

Scenario = Callable[[CallPeer, PeerServer, Any], Awaitable[None]]


def run(scenario: Scenario, **peer_kwargs: Any) -> CallPeer:
    """Serve a fresh peer, connect one client, play ``scenario``; never hangs."""
    peer = CallPeer(**{"response_duration_s": None, **peer_kwargs})

    async def main() -> None:
        async with asyncio.timeout(5), PeerServer(peer) as server:
            async with websockets.connect(server.url) as ws:
                await scenario(peer, server, ws)

    asyncio.run(main())
    return peer


async def recv_until(ws: Any, kind: str) -> dict[str, Any]:
    """Read server events until one of ``kind`` arrives; return it."""
    while True:
        event = json.loads(await asyncio.wait_for(ws.recv(), 2))
        if event["type"] == kind:
            return event


async def send(ws: Any, event: dict[str, Any]) -> None:
    await ws.send(json.dumps(event))


async def configured(ws: Any) -> None:
    await recv_until(ws, "session.created")
    await send(ws, {"type": "session.update", "session": {"voice": "coral"}})
    await recv_until(ws, "session.updated")


def test_binds_only_loopback_on_a_free_port() -> None:
    async def scenario(peer: CallPeer, server: PeerServer, ws: Any) -> None:
        assert server.port != 0
        assert server.url == f"ws://127.0.0.1:{server.port}"
        hosts = {sock.getsockname()[0] for sock in server._server.sockets}
        assert hosts == {"127.0.0.1"}
        assert ws.remote_address[0] == "127.0.0.1"

    run(scenario)


def test_create_before_session_updated_is_recorded_as_default_settings() -> None:
    async def scenario(peer: CallPeer, server: PeerServer, ws: Any) -> None:
        created = await recv_until(ws, "session.created")
        assert created["session"]["audio"]["output"]["voice"] == "alloy"
        await send(ws, {"type": "response.create", "event_id": "evt_early"})
        started = await recv_until(ws, "response.created")
        assert started["response"]["id"].startswith("resp_")
        await send(ws, {"type": "session.update", "session": {"voice": "coral"}})
        updated = await recv_until(ws, "session.updated")
        assert updated["session"]["audio"]["output"]["voice"] == "coral"

    peer = run(scenario)
    assert peer.violation_kinds == ["default_settings"]
    assert peer.violations[0].event["event_id"] == "evt_early"


def test_second_create_gets_the_active_response_error_with_its_event_id() -> None:
    async def scenario(peer: CallPeer, server: PeerServer, ws: Any) -> None:
        await configured(ws)
        await send(ws, {"type": "response.create", "event_id": "evt_1",
                        "response": {"metadata": {"reason": "GREETING"}}})
        first = await recv_until(ws, "response.created")
        assert first["response"]["metadata"] == {"reason": "GREETING"}
        await send(ws, {"type": "response.create", "event_id": "evt_2"})
        error = (await recv_until(ws, "error"))["error"]
        assert error["code"] == "conversation_already_has_active_response"
        assert error["event_id"] == "evt_2"
        peer.complete_response()
        done = await recv_until(ws, "response.done")
        assert (done["response"]["id"], done["response"]["status"]) == (
            first["response"]["id"], "completed")
        await send(ws, {"type": "response.create", "event_id": "evt_3"})
        await recv_until(ws, "response.created")

    peer = run(scenario)
    assert peer.violation_kinds == ["double_create"]
    assert [e["event_id"] for e in peer.creates] == ["evt_1", "evt_2", "evt_3"]
    assert peer.accepted_create_indexes() == [1, 3]  # 0 is the session.update


def test_a_user_turn_carries_function_calls_and_their_outputs_are_recorded() -> None:
    calls = (ToolCall("check_availability", {"day": "tuesday"}, "call_a"),
             ToolCall("get_office_hours", {}, "call_b"))

    async def scenario(peer: CallPeer, server: PeerServer, ws: Any) -> None:
        await configured(ws)
        peer.speech_started()
        await recv_until(ws, "input_audio_buffer.speech_started")
        peer.speech_stopped(calls=calls)
        await recv_until(ws, "input_audio_buffer.speech_stopped")
        response = (await recv_until(ws, "response.created"))["response"]
        seen = [await recv_until(ws, "response.function_call_arguments.done") for _ in calls]
        assert [(e["name"], e["call_id"], json.loads(e["arguments"])) for e in seen] == [
            ("check_availability", "call_a", {"day": "tuesday"}),
            ("get_office_hours", "call_b", {})]
        assert {e["response_id"] for e in seen} == {response["id"]}
        await send(ws, {"type": "conversation.item.create", "item": {
            "type": "function_call_output", "call_id": "call_a", "output": "{}"}})
        item = (await recv_until(ws, "conversation.item.added"))["item"]
        assert item["call_id"] == "call_a"
        peer.complete_response()
        done = (await recv_until(ws, "response.done"))["response"]
        assert [o["call_id"] for o in done["output"]] == ["call_a", "call_b"]
        await send(ws, {"type": "response.create"})
        await recv_until(ws, "response.created")

    peer = run(scenario)
    assert peer.violations == []
    assert peer.responses[0].origin == "server"
    assert peer.function_outputs() == [(1, "call_a")]
    assert peer.accepted_create_indexes() == [2]


def test_create_while_the_caller_speaks_or_after_hangup_is_recorded() -> None:
    async def scenario(peer: CallPeer, server: PeerServer, ws: Any) -> None:
        await configured(ws)
        peer.speech_started()
        await send(ws, {"type": "response.create", "event_id": "evt_talk_over"})
        await recv_until(ws, "response.created")
        peer.complete_response()
        await recv_until(ws, "response.done")
        peer.hangup()
        await send(ws, {"type": "response.create", "event_id": "evt_to_nobody"})
        await recv_until(ws, "response.created")  # the server still serves it (and bills)

    peer = run(scenario)
    assert [(v.kind, v.event["event_id"]) for v in peer.violations] == [
        ("user_speaking", "evt_talk_over"), ("after_hangup", "evt_to_nobody")]
    assert peer.hangup_index == 2


@pytest.mark.parametrize("message", ["not json", "[1, 2]"])
def test_bad_message_gets_an_error_and_the_call_goes_on(message: str) -> None:
    async def scenario(peer: CallPeer, server: PeerServer, ws: Any) -> None:
        await recv_until(ws, "session.created")
        await ws.send(message)
        error = (await recv_until(ws, "error"))["error"]
        assert error["code"] == "invalid_json"
        await send(ws, {"type": "session.update", "session": {}})
        await recv_until(ws, "session.updated")
        assert server.bad_messages == [message]

    peer = run(scenario)
    assert [e["type"] for e in peer.client_events] == ["session.update"]


def test_a_second_connection_is_a_new_session_and_supersedes_the_first() -> None:
    async def scenario(peer: CallPeer, server: PeerServer, ws: Any) -> None:
        await configured(ws)
        await send(ws, {"type": "response.create", "event_id": "evt_first"})
        first = (await recv_until(ws, "response.created"))["response"]
        async with websockets.connect(server.url) as second:
            created = json.loads(await asyncio.wait_for(second.recv(), 2))
            assert created["type"] == "session.created"
            assert created["session"]["id"] == "sess_00002"
            assert created["session"]["audio"]["output"]["voice"] == "alloy"  # defaults again
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await asyncio.wait_for(ws.recv(), 2)
            assert closed.value.rcvd is not None and closed.value.rcvd.code == 1012
            # The first connection's response was abandoned: a new create is not refused.
            await send(second, {"type": "response.create", "event_id": "evt_second"})
            started = await recv_until(second, "response.created")
            assert started["response"]["id"] != first["id"]
        await asyncio.wait_for(server.disconnected.wait(), 2)
        assert peer.closed

    peer = run(scenario)
    assert peer.connections == 2
    assert [r.status for r in peer.responses] == ["abandoned", "abandoned"]
    assert peer.server_events_of("error") == []
    assert peer.violation_kinds == ["default_settings"]  # the 2nd session was not configured
