"""Concurrency: triggers from 8 threads reach one decision; exactly one send."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor

from respgate_lint.runtime import RESPONSE_IN_FLIGHT, ResponseGate


async def _in_eight_threads(worker):
    """Run ``worker(i)`` on 8 dedicated threads (the default pool may be smaller)."""
    loop = asyncio.get_running_loop()
    with ThreadPoolExecutor(max_workers=8) as pool:
        return await asyncio.gather(*(loop.run_in_executor(pool, worker, i) for i in range(8)))


def test_eight_threads_via_run_coroutine_threadsafe_send_once(
    arun_realtime, start_call, stats_add_up
):
    async def scenario():
        call = await start_call(peer_kw={"response_duration_s": None})
        loop = asyncio.get_running_loop()
        barrier = threading.Barrier(8)

        def worker(i):
            barrier.wait(5)
            fut = asyncio.run_coroutine_threadsafe(call.trigger(f"thread_{i}"), loop)
            return fut.result(timeout=5)

        outcomes = await _in_eight_threads(worker)
        assert sum(bool(o) for o in outcomes) == 1
        assert all(o.guard == RESPONSE_IN_FLIGHT for o in outcomes if not o)
        await call.peer.drain()
        assert len(call.peer.creates) == 1
        call.peer.complete_response()  # the 7 coalesced triggers go once, after it
        await call.wait_creates(2)
        call.peer.complete_response()
        await asyncio.sleep(0.1)
        assert len(call.peer.creates) == 2
        assert call.peer.violations == []
        stats = call.gate.stats()
        stats_add_up(stats)
        assert stats["outcomes"]["coalesced"] == 6

    arun_realtime(scenario())


def test_eight_threads_with_their_own_loops_share_one_decision(
    arun_realtime, start_call, stats_add_up
):
    """Each thread awaits the gate on its own loop: the lock alone must serialise."""

    async def scenario():
        call = await start_call(peer_kw={"response_duration_s": None})
        barrier = threading.Barrier(8)

        def worker(i):
            async def go():
                barrier.wait(5)
                return await call.gate.trigger_response(f"thread_{i}", call.client)

            return asyncio.run(go())

        outcomes = await _in_eight_threads(worker)
        assert [o.status for o in outcomes].count("sent") == 1
        assert [o.status for o in outcomes].count("deferred") == 7
        await call.peer.wait_for(lambda: len(call.peer.creates) >= 1)
        await call.peer.drain()
        assert len(call.peer.creates) == 1
        assert call.peer.violations == []
        stats_add_up(call.gate.stats())
        call.gate.close()

    arun_realtime(scenario())


class _CountingClient:
    """A thread-safe sink: counts creates; used for a pure decision race."""

    def __init__(self):
        self.lock = threading.Lock()
        self.events = []

    def send_event(self, event):
        with self.lock:
            self.events.append(event)


def test_decision_race_many_rounds(stats_add_up, join_threads):
    """60 rounds of 8 threads racing one fresh gate each: never two sends."""
    for _ in range(60):
        gate = ResponseGate(require_session_update=False, min_interval_s=0.0)
        client = _CountingClient()
        barrier = threading.Barrier(8)
        results = []

        def worker(i, gate=gate, client=client, barrier=barrier, results=results):
            async def go():
                barrier.wait(5)
                return await gate.trigger_response(f"r{i}", client)

            results.append(asyncio.run(go()))

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
        for t in threads:
            t.start()
        join_threads(threads)  # all 8 finished: none is stuck behind the lock
        assert len(results) == 8
        assert len(client.events) == 1
        assert sum(bool(o) for o in results) == 1
        gate.close()
        stats_add_up(gate.stats())
