"""Out-of-band responses run beside the default conversation; merging never loses a payload."""

from __future__ import annotations

import asyncio

import pytest

from respgate_lint.runtime import (
    DEFER_TIMEOUT,
    RESPONSE_IN_FLIGHT,
    SEND_FAILED,
    SESSION_NOT_READY,
    USER_SPEAKING,
    ResponseGate,
)

OOB = {"conversation": "none", "output_modalities": ["text"],
       "instructions": "Classify the caller's intent in one word."}


def test_out_of_band_goes_alongside_a_held_tool_follow_up(arun, start_call, stats_add_up):
    async def scenario():
        call = await start_call(peer_kw={"response_duration_s": None})
        assert await call.trigger("answer")
        await call.wait_observed_active()
        follow_up = await call.trigger("tool_weather",
                                       response={"instructions": "Give the forecast."})
        assert follow_up.guard == RESPONSE_IN_FLIGHT
        side = await call.trigger("classify_intent", response=OOB)
        assert side.sent  # not held by the default response, not merged into the follow-up
        await call.peer.drain()
        oob = [r for r in call.peer.responses if r.out_of_band]
        assert [r.metadata["reason"] for r in oob] == ["classify_intent"]
        assert call.gate.stats().state.out_of_band_in_flight == 1
        call.peer.complete_response(call.peer.responses[0].id)  # the answer ends
        assert (await follow_up.wait(timeout=2)).status == "sent"
        await call.peer.drain()
        creates = {e["response"]["metadata"]["reason"]: e["response"] for e in call.peer.creates}
        assert creates["tool_weather"]["instructions"] == "Give the forecast."  # its own payload
        assert "conversation" not in creates["tool_weather"]
        assert creates["classify_intent"]["conversation"] == "none"
        assert call.peer.server_events_of("error") == []
        stats = call.gate.stats()
        stats_add_up(stats)
        assert stats.outcomes["coalesced"] == 0

    arun(scenario())


def test_a_default_trigger_does_not_wait_for_an_out_of_band_response(arun, start_call):
    async def scenario():
        call = await start_call(peer_kw={"response_duration_s": None})
        assert await call.trigger("summarise", response=OOB)
        await call.peer.drain()
        assert call.gate.stats().state.in_flight is False
        assert await call.trigger("answer")  # the default conversation is free
        await call.peer.drain()
        assert call.accepted_reasons() == ["summarise", "answer"]
        assert call.peer.server_events_of("error") == []

    arun(scenario())


def test_out_of_band_before_the_session_is_ready_is_held_but_never_merged(arun, start_call):
    async def scenario():
        call = await start_call(configure=False, peer_kw={"response_duration_s": None})
        greet = await call.trigger("greeting", response={"instructions": "Say hello."})
        side = await call.trigger("warmup_classifier", response=OOB)
        assert greet.guard == side.guard == SESSION_NOT_READY
        assert greet.event_id != side.event_id and not side.coalesced
        await call.configure()
        assert (await greet.wait(timeout=2)).status == "sent"
        assert (await side.wait(timeout=2)).status == "sent"
        await call.peer.drain()
        by_reason = {e["response"]["metadata"]["reason"]: e["response"]
                     for e in call.peer.creates}
        assert by_reason["greeting"]["instructions"] == "Say hello."
        assert by_reason["warmup_classifier"]["instructions"] == OOB["instructions"]
        assert call.peer.violations == []

    arun(scenario())


# ----------------------------------------------------------------- merging
def test_plain_triggers_join_a_held_payload_and_keep_it(arun, start_call, stats_add_up):
    async def scenario():
        call = await start_call(peer_kw={"response_duration_s": None})
        assert await call.trigger("answer")
        await call.wait_observed_active()
        first = await call.trigger("tool_crm", response={"instructions": "Read the record."})
        plain = await call.trigger("tool_calendar")
        assert plain.coalesced and plain.event_id == first.event_id
        call.peer.complete_response()
        await call.wait_creates(2)
        body = call.peer.creates[1]["response"]
        assert body["instructions"] == "Read the record."
        assert body["metadata"]["respgate_coalesced"] == "tool_calendar"
        stats_add_up(call.gate.stats())

    arun(scenario())


def test_different_payloads_stay_queued_and_each_is_spoken_in_order(
    arun, start_call, stats_add_up
):
    async def scenario():
        call = await start_call(defer_timeout_s=2, peer_kw={"response_duration_s": None})
        assert await call.trigger("answer")
        await call.wait_observed_active()
        weather = await call.trigger("tool_weather", response={"instructions": "Forecast."})
        booking = await call.trigger("tool_booking", response={"instructions": "Confirm."})
        assert weather.event_id != booking.event_id and not booking.coalesced
        assert [i["reasons"] for i in call.gate.stats().queue] == [["tool_weather"],
                                                                   ["tool_booking"]]
        for expected in (2, 3):
            call.peer.complete_response()
            await call.wait_creates(expected)
            await call.peer.drain()
        assert call.accepted_reasons() == ["answer", "tool_weather", "tool_booking"]
        bodies = [e["response"]["instructions"] for e in call.peer.creates[1:]]
        assert bodies == ["Forecast.", "Confirm."]
        assert call.peer.violations == []
        stats = call.gate.stats()
        stats_add_up(stats)
        assert stats.outcomes["sent"] == 3

    arun(scenario())


def test_metadata_is_united_when_the_rest_of_the_payload_matches(arun, start_call):
    async def scenario():
        call = await start_call(peer_kw={"response_duration_s": None})
        assert await call.trigger("answer")
        await call.wait_observed_active()
        await call.trigger("tool_a", response={"metadata": {"tool_call_id": "call_1"}})
        joined = await call.trigger("tool_b", response={"metadata": {"tool_call_id": "call_2",
                                                                     "turn": "4"}})
        assert joined.coalesced
        call.peer.complete_response()
        await call.wait_creates(2)
        meta = call.peer.creates[1]["response"]["metadata"]
        assert meta["tool_call_id"] == "call_1,call_2" and meta["turn"] == "4"

    arun(scenario())


def test_a_forced_create_absorbs_held_intents_without_losing_their_instructions(
    arun, start_call, stats_add_up
):
    async def scenario():
        call = await start_call(peer_kw={"turn_detection": None, "response_duration_s": None})
        call.peer.speech_started()
        await call.peer.drain()
        held = await call.trigger("tool_lookup", response={"instructions": "Read the result."})
        other = await call.trigger("tool_other", response={"instructions": "Something else."})
        assert held.guard == other.guard == USER_SPEAKING
        forced = await call.trigger("barge_in", force=True)
        assert forced.sent
        first = call.peer.creates[0]["response"]
        assert first["instructions"] == "Read the result."  # the absorbed payload is kept
        assert first["metadata"]["respgate_coalesced"] == "tool_lookup"
        assert [i["reasons"] for i in call.gate.stats().queue] == [["tool_other"]]
        assert (await held.wait(timeout=1)).status == "sent"
        stats_add_up(call.gate.stats())

    arun(scenario())


def test_a_refused_create_puts_the_intents_it_absorbed_back(arun, start_call, stats_add_up):
    async def scenario():
        call = await start_call(peer_kw={"turn_detection": None, "response_duration_s": None,
                                         "latency_s": 0.02})
        call.peer.speech_started()
        await call.peer.drain()
        held = await call.trigger("tool_lookup", response={"instructions": "Read it."})
        call.peer.start_server_response()  # reaches the gate 20 ms later
        forced = await call.trigger("barge_in", force=True)  # absorbs tool_lookup ...
        assert forced.sent
        await call.peer.drain()  # ... and is refused: the server's response is active
        stats = call.gate.stats()
        assert stats.rejected == 1
        assert [i["reasons"] for i in stats.queue] == [["tool_lookup"]]  # put back
        assert stats.requeued == 1
        assert held.settled is None  # not sent yet: it goes again
        stats_add_up(stats)
        call.peer.speech_stopped()
        call.peer.complete_response()
        await call.wait_creates(2)
        await call.peer.drain()
        assert call.peer.creates[1]["response"]["instructions"] == "Read it."
        assert call.accepted_reasons() == ["tool_lookup"]
        assert (await held.wait(timeout=1)).status == "sent"
        stats_add_up(call.gate.stats())

    arun(scenario())


class _Failing:
    def __init__(self):
        self.calls = 0

    async def send_event(self, event: dict) -> None:
        self.calls += 1
        raise ConnectionResetError("socket gone")


def test_a_failed_send_puts_the_absorbed_intents_back_and_counts_its_own(
    arun, start_call, stats_add_up
):
    async def scenario():
        call = await start_call(peer_kw={"turn_detection": None, "response_duration_s": None})
        call.peer.speech_started()
        await call.peer.drain()
        held = await call.trigger("tool_lookup", response={"instructions": "Read it."})
        with pytest.raises(ConnectionResetError):
            await call.gate.trigger_response("barge_in", _Failing(), force=True)
        stats = call.gate.stats()
        assert stats.dropped_by == {SEND_FAILED: 1} and stats.reasons["barge_in"] == {
            "dropped": 1}
        assert [i["reasons"] for i in stats.queue] == [["tool_lookup"]]
        assert stats.state.in_flight is False
        stats_add_up(stats)
        call.peer.speech_stopped()
        assert (await held.wait(timeout=2)).status == "sent"  # through its own client
        assert call.peer.creates[0]["response"]["instructions"] == "Read it."

    arun(scenario())


def test_an_absorbed_intent_past_its_deadline_is_dropped_not_put_back(
    arun, start_call, stats_add_up
):
    async def scenario():
        clock = [100.0]
        gate = ResponseGate(min_interval_s=0, defer_timeout_s=1.0, clock=lambda: clock[0],
                            require_session_update=False)
        gate.observe({"type": "input_audio_buffer.speech_started"})
        sink_events: list[dict] = []

        class Sink:
            def send_event(self, event: dict) -> None:
                sink_events.append(event)

        held = await gate.trigger_response("tool_lookup", Sink())
        clock[0] += 0.5
        forced = await gate.trigger_response("barge_in", Sink(), force=True)
        assert forced.sent and len(sink_events) == 1
        clock[0] += 1.0  # the server refuses the create after tool_lookup's deadline
        gate.observe({"type": "error", "error": {
            "code": "conversation_already_has_active_response", "event_id": forced.event_id}})
        stats = gate.stats()
        assert stats.dropped_by == {DEFER_TIMEOUT: 1} and stats.queue == []
        settled = await held.wait(timeout=1)
        assert (settled.status, settled.dropped_by) == ("dropped", DEFER_TIMEOUT)
        stats_add_up(stats)
        await asyncio.sleep(0)

    arun(scenario())


def test_an_out_of_band_send_does_not_postpone_the_held_heads_timer(arun):
    class Sink:
        def __init__(self):
            self.events = []

        def send_event(self, event: dict) -> None:
            self.events.append(event)

    async def scenario():
        gate = ResponseGate(min_interval_s=0.1, defer_timeout_s=5, require_session_update=False)
        sink = Sink()
        first = await gate.trigger_response("first", sink)
        gate.observe({"type": "response.done", "response": {"id": "r1", "metadata": {
            "respgate_event_id": first.event_id}}})
        spaced = await gate.trigger_response("second", sink)
        assert spaced.guard == "rapid_create"
        assert await gate.trigger_response("side_note", sink, response=OOB)  # at once
        assert await gate.wait_idle(timeout=0.01) is False  # re-arms the gate's timer
        settled = await spaced.wait(timeout=1)  # at its interval, not at defer_timeout_s
        assert settled.status == "sent"

    arun(scenario())
