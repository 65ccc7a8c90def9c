"""Registry closes never block the loop and never wait unboundedly."""

from __future__ import annotations

import asyncio
import logging
import threading

from respgate_lint.runtime import HandlerRegistry


class SlowSyncClose:
    """A sync close that blocks until the test lets it go (a slow socket shutdown)."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.started = threading.Event()
        self.thread: str | None = None
        self.closed = False

    def close(self) -> None:
        self.thread = threading.current_thread().name
        self.started.set()
        self.release.wait(5)
        self.closed = True


class NeverEndingAsyncClose:
    def __init__(self) -> None:
        self.cancelled = False

    async def close(self) -> None:
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            self.cancelled = True
            raise


class AsyncClose:
    def __init__(self) -> None:
        self.loop: asyncio.AbstractEventLoop | None = None

    async def close(self) -> None:
        self.loop = asyncio.get_running_loop()


def test_a_blocking_sync_close_does_not_block_the_event_loop(arun_realtime):
    async def scenario():
        reg = HandlerRegistry()
        shadow = SlowSyncClose()
        reg.register("CA1", shadow)
        reg.register("CA1", SlowSyncClose())  # returns at once: the close runs off-loop
        ticks = 0
        while not shadow.started.is_set():
            await asyncio.sleep(0.001)
            ticks += 1
        await asyncio.sleep(0.01)  # the loop keeps running while the close blocks
        assert not shadow.closed and shadow.thread != threading.current_thread().name
        shadow.release.set()
        assert await reg.drain(timeout=2) is True
        assert shadow.closed

    arun_realtime(scenario())


def test_sync_close_inline_runs_on_the_callers_thread(arun):
    async def scenario():
        reg = HandlerRegistry(sync_close="inline")
        shadow = SlowSyncClose()
        shadow.release.set()
        reg.register("CA1", shadow)
        reg.register("CA1", SlowSyncClose())
        assert shadow.closed and shadow.thread == threading.current_thread().name

    arun(scenario())


def test_drain_is_bounded_and_reports_unfinished_closes(arun_realtime):
    async def scenario():
        reg = HandlerRegistry()
        shadow = SlowSyncClose()
        reg.register("CA1", shadow)
        reg.register("CA1", SlowSyncClose())
        assert await reg.drain(timeout=0.05) is False
        shadow.release.set()
        assert await reg.drain(timeout=2) is True

    arun_realtime(scenario())


def test_an_async_close_that_never_ends_is_cancelled_after_the_timeout(arun, caplog):
    async def scenario():
        reg = HandlerRegistry(close_timeout_s=0.05)
        shadow = NeverEndingAsyncClose()
        reg.register("CA1", shadow)
        reg.register("CA1", AsyncClose())
        assert await reg.drain(timeout=2) is True
        assert shadow.cancelled

    with caplog.at_level(logging.ERROR, logger="respgate_lint.runtime"):
        arun(scenario())
    assert any("timed out" in r.getMessage() for r in caplog.records)


def test_an_async_close_without_any_loop_is_bounded(caplog, join_threads):
    reg = HandlerRegistry(close_timeout_s=0.1)
    shadow = NeverEndingAsyncClose()
    reg.register("CA1", shadow)
    returned = threading.Event()

    def replace() -> None:
        reg.register("CA1", AsyncClose())  # used to be asyncio.run(close()): hung forever
        returned.set()

    with caplog.at_level(logging.ERROR, logger="respgate_lint.runtime"):
        caller = threading.Thread(target=replace, daemon=True)
        caller.start()
        join_threads([caller], 60)  # a liveness bound (a hang fails), not a speed assertion
    assert returned.is_set(), "register() never returned"
    assert shadow.cancelled
    assert any("timed out" in r.getMessage() for r in caplog.records)


def test_async_closes_from_other_threads_go_to_the_given_loop(arun_realtime, join_threads):
    async def scenario():
        loop = asyncio.get_running_loop()
        reg = HandlerRegistry(loop=loop)
        shadow = AsyncClose()
        done = threading.Event()

        def from_a_thread() -> None:  # e.g. a Twilio webhook thread re-registers the call
            reg.register("CA1", shadow)
            reg.register("CA1", AsyncClose())
            done.set()

        thread = threading.Thread(target=from_a_thread)
        thread.start()
        await loop.run_in_executor(None, join_threads, [thread], 5)
        assert done.is_set()
        for _ in range(200):
            if shadow.loop is not None:
                break
            await asyncio.sleep(0.005)
        assert shadow.loop is loop

    arun_realtime(scenario())


def test_constructor_validates():
    import pytest

    with pytest.raises(ValueError):
        HandlerRegistry(close_timeout_s=0)
    with pytest.raises(ValueError):
        HandlerRegistry(sync_close="executor")  # type: ignore[arg-type]
