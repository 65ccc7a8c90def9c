"""Reason naming rules, one by one."""

from __future__ import annotations

import pytest

from respgate_lint.engine import Finding, Form, SiteContext, Span

from respgate_lint.codemods.reasons import assign_reasons, base_reason, to_upper_snake


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
    (_f(("x",), "mode", ("on_event",)), "X"),
    (_f((), None, ("_handle_greeting",)), "GREETING"),
    (_f((), None, ("inner", "_on_call_started")), "CALL_STARTED"),
    (_f(("שלום",), "name", ("_send_goodbye",)), "GOODBYE"),
    (_f((), None, ("handle",)), "BRIDGE"),
    (_f((), None, ("handle",), class_name=None), "RESPONSE"),
    (_f((), None, ("_resume_after_drop",), in_except=True), "RESUME_AFTER_DROP_ERROR"),
    (_f((), None, ("on_error",), in_except=True), "ERROR"),
    (_f((), None, ("retry_after_error",), in_except=True), "RETRY_AFTER_ERROR"),
    (_f(("unknown",), "name", ("f",)), "BRIDGE"),
])
def test_base_reason(finding: Finding, expected: str) -> None:
    assert base_reason(finding) == expected


def test_unique_stable_suffixes_against_existing() -> None:
    findings = [_f(("greet",), "kind"), _f(("greet",), "kind"), _f(("bye",), "kind")]
    assert assign_reasons(findings, ["GREET"]) == ["GREET_2", "GREET_3", "BYE"]
    assert assign_reasons(findings, ["GREET"]) == ["GREET_2", "GREET_3", "BYE"]


def test_prefix_configurable_and_not_doubled() -> None:
    assert base_reason(_f(("lookup",), "tool_name"), "TOOL_") == "TOOL_LOOKUP"
    assert base_reason(_f(("lookup",), "tool_name"), "") == "LOOKUP"
    assert base_reason(_f(("function_x",), "name")) == "FUNCTION_X"
