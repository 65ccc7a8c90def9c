# Eval file: an event kept in an instance attribute by one method and sent by another.
import copy
import json

BASE_CREATE = {"type": "response.create", "response": {"modalities": ["audio"]}}


class Relay:
    def __init__(self, ws, client):
        self.ws = ws
        self.client = client
        self._create = {"type": "response.create"}
        self.create_text = json.dumps({"type": "response.create", "response": {}})
        self.greeting_create = BASE_CREATE
        self.kind = "response.create"          # the type alone, not an event
        self.session_update = {"type": "session.update"}

    async def after_tool(self):
        await self.ws.send(json.dumps(self._create))  # RGT001

    async def nudge(self):
        await self.ws.send(self.create_text)  # RGT001

    async def greet(self):
        await self.client.send_event(self.greeting_create)  # RGT001

    async def through_a_copy(self):
        event = dict(self._create)
        await self.client.send_event(event)  # RGT001

    async def through_deepcopy(self):
        await self.client.send_event(copy.deepcopy(self.greeting_create))  # RGT001

    async def other_events_are_not_sends(self):
        await self.client.send_event(self.session_update)

    async def compared_not_sent(self, event):
        if event == self._create:
            await self.client.send_event({"type": "conversation.item.create"})

    async def logged_not_sent(self, log):
        log.info("template %s", self._create)


class Reused:
    """An attribute that also holds something else somewhere is never trusted."""

    def __init__(self, ws):
        self.ws = ws
        self.pending = {"type": "response.create"}

    def reset(self):
        self.pending = None

    async def flush(self):
        if self.pending is not None:
            await self.ws.send(json.dumps(self.pending))


class OtherClass:
    """The same name assigned something else by another class: silent for both."""

    def __init__(self, ws):
        self.ws = ws
        self.template = {"type": "session.update", "session": {}}

    async def send_template(self):
        await self.ws.send(json.dumps(self.template))


class Holder:
    def __init__(self, ws):
        self.ws = ws
        self.template = {"type": "response.create"}

    async def send_template(self):
        await self.ws.send(json.dumps(self.template))


class OwnGate:
    """A gate that keeps a deferred create and flushes it later sends its own event."""

    def __init__(self, ws):
        self.ws = ws

    async def trigger_response(self, reason, client, *, force=False):
        if not force:
            self.deferred = {"type": "response.create", "metadata": {"reason": reason}}
            return
        await client.send(json.dumps({"type": "response.create"}))

    async def flush_deferred(self):
        if getattr(self, "deferred", None) is not None:
            await self.ws.send(json.dumps(self.deferred))
