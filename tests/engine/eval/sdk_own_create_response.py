# Eval file: a module that defines its own create_response(): calls of it are calls of a
# wrapper (whose send is reported inside it), not a realtime SDK's method.


class RealtimeClient:
    async def create_response(self):
        await self.ws.send_event({"type": "response.create"})  # RGT001


class App:
    async def on_text(self, client):
        await client.create_response()
