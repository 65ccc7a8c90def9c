"""Work counted, not timed: how many lines of the package's own code a call executes.

The linearity tests compare this count at n and 4n inputs, so a quadratic path fails a test
without any clock (timings live in benchmarks/)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

REPO = Path(__file__).resolve().parent.parent
OURS = (str(REPO / "respgate_lint"), str(REPO / "codemods"))
# 4x the input: linear work gives <= 4 (fixed costs make it less); quadratic gives ~16.
LINEAR = 4.6


def lines_executed(run: Callable[[], Any]) -> int:
    """How many lines of the package's own code ``run`` executes."""
    count = 0

    def local(frame: FrameType, event: str, arg: Any) -> Any:
        nonlocal count
        if event == "line":
            count += 1
        return local

    def calls(frame: FrameType, event: str, arg: Any) -> Any:
        return local if frame.f_code.co_filename.startswith(OURS) else None

    previous = sys.gettrace()
    sys.settrace(calls)
    try:
        run()
    finally:
        sys.settrace(previous)
    return count
