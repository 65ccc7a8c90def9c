"""Start-up and the pathological shapes, each against a baseline in the same run.

* one tiny file: ``respgate check tiny.py`` vs ``python -c "import ast"`` (whole processes,
  many runs: start-up is what pre-commit pays on every commit);
* generated pathological files (``pathological.py``: 2,000 event variables, 2,500 module
  constants, 8,000 noqa'd sites): ``respgate check FILE`` vs
  ``python -c "import ast,sys; ast.parse(open(sys.argv[1]).read())" FILE``.

Run alone: ``python benchmarks/bench_shapes.py [--quick]``; ``benchmarks/run.py`` runs it too.
Both sides run from an empty folder (``python -c`` puts the current folder on ``sys.path``).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parent.parent)]

from _measure import Row, bin_path, run_process  # noqa: E402
from pathological import SHAPES, write_shape  # noqa: E402

__all__ = ["main", "bench_tiny", "bench_pathological"]

PARSE = "import ast,sys; ast.parse(open(sys.argv[1]).read())"


def _respgate() -> list[str]:
    script = bin_path("respgate")
    return [script] if script else [sys.executable, "-m", "respgate_lint"]


def _pair(ours: Sequence[str], theirs: Sequence[str], runs: int, cwd: Path
          ) -> tuple[float, float, float, float]:
    """Medians of interleaved whole-process runs: (our wall, their wall, our CPU, their CPU)."""
    run_process(ours, cwd=cwd)
    run_process(theirs, cwd=cwd)
    a: list[tuple[float, float]] = []
    b: list[tuple[float, float]] = []
    for i in range(runs):
        for side, cmd in ((b, theirs), (a, ours)) if i % 2 else ((a, ours), (b, theirs)):
            wall, cpu, _ = run_process(cmd, cwd=cwd)
            side.append((wall, cpu))
    return (statistics.median(w for w, _ in a), statistics.median(w for w, _ in b),
            statistics.median(c for _, c in a), statistics.median(c for _, c in b))


def _cpu_note(runs: int, ours_cpu: float, their_cpu: float) -> str:
    return (f"median of {runs}, whole process; CPU {ours_cpu * 1000:.0f} ms vs "
            f"{their_cpu * 1000:.0f} ms = {ours_cpu / their_cpu:.2f}x")


def bench_tiny(runs: int, work: Path) -> Row:
    """Start-up: a clean one-line file, as pre-commit hands over a few changed files."""
    tiny = work / "tiny.py"
    tiny.write_text("x = 1\n")
    empty = work / "cwd"
    empty.mkdir(exist_ok=True)
    ours, theirs, ours_cpu, their_cpu = _pair(
        [*_respgate(), "check", str(tiny)], [sys.executable, "-c", "import ast"], runs, empty)
    return Row("check: one tiny file (start-up)", "one clean 1-line file",
               "respgate check tiny.py", ours, 'python -c "import ast"', theirs,
               target="<= 2.5x", limit=2.5, note=_cpu_note(runs, ours_cpu, their_cpu))


def bench_pathological(runs: int, work: Path) -> list[Row]:
    """Each generated shape: ``check`` vs parsing the same file, whole processes."""
    rows = []
    empty = work / "cwd"
    empty.mkdir(exist_ok=True)
    for name, (_, _, what) in SHAPES.items():
        path = write_shape(work / "shapes", name)
        size = path.stat().st_size
        lines = path.read_bytes().count(b"\n")
        ours, theirs, ours_cpu, their_cpu = _pair(
            [*_respgate(), "check", str(path)], [sys.executable, "-c", PARSE, str(path)],
            runs, empty)
        limit = None if name == "noqa_sites" else 3.0
        rows.append(Row(f"check: {what}", f"benchmarks/pathological.py {name} ({lines:,} lines,"
                        f" {size / 1e6:.2f} MB)", "respgate check FILE", ours,
                        "python -c ast.parse(FILE)", theirs,
                        target="<= 3x" if limit else "linear (was quadratic)", limit=limit,
                        note=_cpu_note(runs, ours_cpu, their_cpu)))
    return rows


def main(quick: bool = False) -> list[Row]:
    with tempfile.TemporaryDirectory(prefix="respgate-bench-") as tmp:
        work = Path(tmp)
        rows = [bench_tiny(15 if quick else 41, work)]
        rows.extend(bench_pathological(3 if quick else 7, work))
    return rows


if __name__ == "__main__":
    from run import print_rows  # type: ignore[import-not-found]

    print_rows(main(quick="--quick" in sys.argv))
