"""The farewell: held until the active response is done (or cancelled first), exactly one, heard."""

from __future__ import annotations

import asyncio

from respgate_lint.runtime import (
    CLOSING,
    PENDING_HANGUP,
    RESPONSE_IN_FLIGHT,
    ResponseGate,
)


def test_farewell_during_an_active_response_waits_for_its_done_and_is_heard(
    arun, start_call, stats_add_up
):
    async def scenario():
        call = await start_call(peer_kw={"response_duration_s": None})
        assert await call.trigger("answer")
        await call.wait_observed_active()  # end_call arrives inside this response
        call.gate.set_pending_hangup()
        farewell = await call.trigger("farewell", force=True)
        assert (farewell.status, farewell.guard) == ("deferred", RESPONSE_IN_FLIGHT)
        await call.peer.drain()
        assert call.reasons_sent() == ["answer"]  # not sent over the active response
        call.peer.complete_response()
        settled = await farewell.wait(timeout=2)
        assert settled.status == "sent" and settled.event_id == farewell.event_id
        await call.peer.drain()
        assert call.accepted_reasons() == ["answer", "farewell"]  # the server took it
        assert call.peer.server_events_of("error") == []
        assert call.peer.violations == []
        again = await call.trigger("farewell_again", force=True)
        assert (again.status, again.guard) == ("blocked", PENDING_HANGUP)
        stats = call.gate.stats()
        stats_add_up(stats)
        assert stats.reasons["farewell"] == {"sent": 1}

    arun(scenario())


def test_farewell_cancels_the_active_response_first_when_configured(
    arun, start_call, stats_add_up
):
    async def scenario():
        call = await start_call(force_cancels_active=True, peer_kw={"response_duration_s": None})
        assert await call.trigger("long_answer")
        await call.wait_observed_active()
        long_answer = call.peer.active_response
        call.gate.set_pending_hangup()
        farewell = await call.trigger("farewell", force=True)
        assert farewell.status == "deferred"
        # No one completes the long answer: the gate cancels it, then says goodbye.
        settled = await farewell.wait(timeout=2)
        assert settled.status == "sent"
        await call.peer.drain()
        cancels = [e for e in call.peer.client_events if e["type"] == "response.cancel"]
        assert [c["response_id"] for c in cancels] == [long_answer.id]
        assert long_answer.status == "cancelled"
        done = [e["response"] for e in call.peer.server_events_of("response.done")]
        assert done[0]["status_details"] == {"type": "cancelled", "reason": "client_cancelled"}
        assert call.accepted_reasons() == ["long_answer", "farewell"]
        assert call.peer.server_events_of("error") == []
        stats = call.gate.stats()
        stats_add_up(stats)
        assert stats.cancels == 1

    arun(scenario())


def test_aclose_after_the_farewell_waits_until_it_was_heard(arun, start_call):
    async def scenario():
        call = await start_call(peer_kw={"response_duration_s": None})
        assert await call.trigger("answer")
        await call.wait_observed_active()
        call.gate.set_pending_hangup()
        await call.trigger("farewell", force=True)
        loop = asyncio.get_running_loop()
        loop.call_soon(call.peer.complete_response)  # the answer ends ...
        closing = asyncio.ensure_future(call.gate.aclose(timeout=2))
        await call.wait_creates(2)  # ... the farewell goes ...
        assert not closing.done()  # ... and aclose still waits for its response
        call.peer.complete_response()
        await asyncio.wait_for(closing, 2)
        assert call.gate.closed
        assert call.accepted_reasons() == ["answer", "farewell"]
        farewell_resp = call.peer.responses[-1]
        assert farewell_resp.status == "completed"
        assert call.peer.violations == []

    arun(scenario())


def test_aclose_is_bounded_when_the_response_never_ends(arun, start_call, stats_add_up):
    async def scenario():
        call = await start_call(peer_kw={"response_duration_s": None})
        assert await call.trigger("answer")
        await call.wait_observed_active()
        call.gate.set_pending_hangup()
        farewell = await call.trigger("farewell", force=True)
        loop = asyncio.get_running_loop()
        started = loop.time()
        await call.gate.aclose(timeout=0.2)  # the answer never ends: give up, close
        assert 0.15 <= loop.time() - started < 1.5
        settled = await farewell.wait(timeout=1)
        assert (settled.status, settled.dropped_by) == ("dropped", CLOSING)
        assert call.reasons_sent() == ["answer"]
        stats_add_up(call.gate.stats())

    arun(scenario())


def test_close_drops_a_held_farewell_and_its_handle_says_why(arun, start_call):
    async def scenario():
        call = await start_call(peer_kw={"response_duration_s": None})
        assert await call.trigger("answer")
        await call.wait_observed_active()
        call.gate.set_pending_hangup()
        farewell = await call.trigger("farewell", force=True)
        call.gate.close()
        settled = await farewell.wait(timeout=1)
        assert settled == farewell.settled
        assert (settled.status, settled.dropped_by, bool(settled)) == ("dropped", CLOSING, False)

    arun(scenario())


def test_a_farewell_refused_in_a_race_goes_again_once(arun, start_call, stats_add_up):
    """A server VAD response starts just as the farewell is sent: it is put back, then heard."""

    async def scenario():
        call = await start_call(peer_kw={"response_duration_s": None, "latency_s": 0.02})
        call.gate.set_pending_hangup()
        call.peer.start_server_response()  # its response.created reaches the gate later
        farewell = await call.trigger("farewell", force=True)
        assert farewell.sent  # the gate could not know yet
        await call.peer.drain()
        assert [e["error"]["event_id"] for e in call.peer.server_events_of("error")] == [
            farewell.event_id]
        call.peer.complete_response()  # the VAD response ends: the farewell goes again
        await call.wait_creates(2)
        await call.peer.drain()
        assert call.accepted_reasons() == ["farewell"]
        stats = call.gate.stats()
        stats_add_up(stats)
        assert stats.rejected == 1 and stats.reasons["farewell"] == {"sent": 1}

    arun(scenario())


def test_a_farewell_that_expired_frees_the_slot(arun):
    class Sink:
        def __init__(self):
            self.events = []

        def send_event(self, event):
            self.events.append(event)

    async def scenario():
        gate = ResponseGate(defer_timeout_s=0.05)
        gate.set_pending_hangup()
        farewell = await gate.trigger_response("farewell", Sink(), force=True)
        settled = await farewell.wait(timeout=1)  # session never configured: expires
        assert settled.expired
        gate.observe({"type": "session.updated", "session": {}})
        sink = Sink()
        second = await gate.trigger_response("farewell_retry", sink, force=True)
        assert second.sent and len(sink.events) == 1

    arun(scenario())
