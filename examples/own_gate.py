"""A handler that already has its own gate, shaped the way production gates are (example).

``trigger_response`` here takes the reason first, an optional client that falls back to the
handler's own, and ``force``; it has no payload parameter. A few tool paths still ask for a
response directly. ``respgate fix`` reads this gate's definition and rewrites those sends into
calls it accepts (``await self.trigger_response("REASON", self.client, force=False)``); it never
hands the gate an argument it does not take. The raw websocket send is an unsafe fix: the gate
takes no websocket and would send with its own ``self.client``, and respgate cannot know that
both are the same call, so ``--unsafe-fixes`` applies it. Try it:
``respgate fix --diff examples/own_gate.py``.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

log = logging.getLogger("examples.own_gate")


class ReceptionBridge:
    """One call: a Realtime client wrapper (``send_event(dict)``) and its raw websocket."""

    def __init__(self, client: Any, ws: Any) -> None:
        self.client = client
        self.ws = ws
        self.responding = False
        self.last_create = 0.0

    async def trigger_response(self, reason: str, client: Any = None, is_greeting: bool = False,
                               force: bool = False) -> bool:
        """The team's gate: one response at a time, not too fast, logged by reason."""
        client = client or self.client
        if self.responding and not force:
            log.info("held %s: a response is in flight", reason)
            return False
        if time.monotonic() - self.last_create < 0.5 and not is_greeting:
            log.info("held %s: too rapid", reason)
            return False
        self.last_create = time.monotonic()
        self.responding = True
        await client.send_event({"type": "response.create"})
        return True

    async def on_event(self, event: dict[str, Any]) -> None:
        if event.get("type") == "response.done":
            self.responding = False

    async def on_tool_result(self, name: str, output: dict[str, Any]) -> None:
        await self.client.send_event({"type": "conversation.item.create", "item": {
            "type": "function_call_output", "output": json.dumps(output)}})
        if name == "check_availability":
            await self.client.send_event({"type": "response.create"})
        elif name == "book_appointment":
            await self.client.send_event({"type": "response.create"})

    async def on_silence_timeout(self) -> None:
        await self.ws.send(json.dumps({"type": "response.create"}))
