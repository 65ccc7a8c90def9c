# Eval file: typed event classes by any name holding the word ResponseCreate, aliases,
# builders and serialisers, classes of this module that are the event; and the server trap.
import asyncio
import dataclasses
import json

from openai.types.beta.realtime import ResponseCreateEvent as RTResponseCreateEvent
from .events import ClientEventResponseCreate, ConversationResponseCreateEvent
from .events import ResponseCreatedEvent, ResponseCreateMessage
from . import schemas


@dataclasses.dataclass
class CreateResponse:
    type: str = "response.create"
    response: dict = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class ResponseCreate:
    type: str = "response.create"
    response: dict | None = None


class Msg:
    CREATE = {"type": "response.create"}
    CANCEL = {"type": "response.cancel"}


class Agent:
    async def prefixed_with_builder(self, ws, text):
        await ws.send(ConversationResponseCreateEvent().with_instructions(text).model_dump_json())  # RGT001

    async def suffix_class_in_a_variable(self, ws):
        ev = ClientEventResponseCreate(response={"modalities": ["audio"]})
        await ws.send(ev.model_dump_json(exclude_none=True))  # RGT001

    async def message_class_serialised(self, client):
        await client.send_event(ResponseCreateMessage(event_id="e1").to_dict())  # RGT001

    async def module_qualified(self, client):
        await client.send(schemas.client_events.ResponseCreateEvent(response=None))  # RGT001

    async def import_alias_default_json(self, ws):
        await ws.send(RTResponseCreateEvent().default_json())  # RGT001

    async def serialised_into_a_variable_sent_in_gather(self, ws, tool):
        rc = RTResponseCreateEvent().default_json()
        await asyncio.gather(tool(), ws.send(rc))  # RGT001: 38

    async def dataclass_of_this_module(self, ws):
        await ws.send(json.dumps(dataclasses.asdict(CreateResponse(response={"voice": "ash"}))))  # RGT001

    async def class_attribute(self, ws):
        await ws.send(json.dumps(Msg.CREATE))  # RGT001

    async def class_attribute_of_another_type(self, ws):
        await ws.send(json.dumps(Msg.CANCEL))

    async def server_event_class(self, ws, event):
        if isinstance(event, ResponseCreatedEvent):
            await ws.send(json.dumps({"ack": event.response.id}))
        await ws.send(ResponseCreatedEvent(response={}).model_dump_json())

    async def options_unpacked_into_the_class(self, ws, **kwargs):
        await ws.send(ResponseCreateMessage(**kwargs).model_dump_json())  # RGT001


class RealtimeServer:
    """A Realtime-compatible server: it receives the client's response.create and queues it."""

    async def handle_response_create(self, websocket, session, message: dict):
        item = ResponseCreate(**message)
        await session.queues.unprocessed.put(item)

    async def handle_raw(self, websocket, raw):
        message = json.loads(raw)
        if message["type"] == "response.create":
            item = ResponseCreate(**message)
            await self.queues.unprocessed.put(item)
            parsed = RTResponseCreateEvent.model_validate(message)
            await self.queues.unprocessed.put(parsed)
        elif message["type"] == "session.update":
            await websocket.send(json.dumps({"type": "session.updated"}))

    async def start_response(self, websocket, response_id):
        await websocket.send(json.dumps({"type": "response.created", "response": {"id": response_id}}))


class ServerQueues:
    """A server creating its own typed event for its internal queue, which it consumes."""

    async def on_speech_end(self, session):
        response_event = ResponseCreate(response={})
        await session.queues.unprocessed.put(response_event)

    async def process(self, session, ws_client):
        item = await session.queues.unprocessed.get()
        if isinstance(item, ResponseCreate):
            await ws_client.send_json({"type": "response.created"})


class PydanticV1:
    async def dict_method(self, ws):
        ev = ClientEventResponseCreate()
        await ws.send_json(ev.dict(exclude_none=True))  # RGT001


class ServerNamedVariable:
    async def handle(self, session, message: dict):
        response_create = ResponseCreate(**message)
        await session.outbound.put_nowait(response_create)
        response_create_event = RTResponseCreateEvent.model_validate(message)
        await session.bus.publish(response_create_event)
