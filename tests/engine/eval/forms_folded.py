# Eval file: the event type spelled from string constants the module assigns once.
import json

RESPONSE = "response"
CREATE = "create"
SEP = "."
PREFIX = "response."
KIND = "cancel"
KIND = "create"  # assigned twice: its value at the send is not known


async def f_string(ws):
    await ws.send(json.dumps({"type": f"{RESPONSE}.{CREATE}"}))  # RGT001


async def concatenated(ws):
    await ws.send(json.dumps({"type": RESPONSE + SEP + CREATE}))  # RGT001


async def prefix_constant(client):
    await client.send_event({"type": PREFIX + "create"})  # RGT001


async def not_a_create(ws):
    await ws.send(json.dumps({"type": f"{RESPONSE}.cancel"}))
    await ws.send(json.dumps({"type": RESPONSE + ".done"}))


async def reassigned_constant(ws):
    await ws.send(json.dumps({"type": PREFIX + KIND}))


async def formatted_is_not_folded(ws, n):
    await ws.send(json.dumps({"type": f"{RESPONSE}.{CREATE!r}"}))
    await ws.send(json.dumps({"type": f"{RESPONSE}.{n}"}))
