"""Shared helpers for runtime tests: no pytest-asyncio, every run has a timeout."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Coroutine
from typing import Any

import pytest

from respgate_lint.runtime import FINAL_STATES, ResponseGate
from respgate_lint.testing import RealtimePeer

from .vtime import run_virtual


def assert_stats_add_up(stats: dict[str, Any]) -> None:
    """Every trigger is in exactly one final state, overall and per reason."""
    outcomes = stats["outcomes"]
    assert set(outcomes) == set(FINAL_STATES)
    assert all(v >= 0 for v in outcomes.values()), outcomes
    assert sum(outcomes.values()) == stats["triggers"]
    per_reason = sum(sum(c.values()) for c in stats["reasons"].values())
    assert per_reason == stats["triggers"]
    assert sum(stats["dropped_by"].values()) == outcomes["dropped"]
    assert outcomes["pending"] == len(stats["queue"])  # one primary per held intent
    assert (stats["held"] is None) == (not any(
        not i["out_of_band"] and not i["scheduled"] for i in stats["queue"]))


class Call:
    """A gate wired to a fake peer: every server event goes to ``gate.observe``."""

    def __init__(self, gate: ResponseGate, peer: RealtimePeer, client: Any) -> None:
        self.gate, self.peer, self.client = gate, peer, client
        self._reconnects = 0

    @classmethod
    async def start(
        cls,
        *,
        configure: bool = True,
        client_kind: str = "send_event",
        peer_kw: dict[str, Any] | None = None,
        listener: Callable[[dict[str, Any]], Any] | None = None,
        gate: ResponseGate | None = None,
        **gate_kw: Any,
    ) -> Call:
        peer = RealtimePeer(**(peer_kw or {}))
        if gate is None:
            gate = ResponseGate(**{"min_interval_s": 0.05, "defer_timeout_s": 0.3, **gate_kw})
        peer.connect(listener or gate.observe)
        call = cls(gate, peer, peer.client(client_kind))
        if configure:
            await call.configure()
        return call

    def check_peer_healthy(self) -> None:
        assert self.peer.listener_errors == []

    async def configure(self) -> None:
        self.peer.receive({"type": "session.update", "session": {"voice": "verse"}})
        await self.peer.wait_for(lambda: self.peer.session_updated)
        await self.peer.wait_for(lambda: self.gate.stats()["state"]["session_ready"])

    async def trigger(self, reason: str, **kw: Any):
        return await self.gate.trigger_response(reason, self.client, **kw)

    async def wait_creates(self, n: int, timeout: float = 2.0) -> None:
        await self.peer.wait_for(lambda: len(self.peer.creates) >= n, timeout)

    async def wait_observed_active(self) -> None:
        """Until the gate has *observed* a running response (not just sent a create)."""
        await self.peer.drain()  # every emitted event (response.created) has been delivered
        await self.peer.wait_for(lambda: self.gate.stats()["state"]["in_flight"])

    def reasons_sent(self) -> list[str]:
        return [e["response"]["metadata"]["reason"] for e in self.peer.creates]

    def accepted_reasons(self) -> list[str]:
        """Reasons of the creates the peer accepted (started a response for)."""
        return [r.metadata["reason"] for r in self.peer.responses
                if r.origin == "client" and r.metadata]

    async def wait_idle(self, timeout: float = 2.0) -> None:
        await self.peer.drain()
        await self.peer.wait_for(lambda: not self.gate.stats().state.in_flight, timeout)

    async def reconnect(self, *, configure: bool = True) -> None:
        """The transport reconnects: a new session on the same peer (same listener)."""
        self.peer.connect()
        await self.peer.wait_for(lambda: self.gate.stats().reconnects >= self._reconnects + 1)
        self._reconnects += 1
        if configure:
            await self.configure()


@pytest.fixture
def arun() -> Callable[..., Any]:
    """Run a coroutine on a fresh virtual-time loop (see vtime.py) with a hard timeout.

    Every interval, hold and timeout of a scenario is loop time that only advances when
    the loop is idle, so no result depends on how fast this machine runs it.
    """

    def run(coro: Coroutine[Any, Any, Any], timeout: float = 10.0) -> Any:
        return run_virtual(coro, timeout)

    return run


@pytest.fixture
def arun_realtime() -> Callable[..., Any]:
    """A fresh real-time loop, for scenarios that wait on other threads (a liveness bound)."""

    def run(coro: Coroutine[Any, Any, Any], timeout: float = 10.0) -> Any:
        return asyncio.run(asyncio.wait_for(coro, timeout))

    return run


def join_all(threads: list[threading.Thread], timeout: float = 10.0) -> None:
    """Join every thread within one liveness bound and fail if any is still running.

    A race test that stops looking at its threads can pass while one of them is stuck
    (deadlocked on the lock under test): its work is then simply missing from the counts.
    """
    deadline = time.monotonic() + timeout
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    stuck = [t.name for t in threads if t.is_alive()]
    assert not stuck, f"threads still running after {timeout:g} s: {stuck}"


@pytest.fixture
def join_threads() -> Callable[..., None]:
    return join_all


@pytest.fixture
def start_call() -> Callable[..., Coroutine[Any, Any, Call]]:
    return Call.start


@pytest.fixture
def stats_add_up() -> Callable[[dict[str, Any]], None]:
    return assert_stats_add_up
