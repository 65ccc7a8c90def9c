"""HandlerRegistry: shadow closes outside the lock, compare-and-delete, sessions."""

from __future__ import annotations

import asyncio
import logging
import threading

import pytest

from respgate_lint.runtime import HandlerRegistry


class SyncHandler:
    def __init__(self, name, registry=None, key=None):
        self.name, self.registry, self.key = name, registry, key
        self.closed = []
        self.lock_was_free = None

    def close(self):
        self.closed.append("close")
        if self.registry is not None:
            # Another thread must be able to take the lock while we close.
            probe = threading.Thread(target=lambda: self.registry.get(self.key))
            probe.start()
            probe.join(1)
            self.lock_was_free = not probe.is_alive()


class SessionHandler:
    def __init__(self):
        self.reasons = []

    def close_session(self, reason):
        self.reasons.append(reason)

    def close(self):  # must not be used when close_session exists
        raise AssertionError("close() called although close_session exists")


class AsyncHandler:
    def __init__(self):
        self.closed = 0

    async def close(self):
        await asyncio.sleep(0)
        self.closed += 1


def test_replace_closes_shadow_outside_the_lock_and_returns_it():
    reg = HandlerRegistry()
    old = SyncHandler("old", reg, "CA1")
    assert reg.register("CA1", old) is None
    new = SyncHandler("new")
    assert reg.register("CA1", new) is old
    assert old.closed == ["close"] and old.lock_was_free is True
    assert new.closed == []
    assert reg.get("CA1") is new and len(reg) == 1 and "CA1" in reg
    assert reg.register("CA1", new) is None  # re-registering itself replaces nothing
    assert new.closed == []


def test_late_unregister_by_replaced_handler_leaves_new_one():
    reg = HandlerRegistry()
    old, new = SyncHandler("old"), SyncHandler("new")
    reg.register("CA1", old)
    reg.register("CA1", new)
    assert reg.unregister("CA1", old) is False
    assert reg.get("CA1") is new
    assert reg.unregister("CA1", new) is True
    assert reg.get("CA1") is None and len(reg) == 0
    assert reg.unregister("CA1", new) is False


def test_close_session_reason_preferred_over_close():
    reg = HandlerRegistry(replace_reason="reconnected")
    shadow = SessionHandler()
    reg.register("CA1", shadow)
    reg.register("CA1", SessionHandler())
    assert shadow.reasons == ["reconnected"]


def test_close_session_without_parameter_is_called_bare():
    class Bare:
        def __init__(self):
            self.n = 0

        def close_session(self):
            self.n += 1

    reg, shadow = HandlerRegistry(), Bare()
    reg.register("k", shadow)
    reg.register("k", Bare())
    assert shadow.n == 1


def test_failing_close_is_logged_not_raised(caplog):
    class Broken:
        def close(self):
            raise RuntimeError("socket already gone")

    reg = HandlerRegistry()
    reg.register("CA1", Broken())
    with caplog.at_level(logging.ERROR, logger="respgate_lint.runtime"):
        reg.register("CA1", SyncHandler("new"))  # must not raise
    [record] = caplog.records
    assert record.exc_info and "socket already gone" in str(record.exc_info[1])
    assert record.reason == "replaced"


def test_reentrant_close_does_not_deadlock(join_threads):
    reg = HandlerRegistry()

    class Reentrant:
        def __init__(self):
            self.unregistered = None

        def close(self):
            self.unregistered = reg.unregister("CA1", self)  # late unregister, same thread
            reg.register("CA2", SyncHandler("side"))

    shadow = Reentrant()
    reg.register("CA1", shadow)
    done = threading.Event()

    def replace():
        reg.register("CA1", SyncHandler("new"))
        done.set()

    t = threading.Thread(target=replace, daemon=True)
    t.start()
    assert done.wait(2), "register deadlocked in a re-entrant close"
    join_threads([t], 2)
    assert shadow.unregistered is False
    assert reg.get("CA1").name == "new" and reg.get("CA2").name == "side"


def test_async_close_is_scheduled_on_the_running_loop(arun):
    async def scenario():
        reg, shadow = HandlerRegistry(), AsyncHandler()
        reg.register("CA1", shadow)
        reg.register("CA1", AsyncHandler())
        assert shadow.closed == 0  # scheduled, not awaited inline
        await reg.drain()
        assert shadow.closed == 1

    arun(scenario())


def test_async_close_without_a_loop_runs_to_completion():
    reg, shadow = HandlerRegistry(), AsyncHandler()
    reg.register("CA1", shadow)
    reg.register("CA1", AsyncHandler())
    assert shadow.closed == 1


def test_async_close_failure_is_logged(arun, caplog):
    class AsyncBroken:
        async def close(self):
            raise ValueError("boom")

    async def scenario():
        reg = HandlerRegistry()
        reg.register("CA1", AsyncBroken())
        reg.register("CA1", AsyncHandler())
        await reg.drain()

    with caplog.at_level(logging.ERROR, logger="respgate_lint.runtime"):
        arun(scenario())
    assert any("boom" in str(r.exc_info[1]) for r in caplog.records if r.exc_info)


def test_session_context_manager_sync_and_async(arun):
    reg = HandlerRegistry()
    first, second = SyncHandler("first"), SyncHandler("second")
    with reg.session("CA1", first) as h:
        assert h is first and reg.get("CA1") is first
        with reg.session("CA1", second) as session_handler:  # a reconnect inside
            assert session_handler is second and first.closed == ["close"]
        assert reg.get("CA1") is None
    assert reg.get("CA1") is None  # first's late unregister is a no-op

    async def scenario():
        handler = SyncHandler("a")
        with pytest.raises(KeyError):
            async with reg.session("CA2", handler):
                assert reg.get("CA2") is handler
                raise KeyError("call ended badly")
        assert len(reg) == 0

    arun(scenario())


def test_close_all_empties_and_closes_outside_the_lock():
    reg = HandlerRegistry()
    handlers = [SyncHandler(str(i), reg, str(i)) for i in range(3)]
    for h in handlers:
        reg.register(h.name, h)
    assert reg.close_all() == 3
    assert len(reg) == 0
    assert all(h.closed == ["close"] and h.lock_was_free for h in handlers)
