"""Phone ordering desk of a pizzeria on the openai SDK's realtime connection (test data).

Synthetic, written for respgate-lint's reason tests: tools dispatched with ``match`` on
``tool_call.name``, results handed to a helper (built in a variable first, nested error
objects, an error-code enum), a kitchen call retried inside ``except asyncio.TimeoutError``,
the SDK's ``conn.response.create(...)``. Never imported by the tests; only fixed.
"""

import asyncio
import json
import logging
from enum import Enum
from respgate_lint.runtime import GatedResponseMixin  # the reference gate

log = logging.getLogger("order_desk")

GREETING = "Say: 'Luigi's pizzeria, what can I get you?'"


class ErrorCode(str, Enum):
    OUT_OF_STOCK = "out_of_stock"
    CLOSED = "closed"


class OrderDesk(GatedResponseMixin):
    """One call on one realtime connection."""

    def __init__(self, conn, menu, kitchen, manual_turns=False):
        self.conn = conn
        self.menu = menu
        self.kitchen = kitchen
        self.manual_turns = manual_turns
        self.cart = []

    async def _tool_output(self, call_id, result):
        await self.conn.conversation.item.create(item={
            "type": "function_call_output", "call_id": call_id, "output": json.dumps(result)})

    async def run(self):
        async for event in self.conn:
            if event.type == "session.updated":
                await self.conn.response.create(response={"instructions": GREETING})
            elif event.type == "response.function_call_arguments.done":
                await self.handle_tool_call(event)
            elif event.type == "input_audio_buffer.speech_stopped" and self.manual_turns:
                await self.conn.response.create()
            elif event.type == "error":
                log.error("realtime error: %s", event.error)

    async def handle_tool_call(self, tool_call):
        args = json.loads(tool_call.arguments or "{}")
        match tool_call.name:
            case "add_item":
                item = self.menu.find(args.get("item", ""))
                if item is None:
                    result = {"ok": False,
                              "error": {"code": "not_on_menu", "message": "We don't make that"}}
                    await self._tool_output(tool_call.call_id, result)
                    await self.conn.response.create()
                    return
                if not item.in_stock:
                    await self._tool_output(tool_call.call_id,
                                            {"ok": False, "error_code": ErrorCode.OUT_OF_STOCK})
                    await self.conn.response.create()
                    return
                self.cart.append(item)
                await self._tool_output(tool_call.call_id, {"ok": True, "cart_size": len(self.cart)})
                await self.conn.response.create()

            case "place_order":
                if not self.cart:
                    await self._tool_output(tool_call.call_id, {"status": "empty_cart"})
                    await self.conn.response.create(
                        response={"instructions": "Tell the caller the cart is empty."})
                    return
                if self.kitchen.closed:
                    await self._tool_output(tool_call.call_id,
                                            {"ok": False, "error_code": ErrorCode.CLOSED})
                    await self.conn.response.create()
                    return
                ticket = None
                for attempt in range(3):
                    try:
                        ticket = await asyncio.wait_for(self.kitchen.submit(self.cart), timeout=4)
                        break
                    except asyncio.TimeoutError:
                        if attempt < 2:
                            log.warning("kitchen is slow, retrying (%d)", attempt + 1)
                            await self.conn.response.create(
                                response={"instructions": "Say: one moment please."})
                            continue
                        # three timeouts: apologise and take a call-back number instead
                        await self._tool_output(tool_call.call_id, {"status": "kitchen_unreachable"})
                        await self.conn.response.create()
                        return
                await self._tool_output(tool_call.call_id, {"status": "placed", "ticket": ticket.id})
                await self.conn.response.create()

            case "transfer_to_human" | "speak_to_manager":
                await self.kitchen.page_manager()
                await self.conn.response.create(response={"instructions": "Say you transfer."})

            case _:
                await self._tool_output(tool_call.call_id, {"ok": False, "error": "unknown tool"})
                await self.conn.response.create()
