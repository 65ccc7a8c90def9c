"""Reason naming rules on the engine's context alone: words, stems, uniqueness.

(The evidence rules - output items, conditions, except clauses, retry words - are in
``test_reason_evidence.py``; whole realistic handlers in ``test_reason_handlers.py``.)
"""

from __future__ import annotations

import pytest
from respgate_lint.codemods.reasons import (
    MAX_REASON_LENGTH,
    Reason,
    assign_reasons,
    base_reason,
    to_upper_snake,
)
from respgate_lint.codemods.words import predicate_words

from respgate_lint.engine import Finding, Form, SiteContext, Span


def _f(labels: tuple[str, ...] = (), subject: str | None = None, functions: tuple[str, ...] = ("m",),
       in_except: bool = False, class_name: str | None = "Bridge") -> Finding:
    ctx = SiteContext(branch_labels=labels, branch_subject=subject, functions=functions,
                      in_except=in_except)
    return Finding("RGT001", "", Span(1, 0, 1, 1), Form.DICT, Span(1, 0, 1, 1),
                   class_name=class_name, context=ctx)


@pytest.mark.parametrize("text,expected", [
    ("save_lead_info", "SAVE_LEAD_INFO"), ("response.done", "RESPONSE_DONE"),
    ("get-weather now", "GET_WEATHER_NOW"), ("getWeatherNow", "GET_WEATHER_NOW"),
    ("café", "CAFE"), ("שלום", ""), ("👋", ""), ("שלום_hello", "HELLO"), ("123", ""),
    ("JSONDecodeError", "JSON_DECODE_ERROR"),
])
def test_to_upper_snake(text: str, expected: str) -> None:
    assert to_upper_snake(text) == expected


@pytest.mark.parametrize("finding,expected", [
    (_f(("save_lead_info",), "name", ("handle_function_call",)), "FUNCTION_SAVE_LEAD_INFO"),
    (_f(("lookup",), 'call["name"]', ("dispatch",)), "FUNCTION_LOOKUP"),
    (_f(("lookup",), "tool_call.function.name", ("dispatch",)), "FUNCTION_LOOKUP"),
    (_f(("response.done",), 'event["type"]', ("handle_tool_call",)), "RESPONSE_DONE"),
    (_f(("input_audio_buffer.speech_stopped",), "event_type", ("on_event",)), "SPEECH_STOPPED"),
    (_f(("conversation.item.input_audio_transcription.completed",), "t", ("on_event",)),
     "INPUT_AUDIO_TRANSCRIPTION_COMPLETED"),
    (_f(("session.updated",), 'event["type"]', ("on_event",)), "SESSION_UPDATED"),
    (_f(("crm.v2",), "name", ("dispatch",)), "FUNCTION_CRM_V2"),
    (_f((), None, ("_handle_greeting",)), "GREETING"),
    (_f((), None, ("inner", "_on_call_started")), "CALL_STARTED"),
    (_f(("שלום",), "name", ("_send_goodbye",)), "GOODBYE"),
    (_f((), None, ("handle",)), "BRIDGE"),
    (_f((), None, ("handle",), class_name=None), "RESPONSE"),
    (_f((), None, ("_resume_after_drop",), in_except=True), "RESUME_AFTER_DROP"),
    (_f(("unknown",), "name", ("f",)), "BRIDGE"),
    # three characters or fewer say nothing on their own (issue 13)
    (_f(("x",), "mode", ("on_event",)), "EVENT_X"),
    (_f(("k",), "event.key", ("on_key_press",)), "KEY_PRESS_K"),
    (_f(("k",), "event.key", ("handle",)), "BRIDGE_K"),
    (_f((), None, ("on_x",)), "BRIDGE_X"),
    (_f((), None, ("on_x",), class_name=None), "X_RESPONSE"),
    (_f(("a",), "name", ("handle_function_call",)), "FUNCTION_CALL_A"),
])
def test_stem(finding: Finding, expected: str) -> None:
    assert base_reason(finding) == expected


def test_prefix_configurable_and_not_doubled() -> None:
    assert base_reason(_f(("lookup",), "tool_name"), "TOOL_") == "TOOL_LOOKUP"
    assert base_reason(_f(("lookup",), "tool_name"), "") == "LOOKUP"
    assert base_reason(_f(("function_x",), "name")) == "FUNCTION_X"


def test_without_a_tree_except_still_says_error() -> None:
    """The context-only path (no tree) keeps the old `_ERROR` for except blocks."""
    reasons = assign_reasons([_f((), None, ("_resume_after_drop",), in_except=True),
                              _f((), None, ("on_error",), in_except=True)], [])
    assert [r.name for r in reasons] == ["RESUME_AFTER_DROP_ERROR", "ERROR"]
    assert reasons[0].evidence == ("function _resume_after_drop", "except")


def test_ordinals_only_for_identical_sites_and_against_existing() -> None:
    findings = [_f(("greet",), "kind"), _f(("greet",), "kind"), _f(("bye",), "kind")]
    expected = ["GREET_2", "GREET_3", "BRIDGE_BYE"]
    assert [r.name for r in assign_reasons(findings, ["GREET"])] == expected
    assert [r.name for r in assign_reasons(findings, ["GREET"])] == expected  # deterministic
    again = assign_reasons(findings[:2], [])
    assert [r.name for r in again] == ["GREET", "GREET_2"]
    assert again[1].evidence[-1].startswith("ordinal _2")


def test_without_a_tree_same_stem_in_two_classes_gets_an_ordinal() -> None:
    findings = [_f((), None, ("greet",), class_name="PhoneBridge"),
                _f((), None, ("greet",), class_name="WebBridge")]
    names = [r.name for r in assign_reasons(findings, [])]
    # without a tree there is no class evidence: last resort
    assert names == ["GREET", "GREET_2"]


@pytest.mark.parametrize("name,negate,expected", [
    ("business_id", True, ("NO", "BUSINESS", "ID")),
    ("business_id", False, ("BUSINESS", "ID")),
    ("is_connected", True, ("NOT", "CONNECTED")),
    ("is_connected", False, ("CONNECTED",)),
    ("has_slots", True, ("NO", "SLOTS")),
    ("_server_error_retried", True, ("NOT", "SERVER", "ERROR", "RETRIED")),
    ("ok", True, ("NOT", "OK")),
    ("_appointment_created_this_session", False,
     ("APPOINTMENT", "CREATED", "THIS", "SESSION")),
    ("שלום", True, ()),
])
def test_predicate_words(name: str, negate: bool, expected: tuple[str, ...]) -> None:
    assert predicate_words(name, negate) == expected


def test_reason_is_a_value() -> None:
    assert Reason("A_B", ("x",)) == Reason("A_B", ("x",))
    assert MAX_REASON_LENGTH >= 40
