# Eval file: a Responses API websocket client (/v1/responses), not the Realtime API: its
# response.create sends are reported only with `apis = ["realtime", "responses-ws"]`.
# Lines marked `# responses-ws` are the findings with that setting (test_eval_files.py).
import json

import websockets

URL = "wss://api.openai.com/v1/responses"


async def run_turn(api_key, text):
    async with websockets.connect(URL, additional_headers={"Authorization": api_key}) as ws:
        await ws.send(json.dumps({"type": "response.create"}))  # responses-ws
        body = {"type": "response.create", "model": "gpt-5-mini", "input": text}
        await ws.send(json.dumps(body))  # responses-ws
        async for raw in ws:
            if json.loads(raw)["type"] == "response.completed":
                return
