"""Before/after snapshots for the codemod, flake8-async/libcst style: inline source pairs.

``REWRITES``: (id, before, after) for every rewrite shape. ``NOT_FIXED``: (id, source,
expected ``why``) for every reason a site is left alone (byte-identical).
"""

from __future__ import annotations

from textwrap import dedent, indent

from respgate_lint.engine import NotFixable


def _c(text: str) -> str:
    return dedent(text).lstrip("\n")


# The reference gate (it takes any client the runtime's adapter supports); the gate shapes of
# real code bases are covered by tests/codemod/test_gate_shapes.py.
HEAD = ("import json\n\nfrom respgate_lint.runtime import GatedResponseMixin\n\n\n"
        "class Bridge(GatedResponseMixin):\n")


def _m(body: str) -> str:
    """A method body inside a class that has a gate."""
    return HEAD + indent(_c(body), "    ")


REWRITES = [
    ("dict-literal", _m('''
        async def on_tool_done(self):
            await self.client.send_event({"type": "response.create"})
    '''), _m('''
        async def on_tool_done(self):
            await self.trigger_response("TOOL_DONE", self.client, force=False)
    ''')),
    ("payload-response-and-event-id", _m('''
        async def speak(self):
            await self.client.send_event({'type': 'response.create', 'response': {"voice": "alloy"}, "event_id": "e1"})
    '''), _m('''
        async def speak(self):
            await self.trigger_response("SPEAK", self.client, force=False, response={"voice": "alloy"}, event_id="e1")
    ''')),
    ("dict-call", _m('''
        async def nudge(self, ws):
            await ws.send_json(dict(type="response.create", response={"modalities": ["text"]}))
    '''), _m('''
        async def nudge(self, ws):
            await self.trigger_response("NUDGE", ws, force=False, response={"modalities": ["text"]})
    ''')),
    ("json-dumps", _m('''
        async def _handle_greeting(self):
            await self.ws.send(json.dumps({"type": "response.create"}))
    '''), _m('''
        async def _handle_greeting(self):
            await self.trigger_response("GREETING", self.ws, force=False)
    ''')),
    ("json-text-type-only", _m('''
        async def poke(self):
            await self.ws.send('{"type": "response.create"}')
    '''), _m('''
        async def poke(self):
            await self.trigger_response("POKE", self.ws, force=False)
    ''')),
    ("constant", "RESPONSE_CREATE = 'response.create'\n" + _m('''
        async def on_silence(self):
            await self._client.send_event({"type": RESPONSE_CREATE, "event_id": self.next_id()})
    '''), "RESPONSE_CREATE = 'response.create'\n" + _m('''
        async def on_silence(self):
            await self.trigger_response("SILENCE", self._client, force=False, event_id=self.next_id())
    ''')),
    ("sdk-method", _m('''
        async def after_drop(self):
            await self.conn.response.create(response={"instructions": "hi"}, event_id="x")
    '''), _m('''
        async def after_drop(self):
            await self.trigger_response("AFTER_DROP", self.conn, force=False, response={"instructions": "hi"}, event_id="x")
    ''')),
    ("sdk-method-bare", _m('''
        async def retry(self):
            await self.conn.response.create()
    '''), _m('''
        async def retry(self):
            await self.trigger_response("RETRY", self.conn, force=False)
    ''')),
    ("closure-and-self-name", _m('''
        async def on_call(this):
            async def inner():
                await this.client.send_event({"type": "response.create"})
            await inner()
    '''), _m('''
        async def on_call(this):
            async def inner():
                await this.trigger_response("CALL", this.client, force=False)
            await inner()
    ''')),
    ("trailing-comment-and-semicolon", _m('''
        async def on_x(self):
            log.info("📞 שלום"); await self.client.send_event({"type": "response.create"})  # go
    '''), _m('''
        async def on_x(self):
            log.info("📞 שלום"); await self.trigger_response("BRIDGE_X", self.client, force=False)  # go
    ''')),
    ("multi-line-with-comments", _m('''
        async def handle_function_call(self, name):
            if name == "book_appointment":
                await self.client.send_event(  # after the tool
                    {
                        "type": "response.create",  # ask for an answer
                        "response": {
                            "instructions": "Confirm the time",  # short
                        },  # the payload
                    }
                )
    '''), _m('''
        async def handle_function_call(self, name):
            if name == "book_appointment":
                await self.trigger_response(  # after the tool
                    # ask for an answer
                    "FUNCTION_BOOK_APPOINTMENT",
                    self.client,
                    force=False,
                    response={
                            "instructions": "Confirm the time",  # short
                        },  # the payload
                )
    ''')),
    ("match-case-and-except", _m('''
        async def _dispatch(self, tool_name):
            match tool_name:
                case "get_weather":
                    try:
                        await self.run()
                    except OSError:
                        await self.client.send_event({"type": "response.create"})
    '''), _m('''
        async def _dispatch(self, tool_name):
            match tool_name:
                case "get_weather":
                    try:
                        await self.run()
                    except OSError:
                        await self.trigger_response("FUNCTION_GET_WEATHER_OS_ERROR", self.client, force=False)
    ''')),
    ("unique-against-existing-and-each-other", _m('''
        async def greet(self):
            await self.trigger_response("GREET", self.client)
            await self.client.send_event({"type": "response.create"})
            await self.client.send_event({"type": "response.create"})
    '''), _m('''
        async def greet(self):
            await self.trigger_response("GREET", self.client)
            await self.trigger_response("GREET_2", self.client, force=False)
            await self.trigger_response("GREET_3", self.client, force=False)
    ''')),
    ("parenthesized-await-operand", _m('''
        async def on_done(self):
            await (self.client.send_event({"type": "response.create"}))
    '''), _m('''
        async def on_done(self):
            await self.trigger_response("DONE", self.client, force=False)
    ''')),
    ("dict-merged-with-payload", _m('''
        async def nudge(self):
            await self.client.send_event(dict({"type": "response.create"}, response={"voice": "x"}))
    '''), _m('''
        async def nudge(self):
            await self.trigger_response("NUDGE", self.client, force=False, response={"voice": "x"})
    ''')),
]

NOT_FIXED = [
    ("module-function", _c('''
        async def greet(ws):
            await ws.send_event({"type": "response.create"})
    '''), NotFixable.NO_GATE.value),
    ("staticmethod", _m('''
        @staticmethod
        async def greet(ws):
            await ws.send_event({"type": "response.create"})
    '''), NotFixable.NO_SELF.value),
    ("value-used", _m('''
        async def greet(self):
            ok = await self.client.send_event({"type": "response.create"})
    '''), NotFixable.VALUE_USED.value),
    ("sync-def", _m('''
        def greet(self):
            self.client.send_event({"type": "response.create"})
    '''), NotFixable.NOT_ASYNC.value),
    ("extra-keys", _m('''
        async def greet(self):
            await self.client.send_event({"type": "response.create", "metadata": {}})
    '''), NotFixable.EXTRA_KEYS.value),
    ("variable", _m('''
        async def greet(self):
            evt = {"type": "response.create"}
            await self.client.send_event(evt)
    '''), NotFixable.BUILT_ELSEWHERE.value),
    ("event-constant", _m('''
        async def greet(self):
            await self.client.send_event(RESPONSE_CREATE_EVENT)
    '''), NotFixable.EVENT_CONSTANT.value),
    ("typed-class", _m('''
        async def greet(self):
            await self.client.send(ResponseCreateEvent(response=None))
    '''), NotFixable.TYPED_CLASS.value),
    ("json-text-with-payload", _m('''
        async def greet(self):
            await self.ws.send('{"type": "response.create", "response": {"voice": "x"}}')
    '''), NotFixable.JSON_TEXT.value),
    ("unpacking", _m('''
        async def greet(self, extra):
            await self.client.send_event({"type": "response.create", **extra})
    '''), NotFixable.UNKNOWN_KEYS.value),
    ("send-method", _m('''
        async def greet(self):
            await self.queue.put({"type": "response.create"})
    '''), NotFixable.GATE_CLIENT.value),
    ("walrus", _m('''
        async def greet(self):
            await self.client.send_event(evt := {"type": "response.create"})
            self.sent.append(evt)
    '''), NotFixable.NAMED_EXPR.value),
    ("dict-merged-extra-keys", _m('''
        async def greet(self):
            await self.client.send_event(dict({"type": "response.create"}, metadata={"a": 1}))
    '''), NotFixable.EXTRA_KEYS.value),
    ("no-gate", _c('''
        class Plain:
            async def greet(self):
                await self.client.send_event({"type": "response.create"})
    '''), NotFixable.NO_GATE.value),
    ("hidden-base", _c('''
        from framework import App

        class Plain(App):
            async def greet(self):
                await self.client.send_event({"type": "response.create"})
    '''), NotFixable.HIDDEN_BASE.value),
    ("gate-shadowed", _c('''
        from legacy import old_gate
        from respgate_lint.runtime import GatedResponseMixin

        class Bridge(GatedResponseMixin):
            trigger_response = old_gate

            async def greet(self):
                await self.client.send_event({"type": "response.create"})
    '''), NotFixable.GATE_SHADOWED.value),
    ("gate-shape", _c('''
        class Plain:
            async def trigger_response(self, why, client):
                await client.send_event({"type": "response.create"})

            async def greet(self):
                await self.client.send_event({"type": "response.create"})
    '''), NotFixable.GATE_SHAPE.value),
    ("gate-payload", _c('''
        class Plain:
            async def trigger_response(self, reason, client=None, is_greeting=False, force=False):
                await (client or self.client).send_event({"type": "response.create"})

            async def greet(self):
                await self.client.send_event({"type": "response.create", "response": {"a": 1}})
    '''), NotFixable.GATE_PAYLOAD.value),
    ("gate-client", _c('''
        class Plain:
            async def trigger_response(self, reason, client):
                await client.send_event({"type": "response.create"})

            async def greet(self):
                await self.ws.send(json.dumps({"type": "response.create"}))
    '''), NotFixable.GATE_CLIENT.value),
    ("gate-required", _c('''
        class Plain:
            async def trigger_response(self, reason, client, mode):
                await client.send_event({"type": "response.create"})

            async def greet(self):
                await self.client.send_event({"type": "response.create"})
    '''), NotFixable.GATE_REQUIRED.value),
    ("plain-function", _m('''
        async def greet(self):
            await send_event(self.ws, {"type": "response.create"})
    '''), NotFixable.NOT_A_METHOD.value),
    ("extra-args", _m('''
        async def greet(self):
            await self.client.send_event({"type": "response.create"}, timeout=3)
    '''), NotFixable.EXTRA_ARGS.value),
    ("sdk-args", _m('''
        async def greet(self):
            await self.conn.response.create(extra_headers={"x": "y"})
    '''), NotFixable.SDK_ARGS.value),
    ("lambda", _m('''
        async def greet(self):
            await asyncio.gather(*(self.client.send_event({"type": "response.create"}) for _ in "a"))
    '''), NotFixable.IN_LAMBDA.value),
    ("factory", _m('''
        async def greet(self):
            await self.client.send_event(self._make_create())

        def _make_create(self):
            return {"type": "response.create"}
    '''), NotFixable.FACTORY.value),
    ("event-name", _m('''
        async def greet(self):
            await self.client.send("response.create", {"voice": "x"})
    '''), NotFixable.EVENT_NAME.value),
    ("converted", _m('''
        async def greet(self):
            await self.ws.send(json.dumps({"type": "response.create"}).encode())
    '''), NotFixable.CONVERTED.value),
    ("gate-lookalike", _m('''
        async def _trigger_response(self, reason):
            await self.client.send_event({"type": "response.create"})
    '''), NotFixable.GATE_LOOKALIKE.value),
    ("project-gate-under-another-name", _m('''
        async def _request_response(self, ws, why, *, owed=False):
            if self.in_flight:
                self.owed.append(why)
                return
            await ws.send(json.dumps({"type": "response.create"}))
    '''), NotFixable.GATE_LOOKALIKE.value),
    ("handed-off", _m('''
        async def greet(self):
            await asyncio.to_thread(self.ws.send, json.dumps({"type": "response.create"}))
    '''), NotFixable.HANDED_OFF.value),
    ("noqa", _m('''
        async def greet(self):
            await self.client.send_event({"type": "response.create"})  # noqa: RGT001
    '''), "silenced with # noqa"),
]

# Sends inside a gate are not findings at all: nothing to fix, nothing reported.
INSIDE_GATE = _c('''
    class Bridge:
        async def trigger_response(self, reason, client, *, force=False, response=None):
            async def _send():
                await client.send_event({"type": "response.create", "response": response})
            await _send()
''')
