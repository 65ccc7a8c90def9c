# Eval file: the event passed through one helper call (the SDK's own escape hatch shape).
import dataclasses
import json
from typing import Any, cast

import msgpack

from ._utils import strip_not_given


@dataclasses.dataclass
class CreateResponse:
    type: str = "response.create"


class ResponseResource:
    def __init__(self, connection):
        self._connection = connection

    async def create(self, *, event_id=None, response=None):
        await self._connection.send(  # RGT001
            cast(Any, strip_not_given({"type": "response.create", "event_id": event_id, "response": response}))
        )

    async def packed(self, ws):
        await ws.send(msgpack.packb({"type": "response.create"}))  # RGT001

    async def as_dict(self, ws):
        await ws.send(json.dumps(dataclasses.asdict(CreateResponse())))  # RGT001

    async def other_types_through_helpers(self, ws):
        await self._connection.send(cast(Any, strip_not_given({"type": "response.cancel"})))
        await ws.send(msgpack.packb({"type": "input_audio_buffer.commit"}))
