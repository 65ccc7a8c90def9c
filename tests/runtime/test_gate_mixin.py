"""GatedResponseMixin: works in a host class whose __init__ ignores super()."""

from __future__ import annotations

import asyncio
import threading
from types import MappingProxyType

from respgate_lint.runtime import GatedResponseMixin, ResponseGate
from respgate_lint.runtime.outcome import SESSION_NOT_READY


class BridgeHandler(GatedResponseMixin):
    """Shaped like a real Twilio<->Realtime bridge after the codemod ran."""

    response_gate_min_interval_s = 0.05
    response_gate_defer_timeout_s = 0.3

    def __init__(self, client):  # no super().__init__(): the mixin must cope
        self.client = client

    async def on_tool_result(self, name):
        return await self.trigger_response(f"tool_{name}", self.client)


def test_mixin_gate_is_lazy_per_instance_and_configured(arun):
    async def scenario():
        from respgate_lint.testing import RealtimePeer

        peer = RealtimePeer(response_duration_s=None)
        a, b = BridgeHandler(peer.client()), BridgeHandler(peer.client())
        assert "_respgate_response_gate" not in vars(a)
        assert a.response_gate is a.response_gate
        assert a.response_gate is not b.response_gate
        assert a.response_gate.min_interval_s == 0.05
        assert a.response_gate.defer_timeout_s == 0.3
        peer.connect(a.response_gate.observe)
        out = await a.on_tool_result("lookup")
        assert (out.status, out.guard) == ("deferred", SESSION_NOT_READY)
        peer.receive({"type": "session.update", "session": {}})
        await peer.wait_for(lambda: len(peer.creates) == 1)
        assert peer.creates[0]["response"]["metadata"]["reason"] == "tool_lookup"
        a.response_gate.close()

    arun(scenario())


def test_factory_override_and_injected_gate(arun):
    class Custom(GatedResponseMixin):
        def __init__(self):
            pass

        def create_response_gate(self):
            return ResponseGate(max_responses=7, require_session_update=False)

    async def scenario():
        handler = Custom()
        assert handler.response_gate.max_responses == 7
        injected = ResponseGate(require_session_update=False)
        handler.response_gate = injected
        assert handler.response_gate is injected

    arun(scenario())


def test_lazy_creation_is_thread_safe(join_threads):
    class Counting(GatedResponseMixin):
        made = 0

        def __init__(self):
            pass

        def create_response_gate(self):
            Counting.made += 1
            return super().create_response_gate()

    handler = Counting()
    barrier = threading.Barrier(8)
    seen = []

    def worker():
        barrier.wait(5)
        seen.append(handler.response_gate)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    join_threads(threads)
    assert len(seen) == 8 and len({id(g) for g in seen}) == 1
    assert Counting.made == 1


def test_trigger_response_from_tool_records_call_id(arun):
    class Handler(GatedResponseMixin):
        response_gate_options = MappingProxyType({"require_session_update": False})

    class Sink:
        def __init__(self):
            self.events = []

        def send_event(self, event):  # sync method: the gate must not await it
            self.events.append(event)

    async def scenario():
        handler, sink = Handler(), Sink()
        caller_payload = {"instructions": "Summarise."}
        out = await handler.trigger_response_from_tool(
            "tool_crm", sink, call_id="call_42", response=caller_payload)
        assert out.sent
        meta = sink.events[0]["response"]["metadata"]
        assert meta["tool_call_id"] == "call_42" and meta["reason"] == "tool_crm"
        assert caller_payload == {"instructions": "Summarise."}
        await asyncio.sleep(0)

    arun(scenario())
