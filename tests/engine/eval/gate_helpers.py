# Eval file: a gate that keeps its send in a helper only the gate calls: the helper's send is
# the gate's own. A helper that anything else calls, or hands on, is an ordinary function.
import json


class Bridge:
    async def trigger_response(self, reason, client=None, *, force=False):
        if self.in_flight and not force:
            return False
        self.in_flight = True
        await self._raw_create(client or self.client)
        return True

    async def _raw_create(self, client):
        await client.send_event({"type": "response.create"})

    async def _shared_create(self, client):
        await client.send_event({"type": "response.create"})  # RGT001

    async def greet(self):
        await self._shared_create(self.client)

    async def _handed_on(self, client):
        await client.send_event({"type": "response.create"})  # RGT001

    def register(self, loop):
        loop.call_soon(self._handed_on)


async def trigger_response(ws, reason):
    await _send_create(ws)


async def _send_create(ws):
    await ws.send(json.dumps({"type": "response.create"}))


async def on_silence(ws):
    await ws.send(json.dumps({"type": "response.create"}))  # RGT001
