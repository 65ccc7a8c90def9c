# Eval file: RGT002 (gate not awaited) and RGT003 (reason not a unique literal).
import asyncio


class Agent:
    async def trigger_response(self, reason, client, *, force=False):
        ...

    async def trigger_response_from_tool(self, reason, client):
        await self.trigger_response(reason, client, force=False)

    async def greet(self):
        await self.trigger_response("GREETING", self.client)

    async def forgot_await(self):
        self.trigger_response("TOOL_DONE", self.client)  # RGT002

    async def scheduled(self):
        asyncio.create_task(self.trigger_response("SCHEDULED", self.client))

    def sync_caller(self):
        self.trigger_response("SYNC_CALLER", self.client)

    async def computed_reason(self, name):
        await self.trigger_response(f"TOOL_{name}", self.client)  # RGT003

    async def variable_reason(self, reason):
        await self.trigger_response(reason, self.client)  # RGT003

    async def no_reason(self):
        await self.trigger_response(client=self.client)  # RGT003

    async def repeated(self):
        await self.trigger_response("GREETING", self.client)  # RGT003

    async def keyword_reason(self):
        await self.trigger_response(reason="KEYWORD", client=self.client)

    async def tool_gate(self):
        await self.trigger_response_from_tool("TOOL_GATE", self.client)

    async def both(self):
        self.trigger_response("GREETING", self.client)  # RGT002, RGT003
