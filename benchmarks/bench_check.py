"""``respgate check`` against its baselines: ruff (stdlib), semgrep (app tree), ast.parse (huge file).

Run alone: ``python benchmarks/bench_check.py [--quick]``; ``benchmarks/run.py`` runs it too.
"""

from __future__ import annotations

import ast
import gc
import sys
import tempfile
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parent.parent)]

from _measure import STDLIB, Row, bin_path, median_pair, run_process, skip_row  # noqa: E402
from app_tree import count_lines, write_app_tree, write_big_file  # noqa: E402

__all__ = ["main", "bench_stdlib", "bench_app_tree", "bench_app_big_handler", "bench_huge_file"]

SEMGREP_RULE = Path(__file__).resolve().parent / "semgrep_rule.yaml"


def _respgate() -> list[str]:
    script = bin_path("respgate")
    return [script] if script else [sys.executable, "-m", "respgate_lint"]


def bench_stdlib(runs: int) -> Row:
    """Whole process over the interpreter's stdlib: ``respgate check`` vs ``ruff --select E9``."""
    files, lines = count_lines(STDLIB)
    corpus = f"stdlib {STDLIB} ({files} files, {lines:,} lines)"
    ruff = bin_path("ruff")
    target = "<= 1.0x ruff"
    if ruff is None:
        return skip_row("check: stdlib", corpus, "respgate check", "ruff check --select E9",
                        "ruff is not installed (pip install -e '.[bench]')", target)
    ours, theirs = median_pair(
        lambda: run_process([*_respgate(), "check", str(STDLIB)])[0],
        lambda: run_process([ruff, "check", "--select", "E9", "--no-cache", "--quiet",
                             str(STDLIB)])[0], runs)
    return Row("check: stdlib", corpus, "respgate check", ours,
               "ruff check --select E9 --no-cache", theirs, target=target, limit=1.0,
               note=f"median of {runs}, whole process; measures the prefilter: it parses only "
                    "the few files that mention a needle, ruff parses all")


def bench_app_tree(runs: int, workdir: Path, quick: bool) -> Row:
    """Whole process over a generated app tree: ``respgate check`` vs semgrep with the same rule."""
    root = write_app_tree(workdir / "app", modules=340, handlers=5 if not quick else 3,
                          handler_lines=4000)
    files, lines = count_lines(root)
    corpus = f"generated app tree ({files} files, {lines:,} lines)"
    semgrep = bin_path("semgrep")
    target = ">= 10x faster than semgrep (ratio <= 0.10)"
    if semgrep is None:
        return skip_row("check: app tree", corpus, "respgate check", "semgrep",
                        "semgrep is not installed (pip install semgrep; it is heavy)", target)
    semgrep_cmd = [semgrep, "scan", "--config", str(SEMGREP_RULE), "--metrics=off",
                   "--disable-version-check", "--quiet", "--jobs", "2", str(root)]
    semgrep_runs = max(1, runs // 2) if quick else runs
    ours, theirs = median_pair(
        lambda: run_process([*_respgate(), "check", str(root)])[0],
        lambda: run_process(semgrep_cmd)[0], semgrep_runs, warmup=not quick)
    return Row("check: app tree", corpus, "respgate check", ours,
               "semgrep scan (benchmarks/semgrep_rule.yaml, --jobs 2)", theirs, target=target,
               limit=0.10, note=f"median of {semgrep_runs}, whole process")


def bench_app_big_handler(runs: int, workdir: Path, quick: bool) -> Row:
    """Whole process over an ordinary app tree with one ~1 MB realtime handler: every file is
    decided and the handler parsed and analysed; ``ruff --select E9`` parses every file."""
    root = write_app_tree(workdir / "app1mb", modules=340 if not quick else 120, handlers=0)
    handler = write_big_file(root / "realtime", lines=22000, sends=28, crlf=False)
    files, lines = count_lines(root)
    corpus = (f"generated app tree ({files} files, {lines:,} lines) with one "
              f"{handler.stat().st_size / 1e6:.2f} MB handler")
    ruff = bin_path("ruff")
    if ruff is None:
        return skip_row("check: app + 1 MB handler", corpus, "respgate check",
                        "ruff check --select E9", "ruff is not installed (pip install -e '.[bench]')")
    ours, theirs = median_pair(
        lambda: run_process([*_respgate(), "check", str(root)])[0],
        lambda: run_process([ruff, "check", "--select", "E9", "--no-cache", "--quiet",
                             str(root)])[0], runs)
    return Row("check: app + 1 MB handler", corpus, "respgate check", ours,
               "ruff check --select E9 --no-cache", theirs, target="informational",
               note=f"median of {runs}, whole process; ruff parses every file, respgate the "
                    "handler (and the files its prefilter lets through)")


def _timed(fn) -> float:  # type: ignore[no-untyped-def]
    gc.collect()
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def bench_huge_file(runs: int, workdir: Path) -> list[Row]:
    """One 16,000-line handler: engine in-process vs ``ast.parse``, and whole process vs python -c."""
    from respgate_lint.config import Settings
    from respgate_lint.runner import check_file

    path = write_big_file(workdir / "huge", lines=16000, sends=28, crlf=True)
    text = path.read_text(encoding="utf-8")
    settings = Settings()
    found = len(check_file(path, settings).findings)
    corpus = f"one file, {text.count(chr(10)):,} lines, {found} findings"
    engine, parse = median_pair(lambda: _timed(lambda: check_file(path, settings)),
                                lambda: _timed(lambda: ast.parse(text)), runs)
    rows = [Row("check: huge file (in-process)", corpus,
                "runner.check_file (read+prefilter+parse+analyze+noqa)", engine,
                "ast.parse(text)", parse, target="<= 1.5x ast.parse", limit=1.5,
                note=f"median of {runs}")]

    def parse_without_gc() -> None:
        gc.disable()
        try:
            ast.parse(text)
        finally:
            gc.enable()

    engine2, parse2 = median_pair(lambda: _timed(lambda: check_file(path, settings)),
                                  lambda: _timed(parse_without_gc), runs)
    rows.append(Row("check: huge file (in-process, GC off)", corpus,
                    "runner.check_file (pauses the GC itself)", engine2,
                    "ast.parse(text) with the GC paused too", parse2,
                    target="<= 1.5x ast.parse", limit=1.5,
                    note=f"median of {runs}; the strictest comparison"))
    baseline_cmd = [sys.executable, "-c",
                    "import ast,sys; ast.parse(open(sys.argv[1]).read())", str(path)]
    ours, theirs = median_pair(lambda: run_process([*_respgate(), "check", str(path)])[0],
                               lambda: run_process(baseline_cmd)[0], runs)
    rows.append(Row("check: huge file (process)", corpus, "respgate check FILE", ours,
                    'python -c "import ast; ast.parse(open(f).read())"', theirs,
                    target="<= 1.5x ast.parse", limit=1.5,
                    note=f"median of {runs}, whole process"))
    sarif, json_ = median_pair(
        lambda: run_process([*_respgate(), "check", "--output-format", "sarif", str(path)])[0],
        lambda: run_process([*_respgate(), "check", "--output-format", "json", str(path)])[0],
        runs)
    rows.append(Row("check: huge file, SARIF with fixes", corpus,
                    "respgate check --output-format sarif FILE", sarif,
                    "respgate check --output-format json FILE", json_,
                    target="<= 2x JSON", limit=2.0,
                    note=f"median of {runs}, whole process; SARIF carries every site's fix"))
    return rows


def main(quick: bool = False) -> list[Row]:
    runs = 3 if quick else 7
    with tempfile.TemporaryDirectory(prefix="respgate-bench-") as tmp:
        work = Path(tmp)
        rows = [bench_stdlib(runs)]
        rows.append(bench_app_tree(runs, work, quick))
        rows.append(bench_app_big_handler(runs, work, quick))
        rows.extend(bench_huge_file(runs, work))
    return rows


if __name__ == "__main__":
    from run import print_rows  # type: ignore[import-not-found]

    print_rows(main(quick="--quick" in sys.argv))
