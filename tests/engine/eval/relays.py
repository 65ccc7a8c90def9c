# Eval file: a relay between a browser and the model. Frames it forwards without knowing their
# type are not reported; a frame it has just found to be a response.create is the event.
import json


async def relay(browser, openai_ws):
    async for raw in browser:
        msg = json.loads(raw)
        if msg["type"] == "response.create":
            await openai_ws.send(json.dumps(msg))  # RGT001
        elif msg.get("type") == "session.update":
            await openai_ws.send(json.dumps(msg))
        else:
            await openai_ws.send(raw)


async def relay_sdk_events(conn, events):
    async for event in events:
        if event.type == "response.create":
            await conn.send(event)  # RGT001
        await conn.send(event)


async def mock_server(ws):
    async for raw in ws:
        frame = json.loads(raw)
        if frame["type"] == "response.create":
            await ws.send(json.dumps({"type": "response.created", "response": {"id": "r1"}}))


async def intercepting_relay(self, browser, openai_ws):
    async for raw in browser:
        msg = json.loads(raw)
        if msg["type"] == "response.create":
            await self.trigger_response("BROWSER_ASKED", openai_ws)
            continue
        await openai_ws.send(raw)


class FakeModelSocket:
    """A test's stand-in for the model: what it receives is recorded, not sent."""

    def __init__(self):
        self.creates = []

    async def send(self, raw):
        frame = json.loads(raw)
        if frame.get("type") == "response.create":
            self.creates.append(frame)
            self.inbox.put_nowait(frame)
