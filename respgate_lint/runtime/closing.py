"""Closing a handler without letting its close hurt the caller.

Used by the registry for replaced ("shadow") handlers: the close runs outside
any lock, may be sync or async, and its exception is logged, never raised.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import logging
from collections.abc import Awaitable, Callable
from typing import Any

logger = logging.getLogger("respgate_lint.runtime")


def _close_callable(handler: Any, reason: str) -> Callable[[], Any] | None:
    """``close_session(reason)`` if present (reason dropped if it takes none), else ``close()``."""
    session_close: Callable[..., Any] | None = getattr(handler, "close_session", None)
    if callable(session_close):
        try:
            inspect.signature(session_close).bind(reason)
        except TypeError:
            return session_close
        except ValueError:  # no signature available (some builtins)
            pass
        return functools.partial(session_close, reason)
    close = getattr(handler, "close", None)
    return close if callable(close) else None


async def _guarded(awaitable: Awaitable[Any], handler: Any, reason: str) -> None:
    try:
        await awaitable
    except Exception as exc:  # noqa: BLE001 - a shadow's close must never hurt the caller
        _log_failure(handler, reason, exc)


def _log_failure(handler: Any, reason: str, exc: BaseException) -> None:
    logger.error("closing replaced handler %s failed", type(handler).__name__, exc_info=exc,
                 extra={"reason": reason, "handler": repr(handler)[:200]})


def close_quietly(
    handler: Any,
    reason: str,
    *,
    loop: asyncio.AbstractEventLoop | None = None,
    on_task: Callable[[asyncio.Task[None]], None] | None = None,
) -> None:
    """Close ``handler``; never raises.

    An async close is scheduled as a task when this thread runs a loop (the
    task is passed to ``on_task`` so it can be tracked), handed to ``loop`` with
    ``run_coroutine_threadsafe`` when that loop runs in another thread, and
    otherwise run to completion with ``asyncio.run``.
    """
    close = _close_callable(handler, reason)
    if close is None:
        return
    try:
        result = close()
    except Exception as exc:  # noqa: BLE001 - logged, never raised (see module doc)
        _log_failure(handler, reason, exc)
        return
    if not inspect.isawaitable(result):
        return
    coro = _guarded(result, handler, reason)
    running = asyncio._get_running_loop()
    try:
        if running is not None:
            task = running.create_task(coro)
            if on_task is not None:
                on_task(task)
        elif loop is not None and loop.is_running() and not loop.is_closed():
            asyncio.run_coroutine_threadsafe(coro, loop)
        else:
            asyncio.run(coro)
    except Exception as exc:  # noqa: BLE001 - e.g. asyncio.run on a foreign awaitable
        coro.close()
        _log_failure(handler, reason, exc)
