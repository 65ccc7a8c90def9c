# Eval file: a Realtime client that also holds Responses-API-shaped events (top-level
# model/input): those are reported only with `apis = ["realtime", "responses-ws"]`.
import json

REALTIME_URL = "wss://api.openai.com/v1/realtime?model=gpt-realtime"


async def realtime_turn(ws):
    await ws.send(json.dumps({"type": "response.create", "response": {"modalities": ["audio"]}}))  # RGT001


async def responses_shaped(ws, text, previous):
    await ws.send('{"type": "response.create", "model": "gpt-4o-mini"}')  # responses-ws
    await ws.send(json.dumps({"type": "response.create", "input": text, "previous_response_id": previous}))  # responses-ws


def responses_turn(text):
    return {"type": "response.create", "model": "gpt-5-mini", "input": text}


async def ask_through_a_factory(ws, text):
    await ws.send(json.dumps(responses_turn(text)))  # responses-ws
