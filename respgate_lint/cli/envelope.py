"""The one error envelope of every command, with or without click around it.

A configuration error is one line and exit 2; a broken pipe (``| head``) exit 1; Ctrl-C
"Aborted!" and exit 1, as click says it; anything unexpected one line with a hint and exit 2,
never a traceback wall (set RESPGATE_DEBUG=1 to see it).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import NoReturn, TypeVar

from ..config import ConfigError
from .terminal import say, silence_stdout

__all__ = ["guarded"]

T = TypeVar("T")


def guarded(run: Callable[[], T],
            passthrough: tuple[type[BaseException], ...] = ()) -> T:
    """``run()``, with every failure but ``passthrough`` turned into a line and an exit."""
    try:
        return run()
    except passthrough:
        raise
    except ConfigError as exc:
        _leave(2, f"respgate: {exc}")
    except BrokenPipeError:   # a command that writes stdout without SafeOutput
        silence_stdout()
        sys.exit(1)
    except KeyboardInterrupt:
        _leave(1, "\nAborted!")
    except Exception as exc:
        if os.environ.get("RESPGATE_DEBUG"):
            raise
        _leave(2, f"respgate: internal error: {type(exc).__name__}: {exc} (a bug in "
                  "respgate: please report it; RESPGATE_DEBUG=1 shows the traceback)")


def _leave(code: int, line: str) -> NoReturn:
    say(line)
    sys.exit(code)
