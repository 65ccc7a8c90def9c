"""The rule catalogue: one object per code with its message, why, and examples.

The examples are the tests (``tests/engine/test_rule_examples.py`` runs every VALID and
INVALID snippet through the engine, every FIXES pair through the codemod) and the docs
(``respgate explain RGT001`` renders them), so the two cannot drift apart.
Pure data: importing this module imports nothing else of the package but the (pure-data)
form catalogue, ``forms.py``, from which RGT001's "what it catches" list is generated.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from textwrap import dedent

from .forms import FORM_DOCS, Form

__all__ = ["RGT001", "RGT002", "RGT003", "RULES", "Rule", "get_rule"]


@dataclass(frozen=True)
class Rule:
    """A rule code, what it says, why it exists, and snippets that prove it."""

    code: str
    name: str
    message: str                  # str.format template; the engine fills it
    summary: str                  # one line, for tables and SARIF shortDescription
    why: str                      # the docstring users read in `respgate explain`
    valid: tuple[str, ...] = ()   # snippets with no finding of this code
    invalid: tuple[str, ...] = ()  # snippets with exactly one finding of this code
    fixes: tuple[tuple[str, str], ...] = ()  # (before, after) for the codemod
    forms: tuple[str, ...] = field(default=())

    def format(self, **values: str) -> str:
        return f"{self.code} " + self.message.format(**values)


def _code(text: str) -> str:
    return dedent(text).strip("\n") + "\n"


RGT001 = Rule(
    code="RGT001",
    name="response-create-outside-gate",
    message="response.create sent outside the gate ({form} via `{method}`); "
            "route it through `{gate}(...)`",
    summary="A response.create event is sent outside the gate function.",
    why=(
        "Every `response.create` must pass the gate (`trigger_response`), which checks that the "
        "session is configured, the caller is not speaking, no hangup is pending, no response "
        "is in flight, creates are not too rapid and the call's budget is not spent, and "
        "records one telemetry outcome per trigger. A direct send can interrupt the caller, "
        "talk after the hangup, double-bill, or race another response (the server answers "
        "`conversation_already_has_active_response`). Sends lexically inside a gate function, "
        "nested helpers included, are the gate's own and are allowed. A send is a call "
        "whose name says so (send, emit, publish, queue, put, write...), or of a function "
        "of the module that sends what it is given (`self._up(evt)`). Not sends: a server "
        "filling its own class from the client's event (`ResponseCreate(**message)`) to queue "
        "it; a multi-type factory asked for another type. The Responses API's websocket mode "
        "(`/v1/responses`) also names its request `response.create`, but it is another API "
        "with no gate: a module that only talks to it (a `/v1/responses` URL, nothing of the "
        "Realtime API), or an event with its top-level `model`/`input`/`previous_response_id`, "
        "is reported only with `apis = [\"realtime\", \"responses-ws\"]`."
    ),
    forms=tuple(f"{doc.what}: {doc.example}" + (" (rewrite by hand)" if doc.by_hand else "")
                for doc in FORM_DOCS if doc.form is not Form.GATE_CALL),
    valid=(
        _code('''
            class Bridge:
                async def trigger_response(self, reason, client, *, force=False, response=None):
                    await client.send_event({"type": "response.create", "response": response})

                async def on_tool_done(self):
                    await self.trigger_response("TOOL_DONE", self.client)
        '''),
        _code('''
            async def on_event(event):
                if event["type"] == "response.created":  # a server event, not a send
                    log.info("got response.create ack")
        '''),
        _code('''
            async def summarize(client, text):
                return await client.chat.completions.with_streaming_response.create(model="m")
        '''),
        _code('''
            async def relay(ws, item):
                msg = {"type": "response.create"}
                msg = {"type": "conversation.item.create", "item": item}
                await ws.send_event(msg)
        '''),
        _code('''
            async def append_audio(self, chunk):
                await self._send(make_event(event_type=Events.INPUT_AUDIO_BUFFER_APPEND, audio=chunk))
        '''),
        _code('''
            async def handle_response_create(self, session, message: dict):
                item = ResponseCreate(**message)  # the client's event, received by a server
                await session.queues.unprocessed.put(item)
        '''),
        _code('''
            URL = "wss://api.openai.com/v1/responses"

            async def turn(ws, text):
                await ws.send(json.dumps({"type": "response.create", "model": "gpt-5", "input": text}))
        '''),
        _code('''
            def record_call(db, call_id):
                return db.response.create(call_id=call_id)  # an ORM table, not the SDK
        '''),
    ),
    invalid=(
        _code('''
            class Bridge:
                async def on_tool_done(self):
                    await self.client.send_event({"type": "response.create"})
        '''),
        _code('''
            async def greet(ws):
                await ws.send(json.dumps({"type": "response.create", "response": {"modalities": ["audio"]}}))
        '''),
        _code('''
            async def retry(conn):
                await conn.response.create()
        '''),
        _code('''
            RESPONSE_CREATE = "response.create"

            async def nudge(client):
                event = {"type": RESPONSE_CREATE}
                await client.send_event(event)
        '''),
        _code('''
            async def speak(client):
                await client.send(ResponseCreateEvent(response=None))
        '''),
        _code('''
            async def nudge(session):
                await session.model.send_event(RawMessage(message={"type": "response.create"}))
        '''),
        _code('''
            from agent.realtime.events import ConversationResponseCreateEvent

            async def speak(ws, text):
                await ws.send(ConversationResponseCreateEvent().with_instructions(text).model_dump_json())
        '''),
        _code('''
            async def answer(self):
                await self._send(make_event(event_type=Events.RESPONSE_CREATE))
        '''),
        _code('''
            async def flush(send, items):
                events = [{"type": "conversation.item.create", "item": i} for i in items]
                events.append(dict(type="response.create"))
                await send(*events)
        '''),
    ),
    fixes=(
        (
            _code('''
                class Bridge:
                    async def trigger_response(self, reason, client=None, force=False):
                        client = client or self.client
                        await client.send_event({"type": "response.create"})

                    async def handle_function_call(self, name):
                        if name == "save_lead_info":
                            await self.client.send_event({"type": "response.create"})
            '''),
            _code('''
                class Bridge:
                    async def trigger_response(self, reason, client=None, force=False):
                        client = client or self.client
                        await client.send_event({"type": "response.create"})

                    async def handle_function_call(self, name):
                        if name == "save_lead_info":
                            await self.trigger_response("FUNCTION_SAVE_LEAD_INFO", self.client, force=False)
            '''),
        ),
        (
            _code('''
                from respgate_lint.runtime import GatedResponseMixin

                class Bridge(GatedResponseMixin):
                    async def _resume_after_drop(self, ws):
                        try:
                            await self.reconnect()
                        except ConnectionError:
                            await ws.send(json.dumps({"type": "response.create", "response": {"instructions": "Sorry"}}))
            '''),
            _code('''
                from respgate_lint.runtime import GatedResponseMixin

                class Bridge(GatedResponseMixin):
                    async def _resume_after_drop(self, ws):
                        try:
                            await self.reconnect()
                        except ConnectionError:
                            await self.trigger_response("RESUME_AFTER_DROP_CONNECTION_ERROR", ws, force=False, response={"instructions": "Sorry"})
            '''),
        ),
        (
            _code('''
                def trigger_response(ws, reason):
                    ws.send(json.dumps({"type": "response.create"}))

                def on_timeout(ws):
                    ws.send(json.dumps({"type": "response.create"}))
            '''),
            _code('''
                def trigger_response(ws, reason):
                    ws.send(json.dumps({"type": "response.create"}))

                def on_timeout(ws):
                    trigger_response(ws, "TIMEOUT")
            '''),
        ),
    ),
)

RGT002 = Rule(
    code="RGT002",
    name="gate-call-not-awaited",
    message="`{gate}(...)` is not awaited inside `async def {function}`; the coroutine never runs",
    summary="The gate is called without `await` inside an async function.",
    why=(
        "An async gate is a coroutine function. Calling it without `await` creates a "
        "coroutine object that is never run: no response is created, nothing is logged, and "
        "Python only warns at garbage collection. The agent goes silent. Reported only for "
        "gates whose definition respgate can read and which are `async def` (a synchronous "
        "gate is called, not awaited); `respgate check --verbose` names the gate calls it "
        "could not check."
    ),
    valid=(
        _code('''
            from respgate_lint.runtime import GatedResponseMixin

            class Bridge(GatedResponseMixin):
                async def on_done(self):
                    await self.trigger_response("TOOL_DONE", self.client)

                async def on_other(self):
                    asyncio.create_task(self.trigger_response("OTHER_DONE", self.client))
        '''),
        _code('''
            class Bridge:
                def trigger_response(self, reason):
                    self.loop.create_task(self.ws.send(json.dumps({"type": "response.create"})))

                async def on_done(self):
                    self.trigger_response("TOOL_DONE")
        '''),
    ),
    invalid=(
        _code('''
            class Bridge:
                async def trigger_response(self, reason, client=None, force=False):
                    await (client or self.client).send_event({"type": "response.create"})

                async def on_done(self):
                    self.trigger_response("TOOL_DONE", self.client)
        '''),
    ),
)

RGT003 = Rule(
    code="RGT003",
    name="gate-reason-not-unique-literal",
    message="{problem}",
    summary="A gate call's reason is not a string literal, or repeats another call site's reason.",
    why=(
        "The reason is the telemetry key: every trigger is counted as sent, deferred or "
        "blocked under it. A computed reason cannot be grepped or grouped, and two call sites "
        "sharing one reason cannot be told apart when one of them misbehaves. Calls inside "
        "a gate function that pass their own reason on are delegation and are allowed; a "
        "wrapper that is not a gate is told to become one (`gate-functions`), so that its "
        "callers' reasons are checked instead. The "
        "reason is read from the parameter the gate's own signature names (`reason`, or "
        "`gate-reason-param`), wherever it sits; gates whose definition respgate cannot read "
        "are not checked."
    ),
    valid=(
        _code('''
            from respgate_lint.runtime import GatedResponseMixin

            class Bridge(GatedResponseMixin):
                async def greet(self):
                    await self.trigger_response("GREETING", self.client, is_greeting=True)

                async def after_tool(self):
                    await self.trigger_response("TOOL_RESULT", self.client)
        '''),
        _code('''
            async def trigger_response(client, reason):
                await client.send_event({"type": "response.create"})

            async def greet(client):
                await trigger_response(client, "GREETING")

            async def after_tool(client):
                await trigger_response(client, "TOOL_RESULT")
        '''),
    ),
    invalid=(
        _code('''
            from respgate_lint.runtime import GatedResponseMixin

            class Bridge(GatedResponseMixin):
                async def after_tool(self, name):
                    await self.trigger_response(f"TOOL_{name}", self.client)
        '''),
        _code('''
            async def trigger_response(client, reason):
                await client.send_event({"type": "response.create"})

            async def a(client):
                await trigger_response(client, "TOOL_RESULT")

            async def b(client):
                await trigger_response(client, "TOOL_RESULT")
        '''),
    ),
)

RULES: dict[str, Rule] = {rule.code: rule for rule in (RGT001, RGT002, RGT003)}


def get_rule(code: str) -> Rule | None:
    return RULES.get(code.strip().upper())
