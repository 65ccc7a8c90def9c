"""Generated realistic voice-agent handler files for the codemod tests and benchmarks.

``make_big_handler`` writes the kind of file respgate fix must get right on the first try: a
15-16k-line Realtime phone bridge with dozens of direct ``response.create`` sends spread over
a tool-call dispatcher (``if name == ...`` / ``elif`` and ``match``/``case``), an error retry
path, a greeting and an event loop, emoji and Hebrew in log lines and string literals before
the send on the same line, and a gate ``trigger_response`` whose own send must stay untouched.
Every generated send is rewritable (statement-level, awaited, in a method).
"""

from __future__ import annotations

__all__ = ["make_big_handler", "TOOL_NAMES", "GATE_SEND_LINE"]

TOOL_NAMES = (
    "save_lead_info", "book_appointment", "cancel_appointment", "transfer_call",
    "check_availability", "get_weather", "lookup_order", "update_address", "send_sms",
    "schedule_callback", "verify_identity", "collect_payment", "end_call",
    "escalate_to_human", "get_business_hours", "lookup_customer", "create_ticket",
    "update_ticket", "add_note", "confirm_booking", "reschedule", "get_pricing",
    "apply_discount", "check_coverage", "record_consent", "switch_language", "spell_name",
    "repeat_last", "get_directions", "open_claim", "close_claim", "find_branch",
    "quote_policy", "renew_policy", "lookup_invoice", "pay_invoice", "set_reminder",
    "list_services", "rate_call", "opt_out",
)
# The gate's own send (inside trigger_response): the rewrite must leave this line alone.
GATE_SEND_LINE = '            await client.send_event({"type": "response.create", "response": response})'

_HEADER = '''\
"""Realtime phone bridge: Twilio media stream <-> OpenAI Realtime (generated test corpus)."""

import asyncio
import json
import logging
import time

log = logging.getLogger("bridge")
RESPONSE_CREATE = "response.create"


class VoiceBridge:
    """One phone call."""

    def __init__(self, client, conn, ws):
        self.client = client
        self.conn = conn
        self.ws = ws
        self.user_speaking = False
        self.closing = False
        self.last_create = 0.0

    async def trigger_response(self, reason, client=None, *, force=False, response=None,
                               event_id=None):
        """The gate: every response.create must pass here (on our own client by default)."""
        client = client or self.client
        if self.closing or (self.user_speaking and not force):
            log.info("blocked %s", reason)
            return
        if time.monotonic() - self.last_create < 0.5:
            log.info("too rapid: %s", reason)
            return
        self.last_create = time.monotonic()
        if response is None:
            await client.send_event({"type": "response.create"})
        else:
''' + GATE_SEND_LINE + "\n"

_REST_NAMES = (
    ("_retry_after_error", "_resume_after_drop", "_recover_from_timeout", "_handle_ws_reset"),
    ("_send_greeting", "_greet_returning_caller", "_on_call_started", "_play_welcome"),
    ("on_realtime_event", "_on_transcript_done", "_handle_silence", "_on_dtmf"),
)
_LOGS = (
    'log.info("📞 שיחה נכנסת: %s", call_id)',
    'log.info("✅ נשמר בהצלחה 👍")',
    'log.debug("🤖 tool result ready, מחכה לתשובה")',
    'log.warning("⚠️ retrying after error — נסה שוב")',
    'self.note = "שלום! 👋 how can I help?"',
)


def _send(i: int, indent: str, client: str = "self.client") -> list[str]:
    """The i-th send, in one of several real-world shapes (all rewritable)."""
    kind = i % 7
    pad = indent
    if kind == 0:
        return [f'{pad}await {client}.send_event({{"type": "response.create"}})']
    if kind == 1:
        log = _LOGS[i % len(_LOGS)]
        return [f'{pad}{log}; await {client}.send_event({{"type": "response.create"}})']
    if kind == 2:
        return [
            f"{pad}await {client}.send_event(",
            f"{pad}    {{",
            f'{pad}        "type": "response.create",  # ask the model to answer',
            f'{pad}        "response": {{"instructions": "אמור למתקשר שהפעולה הושלמה 🎉"}},  # Hebrew',
            f"{pad}    }}",
            f"{pad})",
        ]
    if kind == 3:
        return [f'{pad}await self.ws.send(json.dumps({{"type": "response.create", '
                f'"response": {{"modalities": ["audio", "text"]}}}}))']
    if kind == 4:
        return [f"{pad}await self.conn.response.create()"]
    if kind == 5:
        log = _LOGS[(i + 1) % len(_LOGS)]
        return [f'{pad}{log}; await {client}.send_event({{"type": RESPONSE_CREATE, '
                f'"event_id": f"evt_{{call_id}}"}})']
    return [f'{pad}await {client}.send_event(dict(type="response.create"))  # nudge']


def _filler(n: int, index: int) -> list[str]:
    """A realistic method of about ``n`` lines with no send in it."""
    lines = [f"    async def _compute_metrics_{index}(self, call_id, samples):",
             f'        """Aggregate audio metrics for call segment {index}."""',
             "        total = 0",
             "        peaks = []"]
    j = 0
    while len(lines) < n - 2:
        j += 1
        if j % 9 == 0:
            lines.append(f'        {_LOGS[j % len(_LOGS)]}')
        elif j % 5 == 0:
            lines.append(f"        if total > {j * 10}:")
            lines.append(f"            peaks.append((call_id, total, {j}))")
        elif j % 13 == 0:
            lines.append(f'        log.debug("segment {index}/{j}: not sending response.create yet")')
        else:
            lines.append(f"        total += sum(s * {j % 7 + 1} for s in samples[{j % 11}:])")
    lines.append("        return total, peaks")
    lines.append("")
    return lines


def make_big_handler(lines: int = 16000, sends: int = 28, crlf: bool = True) -> str:
    """A ``lines``-line handler module with ``sends`` rewritable bypassing sends."""
    sends = max(sends, 6)
    n_if = max(1, sends * 6 // 10)
    n_case = max(1, sends * 2 // 10)
    n_rest = sends - n_if - n_case  # retry path, greeting, event loop
    blocks: list[list[str]] = []

    dispatcher = ["    async def handle_function_call(self, name, args, call_id):",
                  '        """Run a tool the model asked for, then let it speak."""',
                  '        log.info("🔧 function call %s", name)']
    for i in range(n_if):
        keyword = "if" if i == 0 else "elif"
        dispatcher.append(f'        {keyword} name == "{TOOL_NAMES[i % len(TOOL_NAMES)]}":')
        dispatcher.append(f"            result = await self.run_tool(name, args)  # step {i}")
        dispatcher.extend(_send(i, "            "))
    dispatcher += ["        else:", '            log.warning("unknown tool %s", name)', ""]
    blocks.append(dispatcher)

    matcher = ["    async def _dispatch_tool(self, tool_name, args, call_id):",
               "        match tool_name:"]
    for k in range(n_case):
        i = n_if + k
        matcher.append(f'            case "{TOOL_NAMES[i % len(TOOL_NAMES)]}":')
        matcher.append("                await self.run_tool(tool_name, args)")
        matcher.extend(_send(i, "                "))
    matcher += ["            case _:", "                pass", ""]
    blocks.append(matcher)

    rest: list[list[str]] = []
    for k in range(n_rest):
        i = n_if + n_case + k
        role = k % 3
        name = _REST_NAMES[role][k // 3 % len(_REST_NAMES[role])]
        if k // 3 >= len(_REST_NAMES[role]):
            name += f"_{k // 3}"
        if role == 0:
            body = [f"    async def {name}(self, call_id):",
                    "        try:",
                    "            await self.reconnect()",
                    "        except (ConnectionError, asyncio.TimeoutError):",
                    '            log.warning("⚠️ reconnect failed — מנסה שוב")',
                    *_send(i, "            ")]
        elif role == 1:
            body = [f"    async def {name}(self, call_id):",
                    '        self.note = "ברוכים הבאים 👋"',
                    *_send(i, "        ")]
        else:
            body = [f"    async def {name}(self, event, call_id):",
                    '        if event["type"] == "input_audio_buffer.committed":',
                    *_send(i, "            ")]
        rest.append(body + [""])

    fixed = [*_HEADER.splitlines(), ""]
    fixed_len = len(fixed) + sum(len(b) for b in blocks) + sum(len(b) for b in rest)
    fixed_len += 8  # the run_tool/reconnect helpers below
    slots = len(blocks) + len(rest) + 1
    budget = max(0, lines - fixed_len)
    per_slot = budget // slots
    out = list(fixed)
    index = 0

    def fill(amount: int) -> None:
        nonlocal index
        while amount >= 10:
            size = min(amount, 60)
            out.extend(_filler(size, index))
            index += 1
            amount -= size

    for block in [*blocks, *rest]:
        fill(per_slot)
        out.extend(block)
    out += ["    async def run_tool(self, name, args):",
            "        await asyncio.sleep(0)",
            "        return {}",
            "",
            "    async def reconnect(self):",
            "        await asyncio.sleep(0)",
            ""]
    fill(lines - len(out) - 1)
    while len(out) < lines:
        out.append("    # end of generated handler")
    newline = "\r\n" if crlf else "\n"
    return newline.join(out) + newline
