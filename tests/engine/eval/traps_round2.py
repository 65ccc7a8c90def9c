# Eval file: look-alikes of the round-2 forms that are not sends (no line here is reported).
import json
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel

from .events import ResponseCreateEvent, ResponseCreatedEvent

RESPONSE = "response"
CREATED = "created"


class ResponseCreateEventModel(BaseModel):
    """A typed event class definition: its fields and serialiser are not sends."""

    type: Literal["response.create"] = "response.create"
    response: dict | None = None

    def to_wire(self) -> str:
        return self.model_dump_json(exclude_none=True)


@dataclass
class Recorder:
    path: str

    def write(self, kind, payload):
        with open(self.path, "a") as fh:
            fh.write(json.dumps({"kind": kind, "payload": payload}) + "\n")


class MockRealtimeServer:
    """A mock server in a test: receives the client's response.create, answers created."""

    async def handle(self, ws, raw):
        message = json.loads(raw)
        if message["type"] == "response.create":
            parsed = ResponseCreateEvent.model_validate(message)
            self.received.append(parsed)
            await ws.send_json({"type": "response.created", "response": {"id": "r1"}})
            await ws.send_json({"type": f"{RESPONSE}.{CREATED}"})

    async def dispatch(self, ws, event):
        handler = self.handlers.get(event["type"])
        if handler is not None:
            await handler(ws, event)


class Client:
    def record(self, recorder):
        recorder.write("client_action", {"event": "response.create", "reason": "tool"})

    def assertions(self, ws):
        assert ws.sent[-1] == {"type": "response.create"}
        ws.send.assert_called_once_with(json.dumps({"type": "response.create"}))
        expected = [{"type": "input_audio_buffer.commit"}, {"type": "response.create"}]
        assert ws.frames == expected

    async def server_events(self, event):
        if isinstance(event, ResponseCreatedEvent):
            await self.emit("speaking", event.response.id)

    async def counts(self, stats, ws):
        created = stats.get("response.create", 0)
        await ws.send(json.dumps({"type": "metrics.update", "created": created}))
        await self.publish(RESPONSE)

    async def rest_apis(self, client, db):
        await client.responses.create(model="gpt-5", input="hi")
        await client.beta.chat.completions.with_raw_response.create(model="gpt")
        db.response.create(data={"call_id": "c1"})
        db.response.create(call_id="c1", status="done")

    async def cancel_wrapped(self, model):
        await model.send_event(RawMessage(message={"type": "response.cancel"}))
        await model.send_event(make_event(event_type=Kind.RESPONSE_CANCEL))
