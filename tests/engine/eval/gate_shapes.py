# Eval file: RGT002/RGT003 follow the gate the call reaches, read from its own definition.
# A comment made only of rule codes at the end of a line is an expected finding on it.
import asyncio
import json

from voiceframework import RealtimeApp  # a base respgate cannot read


class SyncGate:
    def trigger_response(self, reason, force=False):
        self.ws.send(json.dumps({"type": "response.create"}))

    async def on_done(self):
        self.trigger_response("SYNC_DONE")  # a sync gate is called, not awaited: no RGT002

    async def on_other(self):
        self.trigger_response("SYNC_DONE")  # RGT003


class ClientFirst:
    async def trigger_response(self, client, reason):
        await client.send_event({"type": "response.create"})

    async def a(self):
        await self.trigger_response(self.client, "CLIENT_FIRST")

    async def b(self):
        await self.trigger_response(self.client, "CLIENT_FIRST")  # RGT003

    async def c(self, name):
        await self.trigger_response(self.client, name)  # RGT003

    async def d(self):
        self.trigger_response(self.client, "CLIENT_FIRST_D")  # RGT002


class Unreadable(RealtimeApp):
    async def a(self, name):
        self.trigger_response(name)  # its gate is unknown: neither RGT002 nor RGT003


class Seed:
    async def trigger_response(self, reason, client=None, is_greeting=False, force=False):
        client = client or self.client
        await client.send_event({"type": "response.create"})

    async def greet(self):
        await self.trigger_response("SEED_GREETING", is_greeting=True)

    async def twice(self):
        await self.trigger_response("SEED_GREETING", force=True)  # RGT003


async def trigger_response(ws, why):  # no parameter says "reason": shape unreadable
    await ws.send(json.dumps({"type": "response.create"}))


async def module_caller(ws):
    trigger_response(ws, None)  # unreadable gate: not checked
    asyncio.get_running_loop()
