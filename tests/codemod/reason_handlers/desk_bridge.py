"""A raw-websocket Realtime bridge for a front desk, plus a push-to-talk test client (test data).

Synthetic, written for respgate-lint's reason tests: JSON text over ``websockets``, one-letter
keys and one-letter tools (names that must not become three-character reasons), a reconnect
``except`` with a fallback, state conditions (``!=``, ``is None``, ``len(...) == 0``,
``in CONSTANT``), comments as the only evidence. Never imported by the tests; only fixed.
"""

import json
import logging

import websockets
from respgate_lint.runtime import GatedResponseMixin  # the reference gate

log = logging.getLogger("desk_bridge")

RETRYABLE = frozenset({"server_error", "rate_limit_exceeded"})


class PushToTalkClient(GatedResponseMixin):
    """A keyboard client for trying the agent from a terminal."""

    def __init__(self, ws):
        self.ws = ws

    async def on_key(self, event):
        if event.key == "k":
            await self.ws.send(json.dumps({"type": "input_audio_buffer.commit"}))
            await self.ws.send(json.dumps({"type": "response.create"}))
        elif event.key == "r":
            await self.ws.send(json.dumps({"type": "response.create",
                                           "response": {"instructions": "Repeat that."}}))

    async def handle_function_call(self, name, call_id):
        if name in ("a", "b"):
            await self.ws.send(json.dumps({"type": "response.create"}))


class FrontDeskBridge(GatedResponseMixin):
    """Twilio on one side, the Realtime websocket on the other."""

    def __init__(self, url):
        self.url = url
        self.ws = None
        self.call_state = "ringing"
        self.pending_hangup = False
        self.queue = []
        self.last_error = None

    async def on_server_event(self, event):
        kind = event.get("type")
        if kind == "error":
            code = (event.get("error") or {}).get("code")
            if code in RETRYABLE:
                await self.ws.send(json.dumps({"type": "response.create"}))
            else:
                self.last_error = code
        elif kind == "conversation.item.input_audio_transcription.completed":
            if self.call_state != "active":
                return
            if self.pending_hangup:
                # the caller said goodbye: one last short answer, then the hangup
                await self.ws.send(json.dumps({"type": "response.create", "response": {
                    "instructions": "Say goodbye in one sentence."}}))
            elif len(self.queue) == 0:
                await self.ws.send(json.dumps({"type": "response.create"}))

    async def on_media_stream_start(self, stream_sid):
        self.call_state = "active"
        try:
            self.ws = await websockets.connect(self.url)
        except (OSError, websockets.InvalidHandshake):
            log.error("realtime unreachable")
            return
        if self.last_error is None:
            await self.ws.send(json.dumps({"type": "response.create", "response": {
                "instructions": "Greet the caller."}}))

    async def on_reconnected(self):
        try:
            await self.ws.send(json.dumps({"type": "response.create"}))
        except websockets.ConnectionClosed:
            # the socket died again: use the canned apology instead of the model
            await self.play_canned_apology()
            await self.ws.send(json.dumps({"type": "response.create"}))

    async def play_canned_apology(self):
        log.info("apology")
