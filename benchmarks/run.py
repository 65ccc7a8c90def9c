"""Run every benchmark and print one table of ratios, each next to the baseline it was measured against.

    python benchmarks/run.py            # full corpora (stdlib flake8 runs make this ~10+ min)
    python benchmarks/run.py --quick    # smaller corpora, ~2 min
    python benchmarks/run.py --write    # also write benchmarks/results.md
    python benchmarks/run.py --only check,flake8

Baselines (ruff, semgrep) come from the ``bench`` extra: ``pip install -e '.[bench]'``;
semgrep is heavy and optional (``pip install semgrep``); a missing tool skips its row with
a message. Each benchmark module has ``main(quick) -> rows``.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as _dt
import importlib
import inspect
import os
import platform
import re
import sys
import time
import traceback
from pathlib import Path
from typing import Any, Iterable

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

from _measure import Row  # noqa: E402

# name -> module; modules written by other parts of the project may not exist yet.
BENCHMARKS = {
    "check": "bench_check",
    "flake8": "bench_flake8",
    "fix": "bench_fix",
    "memory": "bench_memory",
    "runtime": "bench_runtime",
    "shapes": "bench_shapes",
}


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "ops/s":
        return f"{value:,.0f} ops/s"
    if unit == "s":
        return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"
    return f"{value:.1f} {unit}"


def _as_row(item: Any, bench: str) -> Row:
    """Rows from other benchmark modules (Row, dataclass or mapping) as a ``Row``."""
    if isinstance(item, Row):
        return item
    if dataclasses.is_dataclass(item) and not isinstance(item, type):
        item = dataclasses.asdict(item)
    if isinstance(item, dict):
        item = dict(item)
        for theirs, ours in (("name", "bench"), ("seconds", "tool_value"),
                             ("baseline_seconds", "baseline_value")):
            if theirs in item and ours not in item:
                item[ours] = item.pop(theirs)
        numbers = [k for k, v in item.items() if isinstance(v, (int, float)) and k not in
                   ("tool_value", "baseline_value", "limit", "ratio")]
        if "baseline" not in item and len(numbers) >= 2:   # {"respgate": x, "bare_dict_lock": y}
            item["tool_value"], item["baseline_value"] = item.pop(numbers[0]), item.pop(numbers[1])
            item["baseline"] = numbers[1].replace("_", " ")
            item["tool"] = f"{item.get('tool', bench)} ({numbers[0]})"
        elif "baseline" not in item and len(numbers) == 1:
            item["tool_value"] = item.pop(numbers[0])
            item["baseline"] = "-"
        if "bench" in item and "tool" not in item:
            item["tool"] = "respgate " + bench
        item.pop("ratio", None)  # recomputed from the two values
        known = {f.name for f in dataclasses.fields(Row)}
        data = {k: v for k, v in item.items() if k in known}
        if {"tool", "baseline"} <= data.keys():
            data.setdefault("bench", bench)
            data.setdefault("corpus", "")
            data.setdefault("tool_value", item.get("value"))
            data.setdefault("baseline_value", None)
            rest = {k: v for k, v in item.items() if k not in known}
            row = Row(**data)
            limit = re.search(r"ratio\s*<=\s*([0-9.]+)", str(row.target))
            if row.limit is None and limit:
                row.limit = float(limit.group(1))
            if rest:
                row.note = (row.note + " " + ", ".join(f"{k}={v}" for k, v in rest.items())).strip()
            return row
        return Row(bench, "", ", ".join(f"{k}={v}" for k, v in item.items()), None, "", None)
    return Row(bench, "", str(item), None, "", None)


def print_rows(rows: Iterable[Row], out: Any = None) -> str:
    """The results as a Markdown table (printed and returned)."""
    lines = ["| benchmark | corpus | tool | time | baseline | baseline time | ratio | target | met |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        ratio = f"{r.ratio:.3f}x" if r.ratio is not None else "-"
        met = {True: "yes", False: "**NO**", None: "-"}[r.met]
        tool = r.tool + (f" ({r.note})" if r.note else "")
        lines.append(f"| {r.bench} | {r.corpus} | {tool} | {_fmt(r.tool_value, r.unit)} | "
                     f"{r.baseline} | {_fmt(r.baseline_value, r.unit)} | {ratio} | {r.target} | {met} |")
    text = "\n".join(lines)
    print(text, file=out or sys.stdout, flush=True)
    return text


def machine() -> str:
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"{os.cpu_count()} CPUs ({cpu}), Python {platform.python_version()} "
            f"({sys.executable}), {platform.system()} {platform.release()}")


def run_one(name: str, module_name: str, quick: bool) -> list[Row]:
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise
        return [Row(name, "", f"benchmarks/{module_name}.py", None, "", None,
                    note="SKIPPED: module not present")]
    main = getattr(module, "main")
    params = inspect.signature(main).parameters
    result = main(quick=quick) if "quick" in params else main()
    return [_as_row(item, name) for item in (result or [])]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller corpora (~2 minutes)")
    parser.add_argument("--write", action="store_true", help="also write benchmarks/results.md")
    parser.add_argument("--only", default="", help="comma-separated subset: " + ",".join(BENCHMARKS))
    args = parser.parse_args(argv)
    chosen = [n for n in BENCHMARKS if not args.only or n in args.only.split(",")]
    started = time.perf_counter()
    rows: list[Row] = []
    failed = False
    for name in chosen:
        print(f"== {name} ...", file=sys.stderr, flush=True)
        t0 = time.perf_counter()
        try:
            got = run_one(name, BENCHMARKS[name], args.quick)
        except Exception as exc:  # one broken benchmark must not hide the others
            traceback.print_exc()
            got = [Row(name, "", BENCHMARKS[name], None, "", None, note=f"FAILED: {exc!r}")]
            failed = True
        print_rows(got, out=sys.stderr)
        print(f"   ({time.perf_counter() - t0:.1f} s)", file=sys.stderr, flush=True)
        rows.extend(got)
    command = "python benchmarks/run.py" + (" --quick" if args.quick else "") + (
        f" --only {args.only}" if args.only else "")
    header = (f"Machine: {machine()}\n\nDate: {_dt.datetime.now().strftime('%Y-%m-%d %H:%M')}, "
              f"total {time.perf_counter() - started:.0f} s\n\nCommand: `{command}`\n")
    print("\n" + header)
    table = print_rows(rows)
    if args.write:
        (HERE / "results.md").write_text(f"# Benchmark results\n\n{header}\n{table}\n")
    return 1 if failed or any(r.met is False for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
