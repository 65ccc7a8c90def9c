"""Shared timing helpers: medians of interleaved runs, whole-process timing, result rows.

Every ratio is measured against a baseline run in the same process run, interleaved
(A, B, A, B, ...) so that a noisy neighbour or a warm cache hurts both sides alike.
"""

from __future__ import annotations

import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

__all__ = ["Row", "bin_path", "median_pair", "run_process", "skip_row", "STDLIB"]

import sysconfig

STDLIB = Path(sysconfig.get_paths()["stdlib"])
REPO = Path(__file__).resolve().parent.parent


@dataclass
class Row:
    """One benchmark line: a tool's median against a baseline's median measured alongside it."""

    bench: str
    corpus: str
    tool: str
    tool_value: float | None
    baseline: str
    baseline_value: float | None
    target: str = ""
    limit: float | None = None       # the ratio must be <= limit (None: informational)
    unit: str = "s"
    note: str = ""
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if self.tool_value is None or not self.baseline_value:
            return None
        return self.tool_value / self.baseline_value

    @property
    def met(self) -> bool | None:
        if self.limit is None or self.ratio is None:
            return None
        return self.ratio <= self.limit


def skip_row(bench: str, corpus: str, tool: str, baseline: str, why: str, target: str = "") -> Row:
    """A row for a benchmark that could not run (missing tool), with the reason."""
    return Row(bench, corpus, tool, None, baseline, None, target=target, note=f"SKIPPED: {why}")


def bin_path(name: str) -> str | None:
    """A console script next to this interpreter first (the venv), else on PATH."""
    local = Path(sys.executable).parent / name
    if local.exists():
        return str(local)
    return shutil.which(name)


def run_process(cmd: Sequence[str], cwd: Path | None = None,
                env: dict[str, str] | None = None) -> tuple[float, float, int]:
    """(wall seconds, child CPU seconds, exit code) of one whole-process run; output discarded."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(list(cmd), cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode > 1 and proc.stderr:
        sys.stderr.write(f"note: {cmd[0]} exited {proc.returncode}: "
                         f"{proc.stderr.decode(errors='replace').strip().splitlines()[-1]}\n")
    return wall, cpu, proc.returncode


def median_pair(a: Callable[[], float], b: Callable[[], float], runs: int,
                warmup: bool = True) -> tuple[float, float]:
    """Medians of ``runs`` interleaved measurements of ``a`` and ``b`` (each returns seconds)."""
    if warmup:
        a()
        b()
    xs: list[float] = []
    ys: list[float] = []
    for i in range(runs):
        if i % 2:
            ys.append(b())
            xs.append(a())
        else:
            xs.append(a())
            ys.append(b())
    return statistics.median(xs), statistics.median(ys)


def env_without(*names: str) -> dict[str, str]:
    env = dict(os.environ)
    for name in names:
        env.pop(name, None)
    return env
