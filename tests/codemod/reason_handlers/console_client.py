"""A console client for the Realtime API, the way tutorials and demos write one (test data).

Synthetic, written for respgate-lint's reason tests: the client is its own transport
(``self.send_event``), several sends sit in the same generic method (``run``) with no branch to
tell them apart, so the reasons must come from what was sent just before, the instructions,
or a comment. Never imported by the tests; only fixed.
"""

import asyncio
import base64
import json

import websockets


class ConsoleRealtimeClient:
    def __init__(self, url, key):
        self.url = url
        self.key = key
        self.ws = None

    async def trigger_response(self, reason, client, force=False, response=None):
        await client.send_event({"type": "response.create", **({"response": response} if response else {})})

    async def connect(self):
        self.ws = await websockets.connect(self.url, additional_headers={"Authorization": self.key})

    async def send_event(self, event):
        await self.ws.send(json.dumps(event))

    async def send_text(self, text):
        await self.send_event({"type": "conversation.item.create", "item": {
            "type": "message", "role": "user", "content": [{"type": "input_text", "text": text}]}})
        await self.send_event({"type": "response.create"})

    async def send_audio(self, pcm):
        await self.send_event({"type": "input_audio_buffer.append",
                               "audio": base64.b64encode(pcm).decode()})
        await self.send_event({"type": "input_audio_buffer.commit"})
        await self.send_event({"type": "response.create"})

    async def run(self, lines):
        await self.connect()
        await self.send_event({"type": "session.update", "session": {"modalities": ["text"]}})
        await self.send_event({"type": "response.create"})
        for line in lines:
            await self.send_event({"type": "conversation.item.create", "item": {
                "type": "message", "role": "user", "content": [{"type": "input_text", "text": line}]}})
            await self.send_event({"type": "response.create"})
        # one last turn so the model says goodbye
        await self.send_event({"type": "response.create",
                               "response": {"instructions": "Say goodbye and sum up the chat."}})
        await asyncio.sleep(1)
