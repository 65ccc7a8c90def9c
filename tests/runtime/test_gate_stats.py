"""Telemetry and guard details: stats add up, usage sums, logs carry reason/guard."""

from __future__ import annotations

import asyncio
import json
import logging
import random

from respgate_lint.runtime import (
    GUARDS,
    RESPONSE_IN_FLIGHT,
    USER_SPEAKING,
    Outcome,
    ResponseGate,
)


def test_outcome_truthiness_and_fields():
    assert Outcome("sent", "r")
    assert not Outcome("deferred", "r", RESPONSE_IN_FLIGHT)
    assert not Outcome("blocked", "r", "closing")
    assert set(GUARDS) == {"session_not_ready", "closing", "pending_hangup", "budget",
                           "user_speaking", "response_in_flight", "rapid_create"}


def test_stats_add_up_through_a_random_call(arun, start_call, stats_add_up):
    """Random triggers, server turns, hangups: the invariant holds at every step."""

    async def scenario():
        rng = random.Random(7)
        call = await start_call(configure=False, max_responses=12, defer_timeout_s=0.05,
                                min_interval_s=0.01,
                                peer_kw={"response_duration_s": 0.004, "latency_s": 0.001})
        for step in range(120):
            roll = rng.random()
            if step == 10:
                await call.configure()
            elif roll < 0.6:
                await call.trigger(f"r{rng.randrange(6)}", force=rng.random() < 0.1)
            elif roll < 0.7:
                call.peer.speech_started()
            elif roll < 0.8:
                call.peer.speech_stopped()
            elif step == 100:
                call.gate.set_pending_hangup()
            await asyncio.sleep(rng.choice([0, 0.001, 0.005]))
            stats_add_up(call.gate.stats())
        await asyncio.sleep(0.1)
        await call.peer.drain()
        stats = call.gate.stats()
        stats_add_up(stats)
        assert stats["triggers"] > 50
        # Each sent intent produced one create on the wire; only a farewell the server
        # refused is sent once more (so at most one extra create per refusal).
        sent = stats["outcomes"]["sent"]
        assert sent <= len(call.peer.creates) <= sent + stats["rejected"]
        # The budget counts server turns too: once 12 responses exist the gate sends
        # no more (allowing one VAD response whose created was still in transit).
        late = [r for i, r in enumerate(call.peer.responses) if i >= 12 and r.origin == "client"]
        assert len(late) <= 1
        assert "default_settings" not in call.peer.violation_kinds
        call.gate.close()

    arun(scenario())


def test_usage_and_responses_include_server_started_ones(arun, start_call):
    async def scenario():
        call = await start_call(peer_kw={"response_duration_s": 0.0, "usage": (30, 12)})
        call.peer.start_server_response()
        await call.peer.drain()
        assert await call.trigger("tool_x")
        await call.peer.drain()
        stats = call.gate.stats()
        assert stats["responses"]["total"] == 2
        assert stats["responses"]["by_reason"] == {"server": 1, "tool_x": 1}
        assert stats["responses"]["by_status"] == {"completed": 2}
        assert stats["usage"] == {"input_tokens": 60, "output_tokens": 24, "total_tokens": 84}
        assert stats["usage_by_reason"]["tool_x"]["output_tokens"] == 12

    arun(scenario())


def test_force_bypasses_speaking_but_not_closing(arun, start_call):
    async def scenario():
        call = await start_call(peer_kw={"turn_detection": None})
        call.peer.speech_started()
        await call.peer.drain()
        assert (await call.trigger("normal")).guard == USER_SPEAKING
        forced = await call.trigger("barge_in", force=True)
        assert forced.sent  # and it absorbs the held intent
        stats = call.gate.stats()
        assert stats["held"] is None
        assert stats["reasons"]["normal"] == {"coalesced": 1}
        meta = call.peer.creates[0]["response"]["metadata"]
        assert meta["respgate_coalesced"] == "normal"
        call.gate.close()
        assert (await call.trigger("after", force=True)).guard == "closing"

    arun(scenario())


def test_observe_accepts_json_text_and_models_and_ignores_junk(arun):
    class Model:
        def __init__(self, data):
            self._data = data

        def model_dump(self):
            return self._data

    async def scenario():
        gate = ResponseGate()
        gate.observe("not json")
        gate.observe(42)
        gate.observe(json.dumps({"type": "session.updated", "session": {}}))
        assert gate.stats()["state"]["session_ready"]
        gate.observe(Model({"type": "input_audio_buffer.speech_started"}))
        assert gate.stats()["state"]["user_speaking"]

    arun(scenario())


def test_logs_carry_reason_guard_and_intervals(arun, caplog):
    class Sink:
        def __init__(self):
            self.events = []

        def send_event(self, event):
            self.events.append(event)

    async def scenario():
        gate = ResponseGate(require_session_update=False, min_interval_s=10, call_id="CA9")
        sink = Sink()
        await gate.trigger_response("first", sink)
        echoed = {"id": "resp_1", "metadata": sink.events[0]["response"]["metadata"]}
        gate.observe({"type": "response.created", "response": echoed})
        gate.observe({"type": "response.done", "response": {**echoed, "status": "completed"}})
        await gate.trigger_response("second", sink)
        gate.close()
        await gate.trigger_response("third", Sink())

    with caplog.at_level(logging.DEBUG, logger="respgate_lint.runtime"):
        arun(scenario())
    by_reason = {}
    for record in caplog.records:
        if hasattr(record, "outcome"):
            by_reason.setdefault(record.reason, record)  # the decision, not a later drop
    assert by_reason["first"].outcome == "sent" and by_reason["first"].guard is None
    second = by_reason["second"]
    assert (second.outcome, second.guard) == ("deferred", "rapid_create")
    assert second.min_interval_s == 10 and 0 <= second.since_last_create_s < 10
    assert second.call_id == "CA9"
    assert by_reason["third"].levelno == logging.INFO and by_reason["third"].guard == "closing"
    drop = [r for r in caplog.records if getattr(r, "dropped_by", None) == "closing"]
    assert len(drop) == 1 and drop[0].reason == "second" and drop[0].levelno == logging.WARNING


def test_flushed_send_on_a_dead_socket_is_logged_not_raised(arun, start_call, caplog):
    async def scenario():
        call = await start_call(client_kind="send", peer_kw={"response_duration_s": None})
        assert await call.trigger("answer")
        await call.wait_observed_active()
        await call.trigger("tool_held")
        call.peer.complete_response()
        call.peer.close()  # socket dies; the app never told the gate
        await call.peer.drain()
        await call.peer.wait_for(lambda: call.gate.stats()["dropped_by"])  # after rapid_create
        stats = call.gate.stats()
        assert stats["dropped_by"] == {"send_failed": 1}
        assert call.peer.violation_kinds == ["after_close"]  # it did try the dead socket
        assert stats["state"]["in_flight"] is False

    with caplog.at_level(logging.ERROR, logger="respgate_lint.runtime"):
        arun(scenario())
    failed = [r for r in caplog.records if r.exc_info]
    assert [(r.reason, r.dropped_by) for r in failed] == [("tool_held", "send_failed")]
    assert "the call is closed" in str(failed[0].exc_info[1])


def test_constructor_validates_arguments():
    import pytest

    with pytest.raises(ValueError):
        ResponseGate(min_interval_s=-1)
    with pytest.raises(ValueError):
        ResponseGate(defer_timeout_s=0)
    with pytest.raises(ValueError):
        ResponseGate(max_responses=-1)


def test_farewell_held_by_session_guard_is_still_sent(arun, start_call, stats_add_up):
    async def scenario():
        call = await start_call(configure=False)
        call.gate.set_pending_hangup()
        farewell = await call.trigger("farewell", force=True)
        assert (farewell.status, farewell.guard) == ("deferred", "session_not_ready")
        assert (await call.trigger("other", force=True)).guard == "pending_hangup"
        call.gate.mark_session_ready()
        await call.wait_creates(1)
        assert call.reasons_sent() == ["farewell"]
        stats_add_up(call.gate.stats())

    arun(scenario())
