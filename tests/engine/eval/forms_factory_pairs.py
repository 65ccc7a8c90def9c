# Eval file: a factory that returns the event together with other things (a tuple or a
# list), unpacked or indexed by its caller: only the place the event lands in is a send; and
# look-alikes that return no event. Literal pairs read the same way.
import json

from .types import ItemCreate, ResponseCreateEvent


def turn_events(text):
    return ItemCreate(item=text), ResponseCreateEvent()


def turn_dicts(text):
    item = {"type": "conversation.item.create", "item": {"content": text}}
    return [item, {"type": "response.create"}]


def items_only(text):
    return ItemCreate(item=text), ItemCreate(item=text.upper())


class Relay:
    async def unpacked(self, llm, text):
        item, create = turn_events(text)
        await llm.send_client_event(item)
        await llm.send_client_event(create)  # RGT001

    async def indexed(self, ws, text):
        pair = turn_dicts(text)
        await ws.send(json.dumps(pair[0]))
        await ws.send(json.dumps(pair[1]))  # RGT001

    async def all_at_once(self, ws, text):
        for event in turn_dicts(text):
            await ws.send(json.dumps(event))  # RGT001

    async def no_event_among_them(self, llm, text):
        first, second = items_only(text)
        await llm.send_client_event(first)
        await llm.send_client_event(second)

    async def literal_pair(self, llm):
        item, create = {"type": "conversation.item.create"}, {"type": "response.create"}
        await llm.send_client_event(item)
        await llm.send_client_event(create)  # RGT001
        both = [item, create]
        await llm.send_client_event(both[0])
        await llm.send_client_event(both[-1])  # RGT001

    async def places_unknown(self, llm, extra):
        first, *rest = [*extra, {"type": "response.create"}]
        await llm.send_client_event(first)  # RGT001


class ClientFrames:
    """A server answering its browser: names that handle or test a response.create build none."""

    async def on_client_event(self, ws, service, event):
        error = service.handle_response_create(event)
        if error:
            await ws.send_json(error)
        await ws.send_json(service.handle_response_create(event))
        if self.is_response_create(event):
            await ws.send_json(service.on_response_create(event))

    async def but_a_builder_is_one(self, ws, messages):
        await ws.send_json(messages.response_create())  # RGT001
        await ws.send_json(messages.build_response_create(voice="ash"))  # RGT001
