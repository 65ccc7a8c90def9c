"""Closing a handler without letting its close hurt the caller.

Used by the registry for replaced ("shadow") handlers: the close runs outside
any lock, may be sync or async, is bounded in time, and its exception is
logged, never raised. Where it runs:

* a **sync** close called from a thread that runs an event loop goes to a
  daemon worker thread (``sync_close="thread"``, the default), so a slow
  ``close()`` never blocks the loop; from a thread without a loop it runs
  right there, after the registry's lock is released. ``sync_close="inline"``
  always runs it on the caller's thread (for closes that must touch loop
  objects - better made ``async def``).
* an **async** close becomes a task on the caller's running loop (or on
  ``loop=`` when given and running); from a thread without a loop it is handed
  to ``loop`` with ``run_coroutine_threadsafe``, else run on a daemon thread's
  own loop and waited for at most ``timeout`` seconds. Every async close is
  cancelled after ``timeout`` seconds. Nothing can hang the caller.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import logging
import threading
from collections.abc import Awaitable, Callable
from typing import Any, Literal

logger = logging.getLogger("respgate_lint.runtime")

SyncClose = Literal["thread", "inline"]
Track = Callable[["asyncio.Future[Any]"], None]


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


async def _guarded(awaitable: Awaitable[Any], handler: Any, reason: str, timeout: float) -> None:
    try:
        await asyncio.wait_for(awaitable, timeout)
    except TimeoutError:
        logger.error("closing replaced handler %s timed out after %g s",
                     type(handler).__name__, timeout,
                     extra={"reason": reason, "handler": repr(handler)[:200]})
    except Exception as exc:  # noqa: BLE001 - a shadow's close must never hurt the caller
        _log_failure(handler, reason, exc)


def _log_failure(handler: Any, reason: str, exc: BaseException) -> None:
    logger.error("closing replaced handler %s failed", type(handler).__name__, exc_info=exc,
                 extra={"reason": reason, "handler": repr(handler)[:200]})


def _set_done(fut: asyncio.Future[Any]) -> None:
    if not fut.done():
        fut.set_result(None)


def close_quietly(
    handler: Any,
    reason: str,
    *,
    loop: asyncio.AbstractEventLoop | None = None,
    on_task: Track | None = None,
    timeout: float = 5.0,
    sync_close: SyncClose = "thread",
) -> None:
    """Close ``handler``; never raises, never blocks a running loop (see module doc)."""
    close = _close_callable(handler, reason)
    if close is None:
        return
    running = asyncio._get_running_loop()
    if running is not None and sync_close == "thread" and not inspect.iscoroutinefunction(close):
        _close_on_thread(close, handler, reason, running, loop, on_task, timeout)
        return
    try:
        result = close()
    except Exception as exc:  # noqa: BLE001 - logged, never raised (see module doc)
        _log_failure(handler, reason, exc)
        return
    if inspect.isawaitable(result):
        _run_async(result, handler, reason, running, loop, on_task, timeout)


def _close_on_thread(close: Callable[[], Any], handler: Any, reason: str,
                     running: asyncio.AbstractEventLoop,
                     loop: asyncio.AbstractEventLoop | None,
                     on_task: Track | None, timeout: float) -> None:
    """A sync close off the loop; its completion is a future on ``running`` (for drain)."""
    done: asyncio.Future[Any] = running.create_future()
    if on_task is not None:
        on_task(done)

    def work() -> None:
        try:
            result = close()
            if inspect.isawaitable(result):  # a sync def that returned a coroutine
                target = loop if loop is not None and loop.is_running() else running
                asyncio.run_coroutine_threadsafe(
                    _guarded(result, handler, reason, timeout), target)
        except Exception as exc:  # noqa: BLE001 - logged, never raised
            _log_failure(handler, reason, exc)
        finally:
            try:
                running.call_soon_threadsafe(_set_done, done)
            except RuntimeError:  # that loop has closed meanwhile
                pass

    threading.Thread(target=work, name="respgate-close", daemon=True).start()


def _run_async(result: Awaitable[Any], handler: Any, reason: str,
               running: asyncio.AbstractEventLoop | None,
               loop: asyncio.AbstractEventLoop | None,
               on_task: Track | None, timeout: float) -> None:
    coro = _guarded(result, handler, reason, timeout)
    try:
        target_alive = loop is not None and loop.is_running() and not loop.is_closed()
        if running is not None and (loop is None or loop is running or not target_alive):
            task = running.create_task(coro)
            if on_task is not None:
                on_task(task)
        elif target_alive:
            assert loop is not None
            asyncio.run_coroutine_threadsafe(coro, loop)
        else:
            _run_on_own_thread(coro, handler, reason, timeout)
    except Exception as exc:  # noqa: BLE001 - e.g. a loop closed between check and use
        coro.close()
        _log_failure(handler, reason, exc)


def _run_on_own_thread(coro: Any, handler: Any, reason: str, timeout: float) -> None:
    """No loop anywhere: run the close on a daemon thread's loop, wait at most ``timeout``."""
    thread = threading.Thread(target=asyncio.run, args=(coro,), name="respgate-close",
                              daemon=True)
    thread.start()
    thread.join(timeout + 0.5)
    if thread.is_alive():
        logger.error("closing replaced handler %s still running after %g s; left in the "
                     "background", type(handler).__name__, timeout,
                     extra={"reason": reason, "handler": repr(handler)[:200]})
