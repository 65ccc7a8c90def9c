"""Per-call handler registry: one live handler per call id, shadows closed safely.

A phone bridge re-registers a call when the media stream reconnects; the old
("shadow") handler must be closed, but its close may be slow, async, raise, or
call back into the registry - so it always runs outside the lock. ``unregister``
is compare-and-delete, so a late unregister by a replaced handler cannot evict
its successor.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Hashable
from typing import Any, Generic, TypeVar

from .closing import SyncClose, close_quietly

H = TypeVar("H")


class HandlerRegistry(Generic[H]):
    """Thread-safe ``call_id -> handler`` map.

    Closes of replaced handlers never block the caller's event loop and never
    wait unboundedly (see ``closing.py``): a sync close called from a running
    loop runs on a worker thread (``sync_close="inline"``: on the caller's
    thread, after the lock); an async close is a task on the caller's loop, or
    on ``loop`` (default: the loop the registry was first used on) from a
    thread without one, cancelled after ``close_timeout_s``.
    ``await registry.drain()`` waits (bounded) for closes scheduled on the
    current loop.
    """

    def __init__(
        self,
        *,
        replace_reason: str = "replaced",
        loop: asyncio.AbstractEventLoop | None = None,
        close_timeout_s: float = 5.0,
        sync_close: SyncClose = "thread",
    ) -> None:
        if close_timeout_s <= 0:
            raise ValueError("close_timeout_s must be > 0")
        if sync_close not in ("thread", "inline"):
            raise ValueError("sync_close must be 'thread' or 'inline'")
        self.replace_reason = replace_reason
        self.close_timeout_s = close_timeout_s
        self.sync_close: SyncClose = sync_close
        self._lock = threading.RLock()
        self._handlers: dict[Hashable, H] = {}
        self._loop: asyncio.AbstractEventLoop | None = loop
        self._tasks: set[asyncio.Future[Any]] = set()

    def register(self, call_id: Hashable, handler: H) -> H | None:
        """Make ``handler`` current; close and return the handler it replaced (if any)."""
        with self._lock:
            old = self._handlers.get(call_id)
            self._handlers[call_id] = handler
        if self._loop is None:
            self._loop = asyncio._get_running_loop()  # None-returning variant: cheap
        if old is None or old is handler:
            return None
        self._close(old)
        return old

    def unregister(self, call_id: Hashable, handler: H) -> bool:
        """Remove ``handler`` only if it is still current; True if removed."""
        with self._lock:
            if self._handlers.get(call_id) is handler:
                del self._handlers[call_id]
                return True
        return False

    def get(self, call_id: Hashable, default: H | None = None) -> H | None:
        with self._lock:
            return self._handlers.get(call_id, default)

    def __len__(self) -> int:
        return len(self._handlers)

    def __contains__(self, call_id: object) -> bool:
        return call_id in self._handlers

    def items(self) -> list[tuple[Hashable, H]]:
        """A snapshot; safe to iterate while others register."""
        with self._lock:
            return list(self._handlers.items())

    def close_all(self, reason: str = "shutdown") -> int:
        """Empty the registry and close every handler (outside the lock)."""
        with self._lock:
            handlers = list(self._handlers.values())
            self._handlers.clear()
        for handler in handlers:
            self._close(handler, reason)
        return len(handlers)

    def session(self, call_id: Hashable, handler: H) -> HandlerSession[H]:
        """``with``/``async with``: register now, compare-and-delete unregister in finally."""
        return HandlerSession(self, call_id, handler)

    async def drain(self, timeout: float = 5.0) -> bool:
        """Wait (at most ``timeout``) for closes scheduled on this loop; True if all ended."""
        loop = asyncio.get_running_loop()
        tasks = [t for t in self._tasks
                 if t is not asyncio.current_task() and t.get_loop() is loop]
        if not tasks:
            return True
        _done, pending = await asyncio.wait(tasks, timeout=timeout)
        return not pending

    def _close(self, handler: H, reason: str | None = None) -> None:
        close_quietly(handler, reason or self.replace_reason, loop=self._loop,
                      on_task=self._track, timeout=self.close_timeout_s,
                      sync_close=self.sync_close)

    def _track(self, task: asyncio.Future[Any]) -> None:
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)


class HandlerSession(Generic[H]):
    """Context manager returned by ``HandlerRegistry.session``; yields the handler."""

    def __init__(self, registry: HandlerRegistry[H], call_id: Hashable, handler: H) -> None:
        self.registry = registry
        self.call_id = call_id
        self.handler = handler
        self.replaced: H | None = None

    def __enter__(self) -> H:
        self.replaced = self.registry.register(self.call_id, self.handler)
        return self.handler

    def __exit__(self, *exc_info: object) -> None:
        self.registry.unregister(self.call_id, self.handler)

    async def __aenter__(self) -> H:
        return self.__enter__()

    async def __aexit__(self, *exc_info: object) -> None:
        self.__exit__(*exc_info)
