# Eval file: the event inside a wrapper object or helper call, and helpers that send
# without a send verb in their name. `# RGT001: N` also pins the 1-based column.
import copy
import json
from typing import Any, cast

from agents.realtime.model_inputs import RealtimeModelSendRawMessage as RawMessage
from .bus import Envelope, RawClientMessage, strip_not_given

NUDGE = RawMessage(message={"type": "response.create"})
NOT_AN_EVENT = RawMessage(message={"type": "response.cancel"})


class Session:
    async def keyword_wrapper(self, model):
        await model.send_event(RawMessage(message={"type": "response.create"}))  # RGT001

    async def nested_wrappers(self, model):
        await model.send_event(  # RGT001
            RawMessage(message=RawClientMessage(type="response.create", other_data={}))
        )

    async def positional_wrapper(self, bus):
        await bus.publish(Envelope("openai", {"type": "response.create"}))  # RGT001

    async def wrapper_of_unpacked_event(self, bus):
        data = {"type": "response.create", "event_id": "e1"}
        await bus.publish(Envelope(**data))  # RGT001

    async def module_constant_wrapper(self, session):
        await session.model.send_event(NUDGE)  # RGT001

    async def wrapper_in_a_variable(self, model):
        msg = RawMessage(message={"type": "response.create", "other_data": {}})
        await model.send_event(msg)  # RGT001

    async def wrapper_of_another_event(self, model):
        await model.send_event(RawMessage(message={"type": "response.cancel"}))
        await model.send_event(NOT_AN_EVENT)

    async def helper_calls_around_the_dict(self, conn, params):
        await conn.send(cast(Any, strip_not_given({"type": "response.create", **params})))  # RGT001

    async def deepcopy_helper(self, conn, template):
        await conn.send(copy.deepcopy({"type": "response.create", **template}))  # RGT001

    async def logged_not_wrapped(self, conn):
        log.info(repr({"type": "response.create"}))
        await conn.send(len({"type": "response.create"}))

    async def value_used_in_a_wrapper(self, ws):
        done = await ws.send(json.dumps(strip_not_given({"type": "response.create"})))  # RGT001: 22
        return done


class Bridge:
    """`_up` sends whatever it is given: a call of it with the event is a send."""

    async def _up(self, payload):
        await self.ws.send(json.dumps(payload))

    def _remember(self, payload):
        self.history.write(json.dumps(payload))

    async def on_tool_done(self):
        await self._up({"type": "response.create"})  # RGT001

    async def on_other(self):
        await self._up({"type": "input_audio_buffer.commit"})
        self._remember({"type": "response.create"})
