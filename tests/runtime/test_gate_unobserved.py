"""A gate nobody feeds server events to (``--add-mixin`` without ``observe()``) warns once and keeps talking."""

from __future__ import annotations

import asyncio
import logging
import warnings
from types import MappingProxyType
from typing import Any

import pytest

from respgate_lint.runtime import (
    RESPONSE_IN_FLIGHT,
    SESSION_NOT_READY,
    GatedResponseMixin,
    ResponseGate,
    UnobservedGateWarning,
)


class Sink:
    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []

    async def send_event(self, event: dict[str, Any]) -> None:
        self.events.append(event)


class UnwiredBridge(GatedResponseMixin):
    """What ``respgate fix --add-mixin`` leaves when the receive loop never calls observe()."""

    response_gate_min_interval_s = 0.01
    response_gate_options = MappingProxyType({"unobserved_grace_s": 0.1})

    def __init__(self, client: Any) -> None:
        self.client = client

    async def on_call_started(self) -> Any:
        return await self.trigger_response("CALL_STARTED", self.client)

    async def on_tool_result(self) -> Any:
        return await self.trigger_response("FUNCTION_LOOKUP", self.client)


def _run_unwired(arun: Any, bridge_cls: type, timeout: float) -> tuple[list[Any], list[Any]]:
    async def scenario() -> list[Any]:
        sink = Sink()
        bridge = bridge_cls(sink)
        greeting = await bridge.on_call_started()
        assert (greeting.status, greeting.guard) == ("deferred", SESSION_NOT_READY)
        assert (await greeting.wait(timeout=timeout)).status == "sent"  # not held forever
        results = [greeting]
        for _ in range(3):  # later triggers are not held by creates nobody answers
            await asyncio.sleep(0.02)
            results.append(await bridge.on_tool_result())
        assert [r.status for r in results[1:]] == ["sent"] * 3
        assert len(sink.events) == 4
        return results

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        results = arun(scenario(), timeout=timeout + 5)
    return results, [w for w in caught if issubclass(w.category, UnobservedGateWarning)]


def test_a_mixin_without_observe_warns_once_with_the_line_to_add_and_keeps_talking(
    arun, caplog
):
    with caplog.at_level(logging.WARNING, logger="respgate_lint.runtime"):
        _results, caught = _run_unwired(arun, UnwiredBridge, timeout=2)
    assert len(caught) == 1
    message = str(caught[0].message)
    assert "self.response_gate.observe(event)" in message and "CALL_STARTED" in message
    logged = [r for r in caplog.records if "never seen a server event" in r.getMessage()]
    assert len(logged) == 1


@pytest.mark.slow
def test_the_default_grace_also_frees_an_unwired_bridge(arun):
    class Default(UnwiredBridge):
        response_gate_options = MappingProxyType({})

    _results, caught = _run_unwired(arun, Default, timeout=6)
    assert len(caught) == 1


def test_no_warning_once_any_server_event_was_observed(arun):
    async def scenario() -> None:
        gate = ResponseGate(unobserved_grace_s=0.05, defer_timeout_s=0.3)
        gate.observe({"type": "session.created", "session": {}})  # wired, session not updated
        held = await gate.trigger_response("greeting", Sink())
        settled = await held.wait(timeout=2)
        assert settled.expired  # the normal guard held it: the app must send session.update

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        arun(scenario())
    assert not [w for w in caught if issubclass(w.category, UnobservedGateWarning)]


def test_grace_none_keeps_the_strict_behaviour(arun):
    async def scenario() -> None:
        gate = ResponseGate(unobserved_grace_s=None, defer_timeout_s=0.2)
        held = await gate.trigger_response("greeting", Sink())
        assert (await held.wait(timeout=2)).expired

    arun(scenario())


def test_observing_after_the_warning_restores_every_guard(arun):
    async def scenario() -> None:
        gate = ResponseGate(unobserved_grace_s=0.05, min_interval_s=0,
                            require_session_update=False)
        sink = Sink()
        assert await gate.trigger_response("greeting", sink)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UnobservedGateWarning)
            held = await gate.trigger_response("tool_a", sink)  # nobody answers "greeting"
            assert (await held.wait(timeout=2)).status == "sent"
        gate.observe({"type": "response.created", "response": {"id": "r1", "metadata": None}})
        later = await gate.trigger_response("tool_b", sink)
        assert later.guard == RESPONSE_IN_FLIGHT  # the in-flight guard is back

    arun(scenario())
