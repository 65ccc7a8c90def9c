"""Recovery: stuck responses and speech time out; a new connection releases per-connection state."""

from __future__ import annotations

import asyncio
import logging

from respgate_lint.runtime import (
    RESET,
    RESPONSE_IN_FLIGHT,
    SESSION_NOT_READY,
    USER_SPEAKING,
    ResponseGate,
)


def test_a_response_whose_done_never_comes_is_released_after_stuck_timeout(
    arun, start_call, stats_add_up, caplog
):
    async def scenario():
        gates = []

        def lossy(event):  # the response.done is lost on the way to the gate
            if event["type"] != "response.done":
                gates[0].observe(event)

        gates.append(ResponseGate(min_interval_s=0.05, defer_timeout_s=2, stuck_timeout_s=0.2))
        call = await start_call(gate=gates[0], listener=lossy,
                                peer_kw={"response_duration_s": None})
        assert await call.trigger("answer")
        await call.wait_observed_active()
        call.peer.complete_response()
        await call.peer.drain()
        held = await call.trigger("tool_follow_up")
        assert (held.status, held.guard) == ("deferred", RESPONSE_IN_FLIGHT)
        assert call.gate.stats().state.in_flight is True
        loop = asyncio.get_running_loop()
        started = loop.time()
        settled = await held.wait(timeout=2)  # released by the stuck timeout, then sent
        assert settled.status == "sent"
        assert loop.time() - started >= 0.1
        await call.peer.drain()
        assert call.accepted_reasons() == ["answer", "tool_follow_up"]
        assert call.peer.server_events_of("error") == []
        stats = call.gate.stats()
        assert stats.stuck == {"response": 1}
        stats_add_up(stats)

    with caplog.at_level(logging.WARNING, logger="respgate_lint.runtime"):
        arun(scenario())
    assert any("stuck_timeout_s" in r.getMessage() for r in caplog.records)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Sink:
    def __init__(self) -> None:
        self.events: list[dict] = []

    def send_event(self, event: dict) -> None:
        self.events.append(event)


def _created(rid: str, meta: dict | None = None) -> dict:
    return {"type": "response.created", "response": {"id": rid, "status": "in_progress",
                                                    "metadata": meta}}


def test_a_response_that_keeps_streaming_is_not_stuck(arun):
    async def scenario():
        clock = FakeClock()
        gate = ResponseGate(require_session_update=False, stuck_timeout_s=10,
                            defer_timeout_s=100, clock=clock)
        gate.observe(_created("resp_long"))  # a long server response
        for _ in range(3):  # 24 s of audio deltas, each within the stuck timeout
            clock.now += 8
            gate.observe({"type": "response.output_audio.delta", "response_id": "resp_long",
                          "delta": "AAAA"})
            assert gate.stats().state.in_flight is True
        clock.now += 8
        assert gate.stats().state.in_flight is True  # 8 s since the last delta
        clock.now += 3
        stats = gate.stats()
        assert stats.state.in_flight is False and stats.stuck == {"response": 1}

    arun(scenario())


def test_speech_started_without_its_end_is_released_after_stuck_timeout(
    arun, start_call, stats_add_up
):
    async def scenario():
        call = await start_call(stuck_timeout_s=0.2, peer_kw={"turn_detection": None})
        call.peer.speech_started()
        await call.peer.drain()
        held = await call.trigger("tool_result")
        assert held.guard == USER_SPEAKING
        assert (await held.wait(timeout=2)).status == "sent"
        stats = call.gate.stats()
        assert stats.stuck == {"speech": 1} and stats.state.user_speaking is False
        stats_add_up(stats)

    arun(scenario())


def test_input_audio_buffer_cleared_ends_the_speech(arun, start_call):
    async def scenario():
        call = await start_call(peer_kw={"turn_detection": None})
        call.peer.speech_started()
        await call.peer.drain()
        held = await call.trigger("tool_result")
        assert held.guard == USER_SPEAKING
        await call.client.send_event({"type": "input_audio_buffer.clear"})
        assert (await held.wait(timeout=2)).status == "sent"
        assert call.gate.stats().stuck == {}

    arun(scenario())


def test_reconnect_mid_response_releases_the_old_connection_state(
    arun, start_call, stats_add_up
):
    async def scenario():
        call = await start_call(peer_kw={"response_duration_s": None})
        call.peer.speech_started()
        call.peer.speech_stopped()  # a VAD response starts ...
        await call.wait_observed_active()
        held = await call.trigger("tool_follow_up")
        assert held.guard == RESPONSE_IN_FLIGHT
        await call.reconnect(configure=False)  # ... and the socket drops mid-response
        stats = call.gate.stats()
        assert stats.state.in_flight is False and stats.state.user_speaking is False
        assert stats.state.session_ready is False  # the new session needs its update
        assert call.reasons_sent() == []
        await call.configure()
        assert (await held.wait(timeout=2)).status == "sent"
        await call.peer.drain()
        assert call.accepted_reasons() == ["tool_follow_up"]
        assert call.peer.server_events_of("error") == []
        assert "default_settings" not in call.peer.violation_kinds
        stats = call.gate.stats()
        assert stats.reconnects == 1
        stats_add_up(stats)

    arun(scenario())


def test_on_reconnect_points_held_intents_at_the_new_client(arun, start_call):
    async def scenario():
        call = await start_call(peer_kw={"response_duration_s": None})
        assert await call.trigger("answer")
        await call.wait_observed_active()
        held = await call.trigger("tool_follow_up")
        old_client = call.client
        call.client = call.peer.client("send_json")
        call.gate.on_reconnect(call.client)  # the app knows first
        await call.reconnect()  # session.created of the new connection: no second reset
        assert call.gate.stats().reconnects == 1
        assert (await held.wait(timeout=2)).status == "sent"
        assert [len(old_client.sent), len(call.client.sent)] == [1, 1]

    arun(scenario())


def test_reset_drops_held_intents_and_forgets_the_connection(arun, start_call, stats_add_up):
    async def scenario():
        call = await start_call(peer_kw={"response_duration_s": None})
        assert await call.trigger("answer")
        await call.wait_observed_active()
        held = await call.trigger("tool_follow_up")
        call.gate.reset()
        settled = await held.wait(timeout=1)
        assert (settled.status, settled.dropped_by) == ("dropped", RESET)
        stats = call.gate.stats()
        assert stats.state.in_flight is False and stats.state.session_ready is False
        assert stats.dropped_by == {RESET: 1}
        stats_add_up(stats)
        again = await call.trigger("after_reset")
        assert again.guard == SESSION_NOT_READY

    arun(scenario())


def test_turn_detection_is_read_from_session_created_without_session_update(arun):
    """require_session_update=False: the default server VAD still answers turns itself."""

    async def scenario():
        gate = ResponseGate(require_session_update=False, vad_response_wait_s=5.0)
        sink = Sink()
        gate.observe({"type": "session.created", "session": {"type": "realtime", "audio": {
            "input": {"turn_detection": {"type": "server_vad", "create_response": True}}}}})
        gate.observe({"type": "input_audio_buffer.speech_started", "item_id": "i1"})
        held = await gate.trigger_response("tool_result", sink)
        assert held.guard == USER_SPEAKING
        gate.observe({"type": "input_audio_buffer.speech_stopped", "item_id": "i1"})
        for _ in range(5):  # several loop turns: nothing may go before the VAD response
            await asyncio.sleep(0)
        assert sink.events == []
        assert gate.stats().state.user_speaking is False
        gate.observe(_created("resp_vad"))
        gate.observe({"type": "response.done", "response": {"id": "resp_vad",
                                                            "status": "completed"}})
        assert (await held.wait(timeout=2)).status == "sent"
        assert len(sink.events) == 1

    arun(scenario())


def test_turn_detection_off_in_session_created_does_not_wait(arun):
    async def scenario():
        gate = ResponseGate(require_session_update=False, vad_response_wait_s=5.0)
        sink = Sink()
        gate.observe({"type": "session.created", "session": {"type": "realtime", "audio": {
            "input": {"turn_detection": None}}}})
        gate.observe({"type": "input_audio_buffer.speech_started", "item_id": "i1"})
        held = await gate.trigger_response("tool_result", sink)
        gate.observe({"type": "input_audio_buffer.speech_stopped", "item_id": "i1"})
        assert (await held.wait(timeout=2)).status == "sent"  # no VAD response to wait for

    arun(scenario())


def test_stats_read_as_attributes_and_as_dicts(arun):
    async def scenario():
        gate = ResponseGate(require_session_update=False)
        stats = gate.stats()
        assert stats.state.in_flight is stats["state"]["in_flight"] is False
        assert stats.outcomes == {"sent": 0, "blocked": 0, "dropped": 0, "coalesced": 0,
                                  "pending": 0}
        import json

        assert json.loads(json.dumps(stats))["state"]["in_flight"] is False

    arun(scenario())


def test_a_first_session_created_after_other_events_is_a_new_connection(arun):
    """The gate missed the first connection's session.created: the next one still resets."""

    async def scenario():
        gate = ResponseGate(require_session_update=False)
        gate.observe(_created("resp_old"))  # a response on a connection we joined late
        assert gate.stats().state.in_flight is True
        gate.observe({"type": "session.created", "session": {"type": "realtime"}})
        stats = gate.stats()
        assert stats.state.in_flight is False and stats.reconnects == 1

    arun(scenario())


def test_the_very_first_session_created_keeps_what_came_before_it(arun):
    async def scenario():
        gate = ResponseGate(require_session_update=False)
        sink = Sink()
        assert await gate.trigger_response("early_greeting", sink)  # before any event
        gate.observe({"type": "session.created", "session": {"type": "realtime"}})
        stats = gate.stats()
        assert stats.state.in_flight is True and stats.reconnects == 0  # still awaited

    arun(scenario())
