"""Acceptance scenarios: the gate against a fake Realtime peer that behaves like the server."""

from __future__ import annotations

import asyncio

from respgate_lint.runtime import (
    BUDGET,
    CLOSING,
    PENDING_HANGUP,
    RAPID_CREATE,
    RESPONSE_IN_FLIGHT,
    SESSION_NOT_READY,
    USER_SPEAKING,
    ResponseGate,
)


def test_concurrent_triggers_in_one_tick_send_once(arun, start_call, stats_add_up):
    async def scenario():
        call = await start_call(peer_kw={"response_duration_s": None})
        outcomes = await asyncio.gather(*(call.trigger(f"tool_{i}") for i in range(10)))
        assert [o.status for o in outcomes].count("sent") == 1
        assert sum(bool(o) for o in outcomes) == 1
        deferred = [o for o in outcomes if o.status == "deferred"]
        assert len(deferred) == 9
        assert {o.guard for o in deferred} == {RESPONSE_IN_FLIGHT}
        assert len({o.event_id for o in deferred}) == 1  # one held intent
        await call.peer.drain()
        assert len(call.peer.creates) == 1
        # The held intent goes once, after the first response is done.
        call.peer.complete_response()
        await call.wait_creates(2)
        call.peer.complete_response()
        await call.peer.drain()
        await asyncio.sleep(0.06)
        assert len(call.peer.creates) == 2
        assert call.peer.violations == []
        stats = call.gate.stats()
        stats_add_up(stats)
        assert stats["outcomes"] == {"sent": 2, "blocked": 0, "dropped": 0,
                                     "coalesced": 8, "pending": 0}

    arun(scenario())


def test_trigger_before_session_updated_is_sent_once_after_it(arun, start_call, stats_add_up):
    async def scenario():
        call = await start_call(configure=False)
        first = await call.trigger("greeting", is_greeting=True)
        forced = await call.trigger("urgent", force=True)  # force does not skip this guard
        assert (first.status, first.guard) == ("deferred", SESSION_NOT_READY)
        assert (forced.status, forced.guard) == ("deferred", SESSION_NOT_READY)
        await asyncio.sleep(0.06)
        assert call.peer.creates == []
        await call.configure()
        await call.wait_creates(1)
        await call.peer.drain()
        await asyncio.sleep(0.1)
        assert len(call.peer.creates) == 1
        create = call.peer.creates[0]
        assert create["event_id"] == first.event_id
        assert create["response"]["metadata"]["respgate_greeting"] == "true"
        assert "default_settings" not in call.peer.violation_kinds
        assert call.peer.violations == []
        stats_add_up(call.gate.stats())

    arun(scenario())


def test_three_tool_results_during_a_response_make_one_create_after_done(
    arun, start_call, stats_add_up
):
    async def scenario():
        call = await start_call(peer_kw={"response_duration_s": None})
        assert await call.trigger("answer")
        await call.wait_observed_active()
        for name in ("tool_weather", "tool_calendar", "tool_crm"):
            outcome = await call.trigger(name)
            assert (outcome.status, outcome.guard) == ("deferred", RESPONSE_IN_FLIGHT)
            await asyncio.sleep(0.015)  # three results within 50 ms
        assert len(call.peer.creates) == 1
        call.peer.complete_response()
        await call.wait_creates(2)
        second = call.peer.creates[1]["response"]["metadata"]
        assert second["reason"] == "tool_weather"
        assert second["respgate_coalesced"] == "tool_calendar,tool_crm"
        call.peer.complete_response()
        await asyncio.sleep(0.1)
        assert len(call.peer.creates) == 2
        assert call.peer.violations == []
        stats = call.gate.stats()
        stats_add_up(stats)
        assert stats["reasons"]["tool_crm"] == {"coalesced": 1}
        assert stats["reasons"]["tool_weather"] == {"sent": 1}

    arun(scenario())


def test_trigger_while_user_speaks_is_sent_after_speech_stopped(arun, start_call):
    async def scenario():
        call = await start_call(peer_kw={"turn_detection": None})  # client-driven turns
        call.peer.speech_started()
        await call.peer.drain()
        outcome = await call.trigger("tool_lookup")
        assert (outcome.status, outcome.guard) == ("deferred", USER_SPEAKING)
        await asyncio.sleep(0.06)
        assert call.peer.creates == []
        call.peer.speech_stopped()
        await call.wait_creates(1)
        assert call.peer.creates[0]["event_id"] == outcome.event_id
        assert call.peer.violations == []

    arun(scenario())


def test_speech_with_server_vad_waits_for_the_vad_response(arun, start_call):
    """With server VAD the turn's end starts a server response: the tool waits for it."""

    async def scenario():
        call = await start_call(peer_kw={"response_duration_s": 0.03, "latency_s": 0.005})
        call.peer.speech_started()
        await call.peer.drain()
        assert (await call.trigger("tool_lookup")).guard == USER_SPEAKING
        vad = call.peer.speech_stopped()
        assert vad is not None and vad.origin == "server"
        await call.wait_creates(1)
        assert vad.status == "completed"  # sent only after the VAD response finished
        await call.peer.drain()
        assert call.peer.violations == []

    arun(scenario())


def test_server_vad_response_without_client_create_holds_tool_trigger(
    arun, start_call, stats_add_up
):
    async def scenario():
        call = await start_call(peer_kw={"response_duration_s": None})
        call.peer.start_server_response()
        await call.wait_observed_active()
        outcome = await call.trigger("tool_result")
        assert (outcome.status, outcome.guard) == ("deferred", RESPONSE_IN_FLIGHT)
        await asyncio.sleep(0.06)
        assert call.peer.creates == []
        call.peer.complete_response()
        await call.wait_creates(1)
        await call.peer.drain()
        assert call.peer.violations == []
        stats = call.gate.stats()
        stats_add_up(stats)
        assert stats["responses"]["by_reason"] == {"server": 1, "tool_result": 1}

    arun(scenario())


def test_error_without_event_id_does_not_leave_the_gate_stuck(arun, start_call, stats_add_up):
    """The gate missed a server response.created; the server refuses its create
    without naming it. The gate must neither resend nor stay stuck."""

    async def scenario():
        hidden = set()
        gates = []

        def lossy(event):
            rid = (event.get("response") or {}).get("id")
            if event["type"] == "response.created" and rid in hidden:
                return  # lost on the way to the gate
            gates[0].observe(event)

        gates.append(ResponseGate(min_interval_s=0.05, defer_timeout_s=0.3))
        call = await start_call(gate=gates[0], peer_kw={"response_duration_s": None,
                                         "omit_error_event_id": True}, listener=lossy)
        hidden.add(call.peer.start_server_response().id)
        await call.peer.drain()
        first = await call.trigger("tool_a")
        assert first.sent  # the gate could not know
        await call.peer.drain()
        assert call.peer.violation_kinds == ["double_create"]
        error = call.peer.server_events_of("error")[0]["error"]
        assert error["event_id"] is None
        held = await call.trigger("tool_b")
        assert (held.status, held.guard) == ("deferred", RESPONSE_IN_FLIGHT)
        call.peer.complete_response()
        await call.wait_creates(2)
        call.peer.complete_response()
        await asyncio.sleep(0.1)
        assert len(call.peer.creates) == 2  # the refused intent was not resent
        assert call.peer.violation_kinds == ["double_create"]
        stats = call.gate.stats()
        stats_add_up(stats)
        assert stats["rejected"] == 1
        assert stats["state"]["in_flight"] is False

    arun(scenario())


def test_error_with_event_id_is_matched_in_a_created_race(arun, start_call, stats_add_up):
    """A VAD response.created still in transit when the gate sends: refused by event_id."""

    async def scenario():
        call = await start_call(peer_kw={"response_duration_s": None, "latency_s": 0.02})
        call.peer.start_server_response()  # response.created reaches the gate 20 ms later
        sent = await call.trigger("tool_a")
        assert sent.sent
        await call.peer.drain()
        error = call.peer.server_events_of("error")[0]["error"]
        assert error["event_id"] == sent.event_id
        assert call.gate.stats()["rejected"] == 1
        assert call.gate.stats()["state"]["in_flight"]  # the VAD response is active
        call.peer.complete_response()
        await call.peer.drain()
        await call.trigger("tool_b")  # may wait out min_interval_s, then goes
        await call.wait_creates(2)
        await call.peer.drain()
        assert call.peer.violation_kinds == ["double_create"]
        stats_add_up(call.gate.stats())

    arun(scenario())


def test_hangup_lets_one_forced_farewell_through_then_nothing(arun, start_call, stats_add_up):
    async def scenario():
        call = await start_call(peer_kw={"response_duration_s": None})
        assert await call.trigger("answer")
        await call.wait_observed_active()
        held = await call.trigger("tool_late")
        assert held.status == "deferred"
        call.gate.set_pending_hangup()
        assert call.gate.stats()["held"] is None  # the held intent was discarded
        call.peer.complete_response()
        await call.peer.drain()
        plain = await call.trigger("tool_after_hangup")
        assert (plain.status, plain.guard) == ("blocked", PENDING_HANGUP)
        farewell = await call.trigger("farewell", force=True)
        assert farewell.sent
        again = await call.trigger("farewell_again", force=True)
        assert (again.status, again.guard) == ("blocked", PENDING_HANGUP)
        call.peer.complete_response()
        await asyncio.sleep(0.1)
        assert call.reasons_sent() == ["answer", "farewell"]
        assert call.peer.violations == []
        stats = call.gate.stats()
        stats_add_up(stats)
        assert stats["dropped_by"] == {PENDING_HANGUP: 1}
        assert stats["guards"][PENDING_HANGUP] == 2

    arun(scenario())


def test_close_sends_nothing_more_and_never_raises_on_the_closed_socket(
    arun, start_call, stats_add_up
):
    async def scenario():
        before = asyncio.all_tasks()
        call = await start_call(client_kind="send", peer_kw={"response_duration_s": None})
        assert await call.trigger("answer")
        await call.wait_observed_active()
        assert (await call.trigger("tool_held")).status == "deferred"
        # The response ends and the flush is scheduled, but the call closes first.
        call.peer.complete_response()
        await call.peer.wait_for(lambda: call.peer.active_response is None)
        call.gate.close()
        call.peer.close()
        after = await call.trigger("tool_after_close", force=True)
        assert (after.status, after.guard) == ("blocked", CLOSING)
        await call.gate.aclose()
        await asyncio.sleep(0.4)  # past the defer timeout: no timer may fire a send
        assert len(call.peer.creates) == 1
        assert call.peer.violations == []
        stats = call.gate.stats()
        stats_add_up(stats)
        assert stats["dropped_by"].get(CLOSING, 0) == 1
        assert asyncio.all_tasks() == before  # no leaked task

    arun(scenario())


def test_close_between_flush_and_send_aborts_the_scheduled_create(arun, start_call):
    async def scenario():
        call = await start_call(peer_kw={"response_duration_s": None})
        assert await call.trigger("answer")
        await call.wait_observed_active()
        await call.trigger("tool_held")
        done = {"type": "response.done",
                "response": {"id": call.peer.active_response.id, "status": "completed"}}
        call.gate.observe(done)  # flush decided, send task scheduled...
        call.gate.close()        # ...and the call closes in the same tick
        await asyncio.sleep(0.05)
        assert len(call.peer.creates) == 1
        stats = call.gate.stats()
        assert stats["outcomes"]["sent"] == 1 and stats["dropped_by"] == {CLOSING: 1}

    arun(scenario())


def test_budget_counts_server_responses_and_blocks(arun, start_call, stats_add_up):
    async def scenario():
        call = await start_call(max_responses=2, peer_kw={"response_duration_s": None})
        call.peer.start_server_response()
        await call.wait_observed_active()
        held = await call.trigger("tool_a")
        assert held.guard == RESPONSE_IN_FLIGHT
        call.peer.complete_response()
        await call.wait_creates(1)  # second response: budget now spent
        blocked = await call.trigger("tool_b", force=True)
        assert (blocked.status, blocked.guard) == ("blocked", BUDGET)
        call.peer.complete_response()
        await call.peer.drain()
        assert (await call.trigger("tool_c")).guard == BUDGET
        stats = call.gate.stats()
        stats_add_up(stats)
        assert stats["responses"]["total"] == 2
        assert stats["guards"][BUDGET] == 2
        assert len(call.peer.creates) == 1

    arun(scenario())


def test_budget_spent_while_held_drops_the_intent(arun, start_call, stats_add_up):
    async def scenario():
        call = await start_call(configure=False, max_responses=1,
                                peer_kw={"response_duration_s": 0.0})
        held = await call.trigger("tool_a")
        assert (held.status, held.guard) == ("deferred", SESSION_NOT_READY)
        call.peer.start_server_response()  # the call's one response, not the gate's
        await call.peer.drain()
        await call.configure()
        await call.peer.drain()
        await asyncio.sleep(0.02)
        assert call.peer.creates == []
        stats = call.gate.stats()
        stats_add_up(stats)
        assert stats["dropped_by"] == {BUDGET: 1}

    arun(scenario())


def test_rapid_create_is_held_for_the_interval_then_sent(arun, start_call, stats_add_up):
    async def scenario():
        call = await start_call(min_interval_s=0.08, peer_kw={"response_duration_s": 0.0})
        loop = asyncio.get_running_loop()  # virtual time (conftest.arun): no race
        first_at = loop.time()
        assert await call.trigger("first")  # sent at once: no loop time passes
        await call.peer.drain()  # the response is already done
        second = await call.trigger("second")
        assert (second.status, second.guard) == ("deferred", RAPID_CREATE)
        assert len(call.peer.creates) == 1
        await call.wait_creates(2)  # polls each virtual millisecond
        # Held exactly for the interval after the first create, then sent at once.
        assert 0.08 <= loop.time() - first_at <= 0.082
        await call.peer.wait_for(lambda: not call.gate.stats().state.in_flight)
        forced = await call.trigger("forced", force=True)  # force skips rapid_create
        assert forced.sent
        await call.peer.drain()
        assert call.peer.violations == []
        stats_add_up(call.gate.stats())

    arun(scenario())


def test_held_intent_is_dropped_and_counted_after_defer_timeout(
    arun, start_call, stats_add_up, caplog
):
    async def scenario():
        call = await start_call(defer_timeout_s=0.1, peer_kw={"response_duration_s": None})
        await call.trigger("answer")
        await call.wait_observed_active()
        await call.trigger("tool_slow")
        await call.trigger("tool_slower")
        await asyncio.sleep(0.2)
        stats = call.gate.stats()
        assert stats["held"] is None
        assert stats["dropped_by"] == {"defer_timeout": 1}
        stats_add_up(stats)
        call.peer.complete_response()
        await asyncio.sleep(0.05)
        assert len(call.peer.creates) == 1  # nothing sent after the drop

    with caplog.at_level("WARNING", logger="respgate_lint.runtime"):
        arun(scenario())
    drops = [r for r in caplog.records if getattr(r, "dropped_by", None) == "defer_timeout"]
    assert len(drops) == 1
    assert drops[0].reason == "tool_slow" and drops[0].guard == RESPONSE_IN_FLIGHT
    assert drops[0].coalesced == ["tool_slower"]
