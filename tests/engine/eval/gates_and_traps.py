# Eval file: sends inside gates are legal; things that look like sends are not sends.
import json
import logging

log = logging.getLogger(__name__)


class Gated:
    async def trigger_response(self, reason, client, *, force=False, response=None):
        await client.send_event({"type": "response.create", "response": response})

        async def retry_once():
            await client.send_event({"type": "response.create"})

        await retry_once()

    async def trigger_response_from_tool(self, reason, client):
        await self.ws.send(json.dumps({"type": "response.create"}))

    async def _trigger_response(self, client):
        await client.send_event({"type": "response.create"})  # RGT001


async def trigger_response(reason, ws):
    await ws.send('{"type": "response.create"}')


class Traps:
    async def handle(self, event, client):
        if event["type"] == "response.created":
            log.info("response.create acknowledged")
        if event.get("type") == "response.create":
            log.debug('sent {"type": "response.create"}')
        # await client.send_event({"type": "response.create"})  (a comment)
        """await client.send_event({"type": "response.create"})  (a docstring)"""

    async def created_event(self, client):
        await client.send_event({"type": "response.created"})

    async def other_events(self, client, item):
        await client.send_event({"type": "conversation.item.create", "item": item})
        await client.send_event({"type": "response.cancel"})

    async def chat_api(self, client):
        async with client.chat.completions.with_streaming_response.create(model="gpt") as r:
            return r

    async def responses_api(self, client):
        return await client.responses.create(model="gpt", input="hi")

    async def server_side(self, websocket):
        await websocket.send_json({"type": "response.created", "response": {"id": "r1"}})

    def built_never_sent(self):
        evt = {"type": "response.create"}
        self.history.append(evt)
        log.info("would send %s", evt)
        return evt

    def compared(self, event):
        return event == {"type": "response.create"}

    async def created_constant(self, client):
        await client.send_event({"type": RESPONSE_CREATED})

    async def logs_json(self, client):
        log.info(json.dumps({"type": "response.create"}))
        print({"type": "response.create"})

    def writes_python_source_that_quotes_a_send(self, path):
        path.write_text('async def f(ws):\n    await ws.send_event({"type": "response.create"})\n')
        path.write_text('see {"type": "response.create"} in the docs')
