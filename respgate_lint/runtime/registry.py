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
from typing import Generic, TypeVar

from .closing import close_quietly

H = TypeVar("H")


class HandlerRegistry(Generic[H]):
    """Thread-safe ``call_id -> handler`` map.

    Async closes of replaced handlers: scheduled as a task on the calling
    thread's running loop; from a thread without a loop, handed to the loop the
    registry was first used on (``run_coroutine_threadsafe``), else run with
    ``asyncio.run``. ``await registry.drain()`` waits for scheduled close tasks.
    """

    def __init__(self, *, replace_reason: str = "replaced") -> None:
        self.replace_reason = replace_reason
        self._lock = threading.RLock()
        self._handlers: dict[Hashable, H] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._tasks: set[asyncio.Task[None]] = set()

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
            close_quietly(handler, reason, loop=self._loop, on_task=self._track)
        return len(handlers)

    def session(self, call_id: Hashable, handler: H) -> HandlerSession[H]:
        """``with``/``async with``: register now, compare-and-delete unregister in finally."""
        return HandlerSession(self, call_id, handler)

    async def drain(self, timeout: float = 5.0) -> None:
        """Wait for async closes this registry scheduled on the current loop."""
        tasks = [t for t in self._tasks if t is not asyncio.current_task()]
        if tasks:
            await asyncio.wait(tasks, timeout=timeout)

    def _close(self, handler: H) -> None:
        close_quietly(handler, self.replace_reason, loop=self._loop, on_task=self._track)

    def _track(self, task: asyncio.Task[None]) -> None:
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
