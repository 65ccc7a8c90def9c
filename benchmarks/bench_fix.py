"""`respgate fix` speed: the 16,000-line handler vs libcst's bare round trip (the floor).

Both are measured in the same run on the same file: ``libcst.parse_module(text).code`` is
what any whole-module libcst codemod pays before doing anything; the target for ``fix`` is
at most 2x that. Also ``--jobs 2`` vs ``--jobs 1`` over many files. Run:
``python -m benchmarks.bench_fix`` (``main()`` returns rows for benchmarks/run.py).
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

from click.testing import CliRunner

from benchmarks.corpus import make_big_handler

__all__ = ["main"]


def _best(fn: Callable[[], Any], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def _fix(args: list[str]) -> None:
    from respgate_lint.cli import cli

    # --unsafe-fixes: the generated handler also sends on a raw websocket and an SDK
    # connection, which its gate reaches only through its own client (an unsafe fix); the
    # rows time rewriting all 28 sites, as they always have
    result = CliRunner().invoke(cli, ["fix", "-q", "--unsafe-fixes", *args])
    if result.exit_code not in (0, 1):
        raise RuntimeError(f"respgate fix failed: {result.output}")


def _row(name: str, seconds: float, baseline: str, baseline_seconds: float, target: str) -> dict[str, Any]:
    return {"name": name, "seconds": round(seconds, 3), "baseline": baseline,
            "baseline_seconds": round(baseline_seconds, 3),
            "ratio": round(seconds / baseline_seconds, 3) if baseline_seconds else None,
            "target": target}


def bench_big_file(repeat: int = 3) -> dict[str, Any]:
    import libcst

    from respgate_lint.cli.fix import fix  # noqa: F401 - import cost is not the rewrite's

    source = make_big_handler(lines=16000, sends=28, crlf=True)
    data = source.encode("utf-8")
    floor = _best(lambda: libcst.parse_module(source).code, repeat)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bridge.py"

        def run() -> None:
            path.write_bytes(data)  # a fresh, unfixed copy each time
            _fix([str(path)])

        seconds = _best(run, repeat)
    return _row("fix 16k-line handler (28 sends)", seconds, "libcst parse_module + .code",
                floor, "ratio <= 2.0")


def bench_jobs(files: int = 24, lines: int = 3000, repeat: int = 2) -> dict[str, Any]:
    source = make_big_handler(lines=lines, sends=10, crlf=False).encode("utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)

        def fresh() -> Path:
            folder = root / "tree"
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            for i in range(files):
                (folder / f"handler_{i}.py").write_bytes(source)
            return folder

        def timed(jobs: int) -> float:
            best = float("inf")
            for _ in range(repeat):
                folder = fresh()
                start = time.perf_counter()
                _fix(["--jobs", str(jobs), str(folder)])
                best = min(best, time.perf_counter() - start)
            return best

        one = timed(1)
        two = timed(2)
    return _row(f"fix --jobs 2 ({files} files x {lines} lines)", two, "fix --jobs 1", one,
                "ratio < 1.0 on 2+ cores")


def bench_nothing_to_fix(runs: int = 7) -> dict[str, Any]:
    """``fix --diff`` over a tree with nothing to fix (the stdlib) vs ``check`` over it, whole
    processes: both decide each file with the same prefilter and pipeline."""
    import statistics
    import sys

    from benchmarks._measure import STDLIB, bin_path, run_process

    script = bin_path("respgate")
    respgate = [script] if script else [sys.executable, "-m", "respgate_lint"]
    fix, check = [*respgate, "fix", "--diff", "-q", str(STDLIB)], [*respgate, "check", str(STDLIB)]
    run_process(fix)
    run_process(check)
    ours, theirs = [], []
    for i in range(runs):
        for side, cmd in ((theirs, check), (ours, fix)) if i % 2 else ((ours, fix), (theirs, check)):
            side.append(run_process(cmd)[0])
    return _row(f"fix --diff, nothing to fix (stdlib {STDLIB.name}, median of {runs}, whole "
                "process)", statistics.median(ours), "respgate check over the same tree",
                statistics.median(theirs), "ratio <= 3.0")


def main(quick: bool = False) -> list[dict[str, Any]]:
    rows = [bench_big_file(), bench_jobs(), bench_nothing_to_fix(3 if quick else 7)]
    for row in rows:
        print(f"{row['name']}: {row['seconds']:.3f}s vs {row['baseline']} "
              f"{row['baseline_seconds']:.3f}s -> ratio {row['ratio']} (target {row['target']})")
    return rows


if __name__ == "__main__":
    main()
