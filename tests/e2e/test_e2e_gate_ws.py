"""The reference gate over a real loopback websocket against the fake Realtime server.

A minimal bridge (``WsBridge``) owns one ``websockets`` connection, feeds every
server event to ``gate.observe`` and triggers through the raw socket, the way
a phone bridge does; the server records what would break the protocol.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
import websockets

from respgate_lint.runtime import (
    RESPONSE_IN_FLIGHT,
    SEND_CANCELLED,
    ResponseGate,
)
from respgate_lint.testing.ws_peer import CallPeer, PeerServer, ToolCall
from tests.sdk_types import server_event_models


class WsBridge:
    """One call's Realtime side: a websocket, a receive loop, a gate."""

    def __init__(self, url: str, gate: ResponseGate, *, lose: str | None = None) -> None:
        self.url, self.gate, self.lose = url, gate, lose
        self.ws: Any = None
        self.events: list[dict[str, Any]] = []
        self._reader: asyncio.Task[None] | None = None

    async def connect(self) -> None:
        self.ws = await websockets.connect(self.url, open_timeout=5)
        self._reader = asyncio.create_task(self._read(self.ws))

    async def _read(self, ws: Any) -> None:
        try:
            async for message in ws:
                event = json.loads(message)
                self.events.append(event)
                if event["type"] != self.lose:  # a buggy filter may lose one event type
                    self.gate.observe(event)
        except websockets.ConnectionClosed:
            pass

    async def closed(self) -> None:
        assert self._reader is not None
        await asyncio.wait_for(self._reader, 2)

    async def configure(self) -> None:
        await self.ws.send(json.dumps({"type": "session.update", "session": {
            "type": "realtime", "audio": {"output": {"voice": "coral"}}}}))
        await until(lambda: self.gate.stats().state.session_ready)

    async def trigger(self, reason: str, **kw: Any) -> Any:
        return await self.gate.trigger_response(reason, self.ws, **kw)

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self._reader is not None:
            await asyncio.wait_for(self._reader, 2)


async def until(predicate: Callable[[], bool], timeout: float = 2.0) -> None:
    async def poll() -> None:
        while not predicate():
            await asyncio.sleep(0.002)

    await asyncio.wait_for(poll(), timeout)


Scenario = Callable[[CallPeer, PeerServer, WsBridge], Awaitable[None]]


def play(scenario: Scenario, *, gate_kw: dict[str, Any] | None = None,
         lose: str | None = None, **peer_kw: Any) -> CallPeer:
    """Serve a fresh peer, connect a bridge, play ``scenario``; never hangs."""
    peer = CallPeer(**{"response_duration_s": None, **peer_kw})

    async def main() -> None:
        gate = ResponseGate(**{"min_interval_s": 0.01, "defer_timeout_s": 2.0, **(gate_kw or {})})
        async with asyncio.timeout(10), PeerServer(peer) as server:
            bridge = WsBridge(server.url, gate, lose=lose)
            await bridge.connect()
            await bridge.configure()
            try:
                await scenario(peer, server, bridge)
            finally:
                await bridge.close()

    asyncio.run(main())
    return peer


async def running(peer: CallPeer, bridge: WsBridge, total: int = 1) -> None:
    """Until the server runs a response and the gate has seen ``total`` responses start."""
    await until(lambda: peer.active_response is not None)
    await until(lambda: bridge.gate.stats().responses.total >= total)


def accepted(peer: CallPeer) -> list[str]:
    return [peer.client_events[i]["response"]["metadata"]["reason"]
            for i in peer.accepted_create_indexes()]


@pytest.mark.parametrize("cancel_first", [False, True], ids=["wait", "cancel"])
def test_farewell_during_an_active_response_is_heard_without_a_server_error(
    cancel_first: bool,
) -> None:
    async def scenario(peer: CallPeer, server: PeerServer, bridge: WsBridge) -> None:
        peer.speech_started()
        peer.speech_stopped(calls=[ToolCall("end_call", {}, "call_end")])  # the model hangs up
        await running(peer, bridge)
        bridge.gate.set_pending_hangup()
        farewell = await bridge.trigger("farewell", force=True,
                                        response={"instructions": "Say goodbye."})
        assert (farewell.status, farewell.guard) == ("deferred", RESPONSE_IN_FLIGHT)
        if not cancel_first:
            peer.complete_response()  # the end_call response finishes normally
        assert (await farewell.wait(timeout=2)).status == "sent"
        await until(lambda: peer.active_response is not None)
        peer.complete_response()  # the farewell is spoken to the end
        await bridge.gate.aclose(timeout=2)
        assert bridge.gate.stats().outcomes["sent"] == 1

    peer = play(scenario, gate_kw={"force_cancels_active": cancel_first})
    assert accepted(peer) == ["farewell"]
    farewell = [r for r in peer.responses if r.origin == "client"]
    assert [r.status for r in farewell] == ["completed"]
    assert peer.server_events_of("error") == []
    assert peer.violations == []
    cancels = [e for e in peer.client_events if e["type"] == "response.cancel"]
    assert len(cancels) == (1 if cancel_first else 0)
    vad = peer.responses[0]
    assert vad.status == ("cancelled" if cancel_first else "completed")


def test_reconnect_mid_response_releases_the_gate_and_the_follow_up_goes_on_the_new_socket():
    async def scenario(peer: CallPeer, server: PeerServer, bridge: WsBridge) -> None:
        assert await bridge.trigger("answer")
        await running(peer, bridge)
        held = await bridge.trigger("tool_follow_up", response={"instructions": "Read it."})
        assert held.guard == RESPONSE_IN_FLIGHT
        await server.drop()  # the network drops mid-response: no response.done ever
        await bridge.closed()
        assert bridge.gate.stats().state.in_flight is True  # the gate cannot know yet
        await bridge.connect()  # the bridge reconnects ...
        bridge.gate.on_reconnect(bridge.ws)  # ... and points held creates at the new socket
        await until(lambda: server.connections == 2)
        assert bridge.gate.stats().state.in_flight is False
        await bridge.configure()
        assert (await held.wait(timeout=2)).status == "sent"
        await until(lambda: len(peer.accepted_create_indexes()) == 2)
        assert [r.status for r in peer.responses] == ["abandoned", "in_progress"]
        assert [r.connection for r in peer.responses] == [1, 2]

    peer = play(scenario)
    assert accepted(peer) == ["answer", "tool_follow_up"]
    assert peer.server_events_of("error") == []
    assert peer.violations == []


class ReconnectingClient:
    """An app wrapper that survives reconnects: the gate keeps sending through it."""

    def __init__(self) -> None:
        self.ws: Any = None

    async def send_event(self, event: dict[str, Any]) -> None:
        await self.ws.send(json.dumps(event))


def test_a_new_session_created_alone_releases_the_gate_after_a_reconnect():
    async def scenario(peer: CallPeer, server: PeerServer, bridge: WsBridge) -> None:
        client = ReconnectingClient()
        client.ws = bridge.ws
        assert await bridge.gate.trigger_response("answer", client)
        await running(peer, bridge)
        held = await bridge.gate.trigger_response("tool_follow_up", client)
        await server.drop()
        await bridge.closed()
        await bridge.connect()
        client.ws = bridge.ws  # the app swaps its socket; it never tells the gate
        await until(lambda: bridge.gate.stats().reconnects == 1)  # session.created did
        await bridge.configure()
        assert (await held.wait(timeout=2)).status == "sent"
        await until(lambda: len(peer.accepted_create_indexes()) == 2)

    peer = play(scenario)
    assert accepted(peer) == ["answer", "tool_follow_up"]
    assert peer.server_events_of("error") == [] and peer.violations == []


def test_out_of_band_alongside_a_tool_follow_up():
    async def scenario(peer: CallPeer, server: PeerServer, bridge: WsBridge) -> None:
        assert await bridge.trigger("answer")
        await running(peer, bridge)
        follow_up = await bridge.trigger("tool_hours", response={"instructions": "Hours."})
        side = await bridge.trigger("classify", response={
            "conversation": "none", "output_modalities": ["text"],
            "instructions": "One word: the caller's intent."})
        assert follow_up.guard == RESPONSE_IN_FLIGHT and side.sent
        await until(lambda: bridge.gate.stats().state.out_of_band_in_flight == 1)
        peer.complete_response(peer.responses[0].id)
        assert (await follow_up.wait(timeout=2)).status == "sent"
        await until(lambda: len(peer.accepted_create_indexes()) == 3)

    peer = play(scenario)
    assert accepted(peer) == ["answer", "classify", "tool_hours"]
    bodies = {e["response"]["metadata"]["reason"]: e["response"] for e in peer.creates}
    assert bodies["tool_hours"]["instructions"] == "Hours."
    assert bodies["classify"]["conversation"] == "none"
    assert [r.out_of_band for r in peer.responses] == [False, True, False]
    assert peer.server_events_of("error") == [] and peer.violations == []


class GatedSocket:
    """Wraps the websocket; its send waits until the test lets it through."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.entered = asyncio.Event()
        self.release = asyncio.Event()

    async def send_event(self, event: dict[str, Any]) -> None:
        self.entered.set()
        await self.release.wait()
        await self.ws.send(json.dumps(event))


def test_a_cancelled_send_leaves_no_phantom_in_flight():
    async def scenario(peer: CallPeer, server: PeerServer, bridge: WsBridge) -> None:
        slow = GatedSocket(bridge.ws)
        task = asyncio.create_task(bridge.gate.trigger_response("tool_slow", slow))
        await slow.entered.wait()
        task.cancel()  # e.g. the caller hung up and the app cancelled the handler task
        with pytest.raises(asyncio.CancelledError):
            await task
        stats = bridge.gate.stats()
        assert stats.state.in_flight is False and stats.dropped_by == {SEND_CANCELLED: 1}
        assert await bridge.trigger("tool_next")  # not held by a create that never left
        await until(lambda: len(peer.accepted_create_indexes()) == 1)

    peer = play(scenario)
    assert accepted(peer) == ["tool_next"]
    assert peer.server_events_of("error") == []


def test_a_response_whose_done_is_lost_is_released_by_the_stuck_timeout():
    async def scenario(peer: CallPeer, server: PeerServer, bridge: WsBridge) -> None:
        assert await bridge.trigger("answer")
        await running(peer, bridge)
        peer.complete_response()  # response.done is sent, but the app's filter loses it
        held = await bridge.trigger("tool_follow_up")
        assert held.guard == RESPONSE_IN_FLIGHT
        assert (await held.wait(timeout=2)).status == "sent"
        assert bridge.gate.stats().stuck == {"response": 1}
        await until(lambda: len(peer.accepted_create_indexes()) == 2)

    peer = play(scenario, gate_kw={"stuck_timeout_s": 0.2}, lose="response.done")
    assert accepted(peer) == ["answer", "tool_follow_up"]
    assert peer.server_events_of("error") == []


def test_done_then_speech_in_one_burst_never_talks_over_the_caller():
    async def scenario(peer: CallPeer, server: PeerServer, bridge: WsBridge) -> None:
        assert await bridge.trigger("answer")
        await running(peer, bridge)
        held = await bridge.trigger("tool_result")
        peer.complete_response()  # written back to back on the socket
        peer.speech_started()
        await until(lambda: bridge.gate.stats().state.user_speaking)
        await asyncio.sleep(0.05)  # let every pending task run: nothing may go now
        assert held.settled is None
        peer.speech_stopped()  # server VAD answers the caller; the tool waits for that too
        await until(lambda: peer.active_response is not None)
        peer.complete_response()
        assert (await held.wait(timeout=2)).status == "sent"

    peer = play(scenario, turn_detection={"type": "server_vad", "create_response": True,
                                          "interrupt_response": False})
    assert peer.violations == []  # no user_speaking, no double_create
    assert peer.server_events_of("error") == []


@pytest.mark.slow
def test_every_event_on_the_wire_matches_the_openai_sdk_types():
    models = server_event_models()
    realtime = pytest.importorskip("openai.types.realtime")
    received: list[dict[str, Any]] = []

    async def scenario(peer: CallPeer, server: PeerServer, bridge: WsBridge) -> None:
        peer.speech_started()
        peer.speech_stopped(calls=[ToolCall("get_hours", {}, "call_1")])
        await running(peer, bridge)
        await bridge.ws.send(json.dumps({"type": "conversation.item.create", "item": {
            "type": "function_call_output", "call_id": "call_1", "output": "{}"}}))
        held = await bridge.trigger("tool_get_hours")
        peer.complete_response()
        assert (await held.wait(timeout=2)).status == "sent"
        await until(lambda: peer.active_response is not None)
        peer.complete_response()
        await until(lambda: not bridge.gate.stats().state.in_flight)
        received.extend(bridge.events)

    peer = play(scenario)
    assert len(received) > 10
    for event in received:
        models[event["type"]].model_validate(event)
    assert peer.creates
    for create in peer.creates:  # what the gate sent is a valid client event too
        realtime.ResponseCreateEvent.model_validate(create)


@pytest.mark.slow
def test_the_gate_sends_through_the_openai_sdk_connection():
    sdk = pytest.importorskip("openai.resources.realtime.realtime")

    async def main() -> CallPeer:
        peer = CallPeer(response_duration_s=None)
        async with asyncio.timeout(10), PeerServer(peer) as server:
            conn = sdk.AsyncRealtimeConnection(await websockets.connect(server.url))
            gate = ResponseGate(min_interval_s=0)

            async def read() -> None:
                async for event in conn:  # SDK models: observe() takes them as they are
                    gate.observe(event)

            reader = asyncio.create_task(read())
            await conn.session.update(session={"type": "realtime",
                                               "audio": {"output": {"voice": "marin"}}})
            await until(lambda: gate.stats().state.session_ready)
            assert await gate.trigger_response("sdk_tool", conn,
                                               response={"instructions": "Hello."})
            await until(lambda: gate.stats().state.in_flight and peer.active_response)
            peer.complete_response()
            await until(lambda: not gate.stats().state.in_flight)
            await conn.close()
            await asyncio.wait_for(reader, 2)
        return peer

    peer = asyncio.run(main())
    assert accepted(peer) == ["sdk_tool"]
    assert peer.violations == [] and peer.server_events_of("error") == []
