# Eval file: named constants, enum members, typed classes, the SDK method, variables.
import json
from enum import Enum

from .events import EVENT_RESPONSE_CREATE, ResponseCreateMessage
from .events import RESPONSE_CREATE as RC_ALIAS
from .events import RESPONSE_CREATE_EVENT, RESPONSE_CREATE_PAYLOAD as GREET_EVT
from . import events
from openai.types.beta.realtime import ResponseCreateEvent

RESPONSE_CREATE = "response.create"
CREATE = "response.create"
GREETING_EVENT = {"type": "response.create", "response": {"instructions": "Hello!"}}
RESPONSE_CREATE_MSG = {"type": "session.update"}  # misnamed here: its value decides


class SendEvents(str, Enum):
    RESPONSE_CREATE = "response.create"
    SESSION_UPDATE = "session.update"


class ClientEvents:
    CREATE_RESPONSE = "response.create"


class Handler:
    async def imported_event_constant(self, ws):
        await ws.send(json.dumps(RESPONSE_CREATE_EVENT))  # RGT001

    async def imported_event_constant_alias(self, client):
        await client.send_event(GREET_EVT)  # RGT001

    async def event_constant_attribute(self, client):
        await client.send_event(events.RESPONSE_CREATE_MESSAGE.copy())  # RGT001

    async def misnamed_module_dict_is_judged_by_value(self, client):
        await client.send_event(RESPONSE_CREATE_MSG)

    async def event_constant_compared_not_sent(self, event):
        if event == RESPONSE_CREATE_EVENT:
            log(RESPONSE_CREATE_EVENT)

    async def constant(self, client):
        await client.send_event({"type": RESPONSE_CREATE})  # RGT001

    async def any_named_constant(self, client):
        await client.send_event({"type": CREATE})  # RGT001

    async def imported_constant(self, client):
        await client.send_event({"type": EVENT_RESPONSE_CREATE})  # RGT001

    async def imported_alias(self, client):
        await client.send_event({"type": RC_ALIAS})  # RGT001

    async def enum_member(self, client):
        await client.send_event({"type": SendEvents.RESPONSE_CREATE})  # RGT001

    async def enum_value(self, client):
        await client.send_event({"type": SendEvents.RESPONSE_CREATE.value})  # RGT001

    async def foreign_enum(self, client):
        await client.send_event({"type": events.ClientEventType.RESPONSE_CREATE})  # RGT001

    async def holder_class(self, client):
        await client.send_event({"type": ClientEvents.CREATE_RESPONSE})  # RGT001

    async def not_the_event(self, client):
        await client.send_event({"type": SendEvents.SESSION_UPDATE})

    async def module_event_variable(self, client):
        await client.send_event(GREETING_EVENT)  # RGT001

    async def sdk(self, conn):
        await conn.response.create()  # RGT001

    async def sdk_payload(self):
        await self.connection.response.create(response={"instructions": "Bye"}, event_id="e9")  # RGT001

    async def sdk_raw_send(self, conn):
        await conn.send({"type": "response.create", "response": {"modalities": ["audio"]}})  # RGT001

    async def typed_inline(self, client):
        await client.send(ResponseCreateEvent(type="response.create"))  # RGT001

    async def typed_message(self, client):
        await client.send(ResponseCreateMessage())  # RGT001

    async def typed_factory(self, client):
        await client.send(ResponseCreateEvent.construct(response=None))  # RGT001

    async def typed_dumped(self, client):
        await client.send_event(ResponseCreateEvent(response=None).model_dump())  # RGT001

    async def typed_variable(self, client):
        event = ResponseCreateEvent(response=None)
        await client.send(event)  # RGT001

    async def generic_event_class(self, client):
        await client.send(RealtimeClientEvent(type="response.create"))  # RGT001

    async def local_variable(self, client):
        evt = {"type": "response.create"}
        await client.send_event(evt)  # RGT001

    async def local_variable_json(self, ws):
        payload = json.dumps({"type": "response.create", "response": {"modalities": ["text"]}})
        await ws.send(payload)  # RGT001

    async def built_by_keys(self, client):
        evt = {}
        evt["type"] = "response.create"
        await client.send_event(evt)  # RGT001

    async def variable_reused(self, client, item):
        msg = {"type": "response.create"}
        await client.send_event(msg)  # RGT001
        msg = {"type": "conversation.item.create", "item": item}
        await client.send_event(msg)

    async def variable_on_one_branch(self, client, urgent):
        msg = {"type": "input_audio_buffer.commit"}
        if urgent:
            msg = {"type": "response.create"}
        await client.send_event(msg)  # RGT001

    async def variable_rebound_in_loop(self, client, items):
        for msg in items:
            await client.send_event(msg)

    async def enclosing_scope(self, client):
        evt = {"type": "response.create"}

        async def later():
            await client.send_event(evt)  # RGT001

        return later

    async def shadowed_by_parameter(self, client):
        evt = {"type": "response.create"}

        async def later(evt):
            await client.send_event(evt)

        return later


class MoreForms:
    async def event_name_argument(self):
        await self.client.send("response.create", {"response": {"modalities": ["audio"]}})  # RGT001

    async def event_name_constant(self):
        self.realtime.send(RESPONSE_CREATE)  # RGT001

    async def local_type_string(self, ws):
        event_type = "response.create"
        await ws.send(json.dumps({"type": event_type}))  # RGT001

    async def local_type_string_reused(self, ws):
        event_type = "response.create"
        event_type = "response.cancel"
        await ws.send(json.dumps({"type": event_type}))

    async def from_factory(self, ws):
        await ws.send(json.dumps(self._response_create_event("Hi")))  # RGT001

    def _response_create_event(self, instructions):
        return {"type": "response.create", "response": {"instructions": instructions}}

    async def other_factory(self, ws):
        await ws.send(json.dumps(self._cancel_event()))

    def _cancel_event(self):
        return {"type": "response.cancel"}

    async def generic_builder(self, ws):
        await ws.send(self._event("response.create", response={"modalities": ["audio"]}))  # RGT001

    async def generic_builder_other_event(self, ws):
        await ws.send(self._event("response.cancel"))

    async def json_of_the_bare_name(self, ws):
        log.info(json.dumps("response.create"))


class SnakeCaseNames:
    async def named_for_the_event(self, ws, build):
        response_create = build()
        await ws.send(response_create)  # RGT001
        response_create_event = await self.registry.make("create")
        await self.websocket_manager.send_event(response_create_event)  # RGT001

    async def not_the_event(self, ws, stats):
        response_create_ms = stats.elapsed()
        await ws.send(str(response_create_ms))
        response_created = stats.last()
        await ws.send(response_created)


class AttributeHeld:
    async def held_on_self(self):
        self._pending = {"type": "response.create"}
        await self.ws.send(json.dumps(self._pending))  # RGT001

    async def replaced_on_self(self):
        self._pending = {"type": "response.create"}
        self._pending = {"type": "response.cancel"}
        await self.ws.send(json.dumps(self._pending))

    async def other_method_knows_nothing(self):
        await self.ws.send(json.dumps(self._pending))
