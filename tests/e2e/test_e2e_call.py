"""End to end over a real websocket: the bypassing bridge breaks the protocol, the fixed one not.

Both versions of ``examples/phone_bridge*.py`` play the same scripted call
(``examples/scripted_call.py``) against the fake Realtime server on loopback.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest

from examples import phone_bridge, phone_bridge_fixed
from examples.scripted_call import CallReport, play_call
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def original() -> CallReport:
    return asyncio.run(play_call(phone_bridge.PhoneBridge, "original", timeout_s=10))


@pytest.fixture(scope="module")
def fixed() -> CallReport:
    return asyncio.run(play_call(phone_bridge_fixed.PhoneBridge, "fixed", timeout_s=10))


def test_original_breaks_every_rule_the_server_enforces(original: CallReport) -> None:
    kinds = set(original.violations)
    assert {"default_settings", "double_create", "after_hangup"} <= kinds
    refused = original.peer.server_events_of("error")
    assert refused and all(e["error"]["code"] == "conversation_already_has_active_response"
                           for e in refused)


def test_original_has_no_gate(original: CallReport) -> None:
    assert original.gate_stats() is None


def test_fixed_records_no_violation(fixed: CallReport) -> None:
    assert fixed.violations == []
    assert fixed.peer.server_events_of("error") == []
    assert fixed.peer.listener_errors == []


def test_fixed_answers_every_tool_result_while_the_caller_is_there(fixed: CallReport) -> None:
    assert fixed.tool_followups() == {"call_availability": True, "call_hours": True}


def test_fixed_coalesces_the_two_tool_results_into_one_follow_up(fixed: CallReport) -> None:
    outputs = dict((call_id, i) for i, call_id in fixed.peer.function_outputs())
    after_tools = [i for i in fixed.peer.accepted_create_indexes()
                   if i > max(outputs["call_availability"], outputs["call_hours"])]
    assert len(after_tools) == 1
    meta = fixed.peer.client_events[after_tools[0]]["response"]["metadata"]
    assert {meta["reason"], meta["respgate_coalesced"]} == {
        "FUNCTION_CHECK_AVAILABILITY", "FUNCTION_GET_OFFICE_HOURS"}


def test_fixed_greets_once_the_session_is_configured(fixed: CallReport) -> None:
    events = fixed.peer.client_events
    first_create = fixed.peer.accepted_create_indexes()[0]
    assert events[0]["type"] == "session.update"
    assert first_create > 0
    assert events[first_create]["response"]["instructions"] == phone_bridge.GREETING


def test_fixed_blocks_the_late_booking_follow_up_and_counts_it(fixed: CallReport) -> None:
    stats = fixed.gate_stats()
    assert stats is not None
    assert stats["outcomes"]["blocked"] == 1
    assert stats["guards"].get("closing") == 1
    assert stats["outcomes"]["dropped"] == 0
    assert stats["triggers"] == (stats["outcomes"]["sent"] + stats["outcomes"]["coalesced"]
                                 + stats["outcomes"]["blocked"])
    assert fixed.bridge.bookings == original_bookings()


def original_bookings() -> list[dict[str, str]]:
    return [{"day": "tuesday", "time": "15:00", "phone": "+15550100", "status": "booked"}]


def test_both_versions_still_do_the_work(original: CallReport, fixed: CallReport) -> None:
    for report in (original, fixed):
        assert report.bridge.bookings == original_bookings()
        assert report.bridge.audio_clears == 2
        assert [c for _, c in report.peer.function_outputs()] == [
            "call_availability", "call_hours", "call_booking"]


@pytest.mark.slow
def test_demo_command_prints_what_the_peer_saw_before_and_after() -> None:
    done = subprocess.run([sys.executable, "-m", "examples.scripted_call"], cwd=REPO,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    before, after = done.stdout.split("=== after")
    assert "!! double_create" in before and "!! default_settings" in before
    assert "!! after_hangup" in before
    assert "protocol violations: none" in after and "!!" not in after
    assert "NEVER answered" not in after
    assert done.stderr == ""
