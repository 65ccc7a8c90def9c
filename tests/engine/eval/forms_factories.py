# Eval file: factories (returning the event, also through a local, or named for it), calls
# given the event type in any argument, multi-type factories asked for other types, and
# branches selected by the event type.
import enum
import json

from . import messages
from .bus import Event, Events, make_event as imported_make_event
from .registry import EVENT_CLASSES
from .messages import ResponseCreateMessage


class Kind(str, enum.Enum):
    SESSION_UPDATE = "session.update"
    INPUT_AUDIO_BUFFER_APPEND = "input_audio_buffer.append"
    RESPONSE_CREATE = "response.create"
    RESPONSE_CANCEL = "response.cancel"


def make_create(instructions=None):
    m = ResponseCreateMessage()
    if instructions:
        m.response = {"instructions": instructions}
    return m


def build_turn(kind):
    """Multi-type: response.create only when asked for it."""
    if kind == Kind.RESPONSE_CREATE:
        return {"type": "response.create"}
    if kind == Kind.RESPONSE_CANCEL:
        return {"type": "response.cancel"}
    return {"type": kind.value}


def make_event(event_type, **fields):
    match event_type:
        case Kind.RESPONSE_CREATE:
            return {"type": "response.create", **fields}
        case _:
            return {"type": event_type.value, **fields}


class Client:
    async def factory_returning_a_local(self, client):
        await client.send(make_create("Say goodbye."))  # RGT001

    async def factory_named_for_the_event(self):
        await self._send_message(messages.response_create("Hi", ["audio"]))  # RGT001
        await self._send_message(messages.response_cancel())

    async def type_in_another_keyword(self):
        await self.send(Event(service_type=Events.RESPONSE_CREATE))  # RGT001
        await self.send(Event(service_type=Events.INPUT_AUDIO_BUFFER_APPEND, audio=b""))

    async def multi_type_factory_for_the_event(self):
        await self._send(make_event(event_type=Kind.RESPONSE_CREATE))  # RGT001
        await self._send(build_turn(Kind.RESPONSE_CREATE))  # RGT001
        await self._send(imported_make_event(event_type=Events.RESPONSE_CREATE))  # RGT001

    async def multi_type_factory_for_other_types(self, chunk, session):
        await self._send(make_event(event_type=Kind.SESSION_UPDATE, session=session))
        await self._send(make_event(event_type=Kind.INPUT_AUDIO_BUFFER_APPEND, audio=chunk))
        await self._send(build_turn(Kind.RESPONSE_CANCEL))
        await self._send(imported_make_event(event_type=Events.INPUT_AUDIO_BUFFER_APPEND))

    async def relay(self, t, **fields):
        match t:
            case Kind.RESPONSE_CREATE:
                await self._send(make_event(event_type=t, **fields))  # RGT001
            case Kind.RESPONSE_CANCEL:
                await self._send(make_event(event_type=t))
            case _:
                await self._send(make_event(event_type=t, **fields))

    async def relay_if(self, t):
        if t == "response.create":
            await self._send(build_turn(t))  # RGT001
        else:
            await self._send(build_turn(t))

    async def class_looked_up_by_type(self, ws, data):
        await ws.send(EVENT_CLASSES["response.create"](**data).model_dump_json())  # RGT001
        await ws.send(EVENT_CLASSES["response.cancel"](**data).model_dump_json())

    async def type_as_keyword_of_the_send(self, bus):
        await bus.emit(event_type=Kind.RESPONSE_CREATE, payload={})  # RGT001

    def counts_by_type_are_not_events(self, counts):
        n = counts.get(Kind.RESPONSE_CREATE, 0)
        self.write_stats(json.dumps({"created": n}))

    def typed_event_on_a_client_outbox(self):
        self.outbox.put_nowait(ResponseCreateMessage())  # RGT001


class CreateMsg:
    def to_dict(self):
        return {"type": "response.create"}

    async def send_self(self, ws):
        await ws.send(json.dumps(self.to_dict()))  # RGT001


class OtherMsg:
    async def send_other(self, ws, update):
        await ws.send(json.dumps(update.to_dict()))

    async def by_class(self, ws):
        await ws.send(json.dumps(CreateMsg.to_dict(CreateMsg())))  # RGT001
