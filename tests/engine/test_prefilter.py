"""The byte-level prefilter: never a miss, and really nothing parsed on a clean file."""

from __future__ import annotations

import ast

import pytest

from respgate_lint.config import Settings, settings_from_mapping
from respgate_lint.engine import analyze, analyze_source, might_have_findings
from respgate_lint.engine.prefilter import required_literal, needles


def test_needles_come_from_event_types_gates_and_pattern_literals() -> None:
    words = needles(Settings())
    assert words is not None
    assert {"response.create", "RESPONSE_CREATE", "ResponseCreate", "trigger_response"} <= set(words)


@pytest.mark.parametrize("text", [
    b'await ws.send_event({"type": "response.create"})',
    b"await conn.response.create()",
    b"from .events import EVENT_RESPONSE_CREATE as E\nawait c.send_event({'type': E})",
    b"await ws.send(ResponseCreateEvent())",
    b"self.trigger_response(r, c)",
    b"from .events import RESPONSE_CREATE_EVENT as E\nawait c.send_event(E)",
    b"from . import messages\nawait self._send(messages.response_create('hi'))",
    b'RESPONSE = "response"\nCREATE = "create"\nawait ws.send({"type": f"{RESPONSE}.{CREATE}"})',
    b"PREFIX = 'response.'\nawait ws.send({'type': PREFIX + KIND})",
])
def test_files_that_can_hold_findings_pass(text: bytes) -> None:
    assert might_have_findings(text, Settings())


def test_file_without_needles_is_decided_without_parsing() -> None:
    source = "def f(:\n    this is not even Python\n"
    assert not might_have_findings(source.encode(), Settings())
    assert analyze_source(source, Settings()).skipped_by_prefilter  # no SyntaxError: not parsed


def test_plugin_path_skips_without_walking() -> None:
    source = "x = 1\n"
    assert analyze(source, ast.parse(source), Settings()).skipped_by_prefilter


def test_every_imported_constant_convention_is_a_needle() -> None:
    source = b"from x import SendEvents\nawait c.send_event({'type': SendEvents.RESPONSE_CREATE})"
    assert might_have_findings(source, Settings())


@pytest.mark.parametrize("pattern,literal", [
    (r"^(?:[A-Z0-9_]*_)?RESPONSE_CREATE_(?:EVENT|MSG)$", "RESPONSE_CREATE_"),
    (r"^ResponseCreate(?:Event|Message)?$", "ResponseCreate"),
    (r"^START_REPLY$|^REPLY_START$", None),           # the whole pattern is an alternation
    (r"^(?:START|BEGIN)$", None),                       # no literal outside the alternation
])
def testrequired_literal_of_a_pattern(pattern: str, literal: str | None) -> None:
    assert required_literal(pattern) == literal


def test_case_insensitive_pattern_disables_the_filter_rather_than_miss() -> None:
    custom = settings_from_mapping({"constant-pattern": "(?i)^respcreate$"})
    assert needles(custom) is None
    assert might_have_findings(b"x = 1", custom)


def test_utf16_files_are_let_through() -> None:
    data = '{"type": "response.create"}'.encode("utf-16")
    assert might_have_findings(data, Settings())


@pytest.mark.parametrize("text", [
    "", "response", "a response to you", 'x = "response"', "trigger_response()",
    "ResponseCreated", "RESPONSE_CREATE", "'response.done'", "response_create()",
    "RESPONSE = 'response'", "def f(): return http.response",
])
def test_grouped_needles_decide_like_one_test_per_needle(text: str) -> None:
    """The prefilter scans a shared word once per group; the answer must not change."""
    words = needles(Settings())
    assert words is not None
    expected = any(w in text for w in words)
    assert might_have_findings(text, Settings()) is expected
    assert might_have_findings(text.encode(), Settings()) is expected
