# Eval file: non-ASCII text before the call, and noqa as flake8 defines it.
import json


class Bridge:
    async def hebrew(self, client):
        log.info("שלום עולם 🎉"); await client.send_event({"type": "response.create"})  # RGT001

    async def emoji_prefix(self, ws):
        x = "📞📞"; await ws.send(json.dumps({"type": "response.create"}))  # RGT001

    async def silenced(self, client):
        await client.send_event({"type": "response.create"})  # noqa: RGT001

    async def silenced_all(self, client):
        await client.send_event({"type": "response.create"})  # noqa

    async def silenced_other_code(self, client):
        await client.send_event({"type": "response.create"})  # noqa: E501  # RGT001

    async def noqa_applies_to_its_physical_line_only(self, client):
        await client.send_event(  # RGT001
            {"type": "response.create"}
        )  # noqa: RGT001

    async def noqa_on_the_reported_line(self, client):
        await client.send_event(  # noqa: RGT001
            {"type": "response.create"}
        )
