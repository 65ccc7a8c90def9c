# Eval file: events collected in a list or tuple, then sent together or one by one.
import asyncio
import json


async def flush_turn(send, tool_outputs):
    events = []
    for out in tool_outputs:
        events.append({"type": "conversation.item.create", "item": out})
    events.append(dict(type="response.create"))
    await send(*events)  # RGT001


async def loop_send(ws, tool_outputs):
    batch = [{"type": "conversation.item.create", "item": o} for o in tool_outputs]
    batch.append({"type": "response.create"})
    for e in batch:
        await ws.send(json.dumps(e))  # RGT001


async def tuple_loop(ws):
    for evt in ({"type": "input_audio_buffer.commit"}, {"type": "response.create"}):
        await ws.send(json.dumps(evt))  # RGT001


async def extended_then_gathered(ws, items):
    frames = [json.dumps(i) for i in items]
    frames += [json.dumps({"type": "response.create"})]
    await asyncio.gather(*(ws.send(f) for f in frames))  # RGT001: 28


async def extend_then_batch(client):
    outbox: list[dict] = []
    outbox.extend([{"type": "input_audio_buffer.commit"}, {"type": "response.create"}])
    await client.send_many(outbox)  # RGT001


async def built_by_update(client):
    evt = {}
    evt.update(type="response.create")
    await client.send_event(evt)  # RGT001


class Provider:
    async def _send(self, *messages):
        for message in messages:
            await self._ws.send(json.dumps(message))

    async def submit_tool_results(self, results, continue_response):
        messages = [{"type": "conversation.item.create", "item": r} for r in results]
        if continue_response:
            messages.append({"type": "response.create"})
        await self._send(*messages)  # RGT001


def collected_and_returned(history):
    commands = []
    commands.append({"type": "response.create"})
    history.append({"type": "response.create"})
    return commands


async def other_events_collected(ws):
    events = [{"type": "input_audio_buffer.commit"}]
    events.append({"type": "response.cancel"})
    for e in events:
        await ws.send(json.dumps(e))
    await ws.send(json.dumps(events))
