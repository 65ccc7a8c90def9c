"""Whole realistic handlers through ``respgate fix``: the exact reason of every site (issue 13).

The handlers in ``reason_handlers/`` are synthetic, written in the shapes production voice
agents take (tool dispatchers with many early error returns, retry and graceful-failure
branches, except clauses). Each is fixed for real with click's runner, the result compiled,
and every reason checked; then sites are inserted above existing ones and the old reasons
must not move.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from respgate_lint.cli import cli

HANDLERS = Path(__file__).parent / "reason_handlers"
REPO = Path(__file__).resolve().parents[2]

EXPECTED = {
    "salon_line.py": [
        "SESSION_UPDATED_NOT_GREETED",
        "SERVER_ERROR_RETRY",
        "SERVER_ERROR_GRACEFUL_FAILURE",
        "SILENCE_WATCHDOG",
        "FUNCTION_CHECK_AVAILABILITY_MISSING_DATE",
        "FUNCTION_CHECK_AVAILABILITY",                  # the result path (slots or none)
        "FUNCTION_CHECK_AVAILABILITY_JSON_DECODE_ERROR",
        "FUNCTION_CHECK_AVAILABILITY_CALENDAR_UNREACHABLE",
        "FUNCTION_BOOK_APPOINTMENT_INVALID_ARGUMENTS",
        "FUNCTION_BOOK_APPOINTMENT_NO_BUSINESS_ID",
        "FUNCTION_BOOK_APPOINTMENT_ALREADY_BOOKED",
        "FUNCTION_BOOK_APPOINTMENT_NOT_APPOINTMENT",
        "FUNCTION_BOOK_APPOINTMENT_MISSING_NAME",
        "FUNCTION_BOOK_APPOINTMENT_NO_WHEN",
        "FUNCTION_BOOK_APPOINTMENT_INVALID_TIME",
        "FUNCTION_BOOK_APPOINTMENT_SLOT_UNAVAILABLE",
        "FUNCTION_BOOK_APPOINTMENT_INVALID_SLOT",
        "FUNCTION_BOOK_APPOINTMENT_FALLBACK",
        "FUNCTION_BOOK_APPOINTMENT_HAS_BOOKING_ID",     # success, object result
        "FUNCTION_BOOK_APPOINTMENT_OK",                 # success, dict result
        "FUNCTION_BOOK_APPOINTMENT_NOT_OK",
        "FUNCTION_BOOK_APPOINTMENT_SERVER_ERROR",
        "RUN_TOOL_UNKNOWN",
    ],
    "order_desk.py": [
        "SESSION_UPDATED",
        "SPEECH_STOPPED",
        "FUNCTION_ADD_ITEM_NOT_ON_MENU",
        "FUNCTION_ADD_ITEM_OUT_OF_STOCK",
        "FUNCTION_ADD_ITEM",
        "FUNCTION_PLACE_ORDER_EMPTY_CART",
        "FUNCTION_PLACE_ORDER_CLOSED",
        "FUNCTION_PLACE_ORDER_RETRY",
        "FUNCTION_PLACE_ORDER_KITCHEN_UNREACHABLE",
        "FUNCTION_PLACE_ORDER",
        "FUNCTION_TRANSFER_TO_HUMAN_OR_SPEAK_TO_MANAGER",
        "TOOL_CALL_UNKNOWN",
    ],
    "console_client.py": [
        "TEXT",
        "AUDIO",
        "CONSOLE_REALTIME_CLIENT_AFTER_SESSION_UPDATE",   # three sends in one generic `run`:
        "CONSOLE_REALTIME_CLIENT_AFTER_USER_MESSAGE",     # told apart by what went before
        "CONSOLE_REALTIME_CLIENT_GOODBYE_SUM_UP",         # ... or by their instructions
    ],
    "desk_bridge.py": [
        "KEY_K",
        "KEY_R",
        "FUNCTION_CALL_A_OR_B",
        "ERROR_RETRY",
        "INPUT_AUDIO_TRANSCRIPTION_COMPLETED_PENDING_HANGUP",
        "INPUT_AUDIO_TRANSCRIPTION_COMPLETED_NO_QUEUE",
        "MEDIA_STREAM_START_NO_LAST_ERROR",
        "RECONNECTED",
        "RECONNECTED_CONNECTION_CLOSED",
    ],
}
_SITE = re.compile(r"^(?P<path>.+?):(?P<line>\d+):\d+: (?:would rewrite|rewritten) as "
                   r"(?P<reason>[A-Z0-9_]+)(?:  \(from: (?P<evidence>.*)\))?$")


def _fix(path: Path, *options: str) -> list[tuple[str, str]]:
    result = CliRunner().invoke(cli, ["fix", *options, str(path)], catch_exceptions=False)
    assert result.exit_code == (1 if "--diff" in options else 0), result.output
    lines = (result.stderr if "--diff" in options else result.output).splitlines()
    sites = [m for m in map(_SITE.match, lines) if m]
    return [(m["reason"], m["evidence"] or "") for m in sites]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_reason_of_a_realistic_handler(name: str, tmp_path: Path) -> None:
    path = tmp_path / name
    shutil.copyfile(HANDLERS / name, path)
    sites = _fix(path, "--explain-reasons")
    reasons = [r for r, _ in sites]
    assert reasons == EXPECTED[name]
    assert len(set(reasons)) == len(reasons)
    assert all(len(r) > 3 for r in reasons)
    assert not [r for r in reasons if re.search(r"_\d+$", r)]      # no ordinal suffix
    assert all(evidence for _, evidence in sites)                     # every site explained
    fixed = path.read_text(encoding="utf-8")
    compile(fixed, name, "exec")
    assert re.findall(r'self\.trigger_response\(\s*"([A-Z0-9_]+)"', fixed) == reasons
    assert _fix(path) == []                                           # nothing left, no change


def test_evidence_is_printed_only_when_asked(tmp_path: Path) -> None:
    path = tmp_path / "order_desk.py"
    shutil.copyfile(HANDLERS / "order_desk.py", path)
    plain = CliRunner().invoke(cli, ["fix", str(path)], catch_exceptions=False)
    assert "rewritten as FUNCTION_PLACE_ORDER_RETRY\n" in plain.output
    assert "(from:" not in plain.output


def test_server_error_sites_read_as_retry_and_graceful_failure(tmp_path: Path) -> None:
    path = tmp_path / "salon_line.py"
    shutil.copyfile(HANDLERS / "salon_line.py", path)
    sites = dict(_fix(path, "--diff"))                                # --diff explains too
    assert sites["SERVER_ERROR_RETRY"] == 'branch "server_error" · "retrying" in the branch'
    assert sites["SERVER_ERROR_GRACEFUL_FAILURE"] == ('branch "server_error" · '
                                                      '"graceful" in the branch')
    assert sites["FUNCTION_BOOK_APPOINTMENT_SLOT_UNAVAILABLE"] == (
        'tool "book_appointment" · output error_code="slot_unavailable"')


_NEW_GUARD = '''            if self._calendar is None:
                await self._send_output(client, call_id, {"success": False})
                await client.send_event({"type": "response.create"})
                return
'''
_NEW_METHOD = '''    async def on_call_started(self, client):
        await client.send_event({"type": "response.create"})

'''


def test_inserting_bypasses_above_leaves_existing_reasons_unchanged(tmp_path: Path) -> None:
    original = (HANDLERS / "salon_line.py").read_text(encoding="utf-8")
    anchor = '            business_id = getattr(self, "business_id", None)\n'
    method_anchor = "    # -- server events"
    assert anchor in original and method_anchor in original
    edited = original.replace(anchor, _NEW_GUARD + anchor).replace(
        method_anchor, _NEW_METHOD + method_anchor)
    path = tmp_path / "salon_line.py"
    path.write_text(edited, encoding="utf-8")
    reasons = [r for r, _ in _fix(path)]
    new = {"CALL_STARTED", "FUNCTION_BOOK_APPOINTMENT_NO_CALENDAR"}
    assert new <= set(reasons)
    assert [r for r in reasons if r not in new] == EXPECTED["salon_line.py"]


def test_the_shipped_example_reasons() -> None:
    fixed = (REPO / "examples" / "phone_bridge_fixed.py").read_text(encoding="utf-8")
    found = re.findall(r'trigger_response\(\s*"([A-Z0-9_]+)"', fixed)
    assert found == ["CALL_STARTED", "FUNCTION_CHECK_AVAILABILITY", "FUNCTION_GET_OFFICE_HOURS",
                     "FUNCTION_BOOK_APPOINTMENT", "FUNCTION_CALL_UNKNOWN_TOOL",
                     "FUNCTION_CALL_BAD_ARGUMENTS", "SERVER_ERROR_RETRY"]
