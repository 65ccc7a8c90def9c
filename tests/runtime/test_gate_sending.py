"""The moment of sending: guards re-checked, cancellation-safe state, payloads checked first."""

from __future__ import annotations

import asyncio
import json
import threading
from typing import Any

import pytest

from respgate_lint.runtime import (
    SEND_CANCELLED,
    USER_SPEAKING,
    Outcome,
    ResponseGate,
    Settlement,
)


class Sink:
    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []

    def send_event(self, event: dict[str, Any]) -> None:
        self.events.append(event)


class Blocking:
    """A client whose send waits on an event: lets a test cancel it mid-send."""

    def __init__(self) -> None:
        self.entered = asyncio.Event()
        self.release = asyncio.Event()
        self.events: list[dict[str, Any]] = []

    async def send_event(self, event: dict[str, Any]) -> None:
        self.sender = asyncio.current_task()
        self.entered.set()
        await self.release.wait()
        self.events.append(event)


def _done(rid: str, meta: Any = None) -> dict[str, Any]:
    return {"type": "response.done", "response": {"id": rid, "status": "completed",
                                                 "metadata": meta}}


def test_done_then_speech_started_in_one_read_does_not_talk_over_the_user(
    arun, start_call, stats_add_up
):
    async def scenario():
        call = await start_call(peer_kw={"response_duration_s": None, "turn_detection": None})
        assert await call.trigger("answer")
        await call.wait_observed_active()
        held = await call.trigger("tool_result")
        rid = call.peer.active_response.id
        # Two server events read back to back: the flush is decided on the first, the
        # send task runs after the second - it must re-check and hold.
        call.gate.observe(_done(rid, call.peer.creates[0]["response"]["metadata"]))
        call.gate.observe({"type": "input_audio_buffer.speech_started", "item_id": "i9"})
        for _ in range(5):
            await asyncio.sleep(0)
        assert len(call.client.sent) == 1 and held.settled is None
        assert call.gate.stats().queue[0]["reasons"] == ["tool_result"]
        call.gate.observe({"type": "input_audio_buffer.speech_stopped", "item_id": "i9"})
        assert (await held.wait(timeout=2)).status == "sent"
        stats_add_up(call.gate.stats())

    arun(scenario())


def test_a_cancelled_send_leaves_nothing_in_flight(arun, stats_add_up):
    async def scenario():
        gate = ResponseGate(require_session_update=False, min_interval_s=10)
        client = Blocking()
        task = asyncio.ensure_future(gate.trigger_response("tool_a", client))
        await client.entered.wait()
        assert gate.stats().state.in_flight is True  # decided, on its way
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        stats = gate.stats()
        assert stats.state.in_flight is False  # no phantom create holding the call
        assert stats.dropped_by == {SEND_CANCELLED: 1}
        stats_add_up(stats)
        sink = Sink()
        assert await gate.trigger_response("tool_b", sink)  # not held: nothing left, no
        assert len(sink.events) == 1  # spacing owed to a create that never went

    arun(scenario())


def test_a_cancelled_held_send_is_counted_and_the_gate_goes_on(arun, stats_add_up):
    async def scenario():
        gate = ResponseGate(min_interval_s=0)
        client = Blocking()
        held = await gate.trigger_response("greeting", client)
        gate.observe({"type": "session.updated", "session": {}})
        await client.entered.wait()  # the flushed send is in progress, in the gate's task
        client.sender.cancel()  # e.g. the app's shutdown cancels the task sending it
        settled = await held.wait(timeout=1)
        assert (settled.status, settled.dropped_by) == ("dropped", SEND_CANCELLED)
        stats = gate.stats()
        assert stats.state.in_flight is False
        stats_add_up(stats)

    arun(scenario())


def test_an_unserialisable_payload_raises_before_any_state_change(arun):
    async def scenario():
        gate = ResponseGate(require_session_update=False)
        sink = Sink()
        before = gate.stats()
        with pytest.raises(TypeError, match="not JSON-serialisable"):
            await gate.trigger_response("tool_a", sink, response={"instructions": object()})
        with pytest.raises(TypeError, match="mapping"):
            await gate.trigger_response("tool_b", sink, response=42)
        assert gate.stats() == before
        assert sink.events == []
        assert await gate.trigger_response("tool_c", sink)  # nothing phantom in flight

    arun(scenario())


def test_held_payload_is_the_payload_as_it_was_at_trigger_time(arun):
    async def scenario():
        gate = ResponseGate()
        sink = Sink()
        payload = {"instructions": "Original.", "metadata": None}  # "metadata": null is fine
        held = await gate.trigger_response("greeting", sink, response=payload)
        payload["instructions"] = "Mutated after the trigger."
        gate.observe({"type": "session.updated", "session": {}})
        assert (await held.wait(timeout=1)).status == "sent"
        assert sink.events[0]["response"]["instructions"] == "Original."

    arun(scenario())


def test_null_metadata_from_a_compatible_server_is_matched_in_order(arun):
    async def scenario():
        gate = ResponseGate(require_session_update=False, min_interval_s=0)
        sink = Sink()
        assert await gate.trigger_response("tool_a", sink)
        held = await gate.trigger_response("tool_b", sink)
        created = {"id": "resp_1", "status": "in_progress", "metadata": None}
        gate.observe({"type": "response.created", "response": created})
        assert gate.stats().state.in_flight is True
        gate.observe({"type": "response.done", "response": {**created, "status": "completed"}})
        assert (await held.wait(timeout=1)).status == "sent"
        stats = gate.stats()
        assert stats.responses.by_reason == {"tool_a": 1}
        assert stats.state.in_flight is True  # tool_b is unanswered, not tool_a

    arun(scenario())


class FakeModel:
    """A pydantic-like model: model_dump honours exclude_none/exclude_unset."""

    def __init__(self, **fields: Any) -> None:
        self.fields = {"instructions": None, "tools": None, "metadata": None,
                       "conversation": None, **fields}
        self.set = set(fields)

    def model_dump(self, *, mode: str = "python", by_alias: bool = False,
                   exclude_unset: bool = False, exclude_none: bool = False) -> dict[str, Any]:
        out = dict(self.fields)
        if exclude_unset:
            out = {k: v for k, v in out.items() if k in self.set}
        if exclude_none:
            out = {k: v for k, v in out.items() if v is not None}
        return out


def test_model_payloads_go_out_without_explicit_nulls(arun, start_call):
    async def scenario():
        call = await start_call()
        out = await call.trigger("tool_a", response=FakeModel(instructions="Speak."))
        assert out.sent
        await call.peer.drain()
        body = call.peer.creates[0]["response"]
        assert body["instructions"] == "Speak."
        assert None not in body.values() and "tools" not in body
        assert call.peer.violations == []  # the peer refuses explicit nulls

    arun(scenario())


@pytest.mark.slow  # imports the openai SDK (5-10 s)
def test_openai_sdk_models_as_response(arun, start_call):
    types = pytest.importorskip("openai.types.realtime")

    async def scenario():
        call = await start_call(min_interval_s=0)
        params = types.RealtimeResponseCreateParams(instructions="Say goodbye.",
                                                    output_modalities=["audio"])
        out = await call.trigger("farewell_sdk", response=params)
        assert out.sent
        event = types.ResponseCreateEvent(type="response.create", response=params)
        call.peer.complete_response()
        await call.wait_idle()
        out2 = await call.trigger("whole_event_sdk", response=event)
        assert out2.sent
        await call.peer.drain()
        for create in call.peer.creates:
            assert None not in create["response"].values()
            types.ResponseCreateEvent.model_validate(create)  # what went out is valid
        assert call.peer.violations == []

    arun(scenario())


def test_the_outcome_handle_resolves_sent_dropped_and_blocked(arun):
    async def scenario():
        gate = ResponseGate(defer_timeout_s=0.05)
        sink = Sink()
        expired = await gate.trigger_response("tool_slow", sink)
        assert expired.status == "deferred" and expired.settled is None
        settled = await expired.wait(timeout=1)
        assert settled.expired and not settled
        gate.observe({"type": "session.updated", "session": {}})
        sent = await gate.trigger_response("tool_now", sink)
        assert await sent.wait() == Settlement("sent", "tool_now", sent.event_id)
        gate.close()
        blocked = await gate.trigger_response("tool_late", sink)
        assert (await blocked.wait()).status == "blocked"
        with pytest.raises(ValueError):
            await Outcome("deferred", "hand_made").wait()

    arun(scenario())


def test_the_outcome_handle_times_out_and_works_from_another_threads_loop(
    arun_realtime, join_threads
):
    async def scenario():
        gate = ResponseGate(defer_timeout_s=5)
        held = await gate.trigger_response("greeting", Sink())
        with pytest.raises(TimeoutError):
            await held.wait(timeout=0.01)
        seen: list[Settlement] = []
        waiting = threading.Event()

        def other_thread() -> None:
            async def wait() -> None:
                waiting.set()
                seen.append(await held.wait(timeout=2))

            asyncio.run(wait())

        thread = threading.Thread(target=other_thread)
        thread.start()
        await asyncio.get_running_loop().run_in_executor(None, waiting.wait, 2)
        gate.observe({"type": "session.updated", "session": {}})
        await asyncio.get_running_loop().run_in_executor(None, join_threads, [thread], 3)
        assert [s.status for s in seen] == ["sent"]

    arun_realtime(scenario())


def test_forced_trigger_skips_speech_and_spacing_but_never_the_active_response(arun, start_call):
    async def scenario():
        call = await start_call(peer_kw={"response_duration_s": None, "turn_detection": None})
        assert await call.trigger("answer")
        await call.wait_observed_active()
        call.peer.speech_started()
        await call.peer.drain()
        forced = await call.trigger("urgent", force=True)
        assert forced.status == "deferred" and forced.guard != USER_SPEAKING
        call.peer.complete_response()
        assert (await forced.wait(timeout=2)).status == "sent"  # the user still speaks
        await call.peer.drain()
        assert call.peer.server_events_of("error") == []
        assert json.dumps(call.gate.stats())

    arun(scenario())
