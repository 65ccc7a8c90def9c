# Eval file: dict literals, dict() calls and JSON, in every spelling real code uses.
# A comment made only of rule codes at the end of a line is an expected finding on it.
import asyncio
import functools
import json
import typing
from typing import cast


class Bridge:
    async def greet(self):
        await self.client.send_event({"type": "response.create"})  # RGT001

    async def single_quotes(self, client):
        await client.send_event({'type': 'response.create', 'response': {'modalities': ['audio']}})  # RGT001

    async def multi_line(self):
        await self._sess.send_event(  # RGT001
            {
                "type": "response.create",
                "response": {
                    "instructions": "Say goodbye",  # a comment inside the call
                },
            }
        )

    async def extra_keys(self, ws):
        await ws.send_event({"event_id": "e1", "type": "response.create", "response": {}})  # RGT001

    def not_awaited(self, client):
        client.send_event({"type": "response.create"})  # RGT001

    async def dict_call(self, client):
        await client.send_event(dict(type="response.create"))  # RGT001

    async def dict_call_payload(self, client):
        await client.send_event(dict(type="response.create", response={"voice": "alloy"}))  # RGT001

    async def json_dumps(self, ws):
        await ws.send(json.dumps({"type": "response.create"}))  # RGT001

    async def json_dumps_encoded(self, ws):
        await ws.send(json.dumps({"type": "response.create"}).encode("utf-8"))  # RGT001

    async def send_json(self, ws):
        await ws.send_json({"type": "response.create"})  # RGT001

    async def send_str(self, ws):
        await ws.send_str(json.dumps({"type": "response.create"}))  # RGT001

    async def hand_written_json(self, ws):
        await ws.send('{"type": "response.create"}')  # RGT001

    async def hand_written_json_spaces(self, ws):
        await ws.send('{ "type" : "response.create", "response": {"modalities": ["text"]} }')  # RGT001

    async def f_string_json(self, ws, eid):
        await ws.send(f'{{"type": "response.create", "event_id": "{eid}"}}')  # RGT001

    async def cast_passthrough(self, client):
        await client.send_event(typing.cast(dict, {"type": "response.create"}))  # RGT001

    async def cast_imported(self, client):
        await client.send_event(cast("dict", {"type": "response.create"}))  # RGT001

    async def spread(self, client, base):
        await client.send_event({**base, "type": "response.create"})  # RGT001

    def queued(self):
        self._queue_msg({"type": "response.create"})  # RGT001

    def queue_put(self):
        self.outbox.put_nowait({"type": "response.create"})  # RGT001

    async def event_as_keywords(self, client):
        await client.send_event(type="response.create", response={"voice": "alloy"})  # RGT001

    async def camel_case_and_sendall(self, sock):
        await self.sendEvent({"type": "response.create"})  # RGT001
        sock.sendall(json.dumps({"type": "response.create"}).encode())  # RGT001

    async def not_send_verbs(self, client):
        self.sender({"type": "response.create"})
        self.resend_later({"type": "response.create"})

    def handed_to_loop(self, loop):
        loop.call_soon_threadsafe(self.outbox.put_nowait, {"type": "response.create"})  # RGT001

    async def handed_to_thread(self, ws):
        await asyncio.to_thread(ws.send, json.dumps({"type": "response.create"}))  # RGT001

    async def handed_to_executor(self, loop, ws):
        await loop.run_in_executor(None, ws.send, '{"type": "response.create"}')  # RGT001

    def handed_to_partial(self, client):
        self.on_done = functools.partial(client.send_event, {"type": "response.create"})  # RGT001

    async def handed_off_other_event(self, loop, ws):
        loop.call_soon_threadsafe(ws.send, json.dumps({"type": "response.cancel"}))
        await asyncio.to_thread(self.log_event, {"type": "response.create"})

    async def keyword_event(self, client):
        await client.send_event(event={"type": "response.create"})  # RGT001

    async def in_task(self, client):
        asyncio.create_task(client.send_event({"type": "response.create"}))  # RGT001

    async def value_used(self, client):
        result = await client.send_event({"type": "response.create"})  # RGT001
        return result

    async def in_lambda(self, client):
        self.later = lambda: client.send_event({"type": "response.create"})  # RGT001


async def module_function(ws):
    await ws.send(json.dumps({"type": "response.create"}))  # RGT001


def plain_function_send(ws):
    send_event(ws, {"type": "response.create"})  # RGT001


class MoreSpellings:
    async def dict_union(self, client, base):
        await client.send_event(base | {"type": "response.create"})  # RGT001
        await client.send_event(RESPONSE_BASE | {"response": {"voice": "ash"}})
        await client.send_event({"type": "response.create"} | {"type": "response.cancel"})

    async def snake_case_enum_member(self, ws):
        await ws.send(json.dumps({"type": ClientEventType.response_create}))  # RGT001
        await ws.send(json.dumps({"type": ClientEventType.response_cancel}))
