"""Each kind of evidence a reason is named from, through the real rewrite (issue 13).

Every case runs ``rewrite_source`` on a small class, checks the output compiles and is a
fixed point, and asserts the exact reasons in source order.
"""

from __future__ import annotations

from textwrap import dedent, indent

import pytest
from respgate_lint.codemods.reasons import MAX_REASON_LENGTH

from .helpers import assert_sound_fix, fix_text

HEAD = ("import json\n\nfrom respgate_lint.runtime import GatedResponseMixin\n\n\n"
        "class Bridge(GatedResponseMixin):\n")
CREATE = 'await client.send_event({"type": "response.create"})'


def _source(body: str) -> str:
    return HEAD + indent(dedent(body).lstrip("\n").replace("CREATE", CREATE), "    ")


def _reasons(body: str, *, evidence: bool = False) -> list:
    fixed, result = fix_text(_source(body))
    assert_sound_fix(fixed)
    sites = [s for s in result.sites if s.status == "rewritten"]
    assert len(sites) == _source(body).count('"response.create"'), result.sites
    return [(s.reason, s.evidence) if evidence else s.reason for s in sites]


def _item(output: str) -> str:
    return ('await client.send_event({"type": "conversation.item.create", "item": {'
            f'"type": "function_call_output", "call_id": cid, "output": {output}}}}})')


# -- the function_call_output item sent just before ------------------------------------------
def test_output_error_code_of_the_item_just_before() -> None:
    assert _reasons(f'''
        async def handle_function_call(self, client, name, cid):
            if name == "book":
                {_item('json.dumps({"success": False, "error_code": "slot_unavailable"})')}
                CREATE
    ''') == ["FUNCTION_BOOK_SLOT_UNAVAILABLE"]


def test_output_built_in_a_variable_above_and_system_note_between() -> None:
    assert _reasons(f'''
        async def handle_function_call(self, client, name, cid):
            if name == "book":
                result = {{"success": False, "error": "no_business_context"}}
                payload = json.dumps(result)
                {_item("payload")}
                await client.send_event({{"type": "conversation.item.create", "item": {{
                    "type": "message", "role": "system", "content": []}}}})
                CREATE
    ''') == ["FUNCTION_BOOK_NO_BUSINESS_CONTEXT"]


def test_output_bound_differently_in_two_branches_is_no_evidence() -> None:
    assert _reasons(f'''
        async def handle_function_call(self, client, name, cid, slots):
            if name == "check":
                if slots:
                    out = {{"success": True, "slots": slots}}
                else:
                    out = {{"success": False, "error_code": "no_slots"}}
                {_item("json.dumps(out)")}
                CREATE
    ''') == ["FUNCTION_CHECK"]


@pytest.mark.parametrize("payload,expected", [
    ('{"error": f"unknown tool {name}"}', "FUNCTION_CALL_UNKNOWN_TOOL"),
    ('{"error": "The calendar is closed on Sundays"}', "FUNCTION_CALL_CALENDAR_CLOSED_SUNDAYS"),
    ('{"ok": False, "error": {"code": "not_on_menu", "message": "no"}}', "FUNCTION_CALL_NOT_ON_MENU"),
    ('{"status": "pending_review"}', "FUNCTION_CALL_PENDING_REVIEW"),
    ('{"status": "error"}', "FUNCTION_CALL_FAILED"),
    ('{"error_code": ErrorCode.SLOT_TAKEN}', "FUNCTION_CALL_SLOT_TAKEN"),
    ('{"error": "אין תורים פנויים"}', "FUNCTION_CALL"),          # Hebrew text: skipped
    ('{"error": str(exc)}', "FUNCTION_CALL"),                    # runtime value: nothing
    ('dict(success=False, error_code="quota_exceeded")', "FUNCTION_CALL_QUOTA_EXCEEDED"),
])
def test_output_through_a_helper(payload: str, expected: str) -> None:
    assert _reasons(f'''
        async def handle_function_call(self, client, name, cid, exc=None):
            await self._send_function_output(client, cid, {payload})
            CREATE
    ''') == [expected]


def test_output_through_a_helper_named_after_the_item_type() -> None:
    assert _reasons('''
        async def on_tool(self, client, cid):
            await self._send_function_call_output(cid, {"error_code": "no_credit"})
            CREATE
            if self.typed:
                await client.send(ConversationItemCreateEvent(item=FunctionCallOutputItem(
                    call_id=cid, output=json.dumps({"error": "card_declined"}))))
                CREATE
    ''') == ["TOOL_NO_CREDIT", "TOOL_CARD_DECLINED"]


def test_output_as_json_text_and_sdk_item_create() -> None:
    assert _reasons('''
        async def on_lookup(self, client, cid):
            await client.conversation.item.create(item={"type": "function_call_output",
                "call_id": cid, "output": '{"error_code": "order_not_found"}'})
            CREATE
    ''') == ["LOOKUP_ORDER_NOT_FOUND"]


def test_an_earlier_create_keeps_its_output() -> None:
    """The output before the first create says nothing about the second."""
    assert _reasons(f'''
        async def after_tool(self, client, cid):
            {_item('json.dumps({"error_code": "rate_limited"})')}
            CREATE
            if self.follow_up:
                CREATE
    ''') == ["AFTER_TOOL_RATE_LIMITED", "AFTER_TOOL_FOLLOW_UP"]


def test_success_path_is_the_plain_stem_and_two_success_paths_differ() -> None:
    assert _reasons(f'''
        async def handle_function_call(self, client, name, cid, result):
            if name == "book":
                if not result:
                    {_item('json.dumps({"success": False, "error_code": "no_result"})')}
                    CREATE
                    return
                if hasattr(result, "appointment_id"):
                    {_item('json.dumps({"success": True, "id": result.appointment_id})')}
                    CREATE
                elif result.get("ok"):
                    {_item('json.dumps({"success": True})')}
                    CREATE
            elif name == "hours":
                {_item('json.dumps({"success": True, "hours": "9-5"})')}
                CREATE
    ''') == ["FUNCTION_BOOK_NO_RESULT", "FUNCTION_BOOK_HAS_APPOINTMENT_ID", "FUNCTION_BOOK_OK",
             "FUNCTION_HOURS"]


# -- conditions ----------------------------------------------------------------------------------
@pytest.mark.parametrize("condition,expected", [
    ("not business_id", "FUNCTION_BOOK_NO_BUSINESS_ID"),
    ("business_id is None", "FUNCTION_BOOK_NO_BUSINESS_ID"),
    ('self.call_goal != "appointment"', "FUNCTION_BOOK_NOT_APPOINTMENT"),
    ('getattr(self, "_appointment_created_this_session", False)',
     "FUNCTION_BOOK_APPOINTMENT_CREATED_THIS_SESSION"),
    ('not hasattr(self, "calendar")', "FUNCTION_BOOK_NO_CALENDAR"),
    ("len(self.slots) == 0", "FUNCTION_BOOK_NO_SLOTS"),
    ("not self.is_connected", "FUNCTION_BOOK_NOT_CONNECTED"),
    ("code not in RETRYABLE_CODES", "FUNCTION_BOOK_NOT_RETRYABLE_CODES"),  # no RETRY word
    ("code in RETRYABLE_CODES", "FUNCTION_BOOK_RETRY"),
    ('args.get("date") is None and self.strict', "FUNCTION_BOOK_NO_DATE"),
    ("self._ready and not self._confirmed", "FUNCTION_BOOK_READY"),
])
def test_condition_of_the_enclosing_if(condition: str, expected: str) -> None:
    assert _reasons(f'''
        async def handle_function_call(self, client, name, business_id, args, code):
            if name == "book":
                if {condition}:
                    CREATE
    ''') == [expected]


def test_else_is_the_negation_and_elif_its_own_condition() -> None:
    assert _reasons('''
        async def on_transcript(self, client, text):
            if self.pending_hangup:
                CREATE
            elif not self.session_ready:
                CREATE
            else:
                CREATE
    ''') == ["TRANSCRIPT_PENDING_HANGUP", "TRANSCRIPT_NOT_SESSION_READY", "TRANSCRIPT_SESSION_READY"]


def test_else_of_a_tool_dispatcher_is_unknown_tool() -> None:
    assert _reasons('''
        async def dispatch(self, client, tool_name):
            if tool_name == "lookup":
                CREATE
            elif tool_name == "save":
                CREATE
            else:
                CREATE
    ''') == ["FUNCTION_LOOKUP", "FUNCTION_SAVE", "DISPATCH_UNKNOWN_TOOL"]


def test_label_inside_a_tool_branch_qualifies_the_tool() -> None:
    assert _reasons('''
        async def handle_function_call(self, client, name, booking):
            if name == "book":
                if booking["status"] == "pending":
                    CREATE
                match booking["kind"]:
                    case "walk_in":
                        CREATE
    ''') == ["FUNCTION_BOOK_PENDING", "FUNCTION_BOOK_WALK_IN"]


# -- except clauses --------------------------------------------------------------------------------
def test_except_clause_names() -> None:
    assert _reasons('''
        async def resume(self, client):
            try:
                await self.reconnect()
            except json.JSONDecodeError:
                CREATE
            except (ValueError, KeyError):
                CREATE
            except asyncio.TimeoutError:
                CREATE
            except Exception:
                CREATE
    ''') == ["RESUME_JSON_DECODE_ERROR", "RESUME_VALUE_OR_KEY_ERROR", "RESUME_TIMEOUT_ERROR",
             "RESUME_ERROR"]


def test_generic_except_adds_nothing_to_an_error_stem() -> None:
    assert _reasons('''
        async def on_server_error(self, client):
            try:
                await self.log()
            except Exception:
                CREATE
    ''') == ["SERVER_ERROR"]


def test_nearest_evidence_first_condition_inside_except() -> None:
    assert _reasons('''
        async def resume(self, client):
            try:
                await self.reconnect()
            except ConnectionError:
                if not self.caller_connected:
                    return
                if self.greeted:
                    CREATE
    ''') == ["RESUME_GREETED"]


# -- retry / fallback / graceful-failure words -----------------------------------------------
def test_retry_and_graceful_failure_branches_of_a_server_error() -> None:
    assert _reasons('''
        async def on_event(self, client, event):
            if event["type"] == "response.done" and event["status"] == "failed":
                if event["error"]["type"] == "server_error":
                    # first time: try the same turn again
                    if not self._server_error_seen and self._age() < 60:
                        self._server_error_seen = True
                        try:
                            CREATE
                        except OSError:
                            pass
                    else:
                        # Already seen once - graceful failure: let the model close the call
                        log.error("server error twice, closing")
                        try:
                            CREATE
                        except OSError:
                            pass
    ''') == ["SERVER_ERROR_RETRY", "SERVER_ERROR_GRACEFUL_FAILURE"]


@pytest.mark.parametrize("branch,expected", [
    ('log.warning("retrying the response")', "RESPONSE_DONE_RETRY"),
    ("# no answer yet, resend the request", "RESPONSE_DONE_RETRY"),
    ("self.retry_count += 1", "RESPONSE_DONE_RETRY"),
    ('log.error("max retries reached, giving up")', "RESPONSE_DONE_GRACEFUL_FAILURE"),
    ("# fall back to the short prompt", "RESPONSE_DONE_FALLBACK"),
    ("self.retry_count = 0  # reset", "RESPONSE_DONE_OK"),     # an assignment says nothing
])
def test_words_in_the_branch(branch: str, expected: str) -> None:
    assert _reasons(f'''
        async def on_event(self, client, event):
            if event["type"] == "response.done":
                if self.ok:
                    {branch}
                    CREATE
    ''') == [expected]


def test_a_comment_above_an_if_else_pair_does_not_decide_for_the_branch() -> None:
    assert _reasons('''
        async def on_event(self, client, event):
            if event["type"] == "response.done":
                # retry once, else fail gracefully
                if not self.retried:
                    self.retried = True
                    log.info("retrying")
                    CREATE
                else:
                    log.info("giving up")
                    CREATE
    ''') == ["RESPONSE_DONE_RETRY", "RESPONSE_DONE_GRACEFUL_FAILURE"]


def test_the_sites_own_instructions_are_not_branch_words() -> None:
    assert _reasons('''
        async def on_event(self, client, event):
            if event["type"] == "response.done":
                if self.failures > 2:
                    await client.send_event({"type": "response.create", "response": {
                        "instructions": "Apologise and ask the caller to try again later."}})
    ''') == ["RESPONSE_DONE"]


def test_words_of_a_sibling_branch_do_not_leak() -> None:
    assert _reasons('''
        async def on_event(self, client, event):
            if event["type"] == "response.done":
                if self.failed:
                    log.warning("retrying")
                    await self.retry_later()
                CREATE
    ''') == ["RESPONSE_DONE"]


# -- short, long, unique, stable -------------------------------------------------------------------
def test_no_reason_of_three_characters_or_fewer() -> None:
    reasons = _reasons('''
        async def on_key(self, client, event, name):
            if event.key == "k":
                CREATE
            if name in ("a", "b"):
                CREATE
        async def go(self, client):
            CREATE
    ''')
    assert reasons == ["KEY_K", "KEY_A_OR_B", "BRIDGE"]
    assert min(len(r) for r in reasons) > 3


def test_length_cap_cuts_on_word_boundaries() -> None:
    code = "the_downstream_calendar_service_refused_the_booking_because_of_overlapping_slots"
    reasons = _reasons(f'''
        async def handle_function_call(self, client, name, cid):
            if name == "schedule_recurring_appointment_for_existing_customer":
                {_item(f'json.dumps({{"error_code": "{code}"}})')}
                CREATE
    ''')
    assert reasons == ["FUNCTION_SCHEDULE_RECURRING_APPOINTMENT_THE_DOWNSTREAM"]
    assert len(reasons[0]) <= MAX_REASON_LENGTH and "__" not in reasons[0]


def test_identical_sites_get_an_ordinal_as_last_resort() -> None:
    assert _reasons('''
        async def greet(self, client):
            CREATE
            CREATE
    ''') == ["GREET", "GREET_2"]


def test_reasons_already_in_use_are_avoided_with_path_evidence() -> None:
    assert _reasons('''
        async def greet(self, client):
            await self.trigger_response("GREET", client)
            if self.returning_caller:
                CREATE
    ''') == ["GREET_RETURNING_CALLER"]


def test_colliding_sites_told_apart_by_instructions_event_before_or_comment() -> None:
    assert _reasons('''
        async def on_event(self, client, event):
            if event["type"] == "session.updated":
                await client.send_event({"type": "input_audio_buffer.clear"})
                CREATE
                await client.send_event({"type": "response.create", "response": {
                    "instructions": "Greet the caller warmly"}})
                CREATE  # nudge a silent caller
                # the caller may have hung up already
                CREATE
    ''') == ["SESSION_UPDATED_AFTER_BUFFER_CLEAR", "SESSION_UPDATED_GREET_WARMLY",
             "SESSION_UPDATED_NUDGE_SILENT", "SESSION_UPDATED_MAY_HAVE_HUNG"]


def test_instructions_and_comments_are_not_first_evidence() -> None:
    """Free text only breaks ties: a lone site keeps its plain, stable name."""
    assert _reasons('''
        async def on_call_started(self, client):
            # greet right away
            await client.send_event({"type": "response.create", "response": {
                "instructions": "Greet the caller"}})
    ''') == ["CALL_STARTED"]


def test_same_method_in_two_classes_told_apart_by_class() -> None:
    source = _source('''
        async def greet(self, client):
            CREATE
    ''') + dedent(f'''

        class WebBridge(GatedResponseMixin):
            async def greet(self, client):
                {CREATE}
    ''')
    fixed, result = fix_text(source)
    assert_sound_fix(fixed)
    assert [s.reason for s in result.sites] == ["GREET_BRIDGE", "GREET_WEB_BRIDGE"]


def test_non_ascii_before_the_send_on_the_same_line() -> None:
    """Finding columns are characters, ast's are bytes: the statement is still found."""
    assert _reasons('''
        async def on_event(self, client):
            if not self.session_ready:
                log.info("📞 שלום"); CREATE
    ''') == ["EVENT_NOT_SESSION_READY"]


def test_explain_evidence_per_site() -> None:
    assert _reasons(f'''
        async def handle_function_call(self, client, name, cid):
            if name == "book":
                if not self.business_id:
                    {_item('json.dumps({"error_code": "no_business"})')}
                    CREATE
    ''', evidence=True) == [("FUNCTION_BOOK_NO_BUSINESS", (
        'tool "book"', 'output error_code="no_business"'))]
