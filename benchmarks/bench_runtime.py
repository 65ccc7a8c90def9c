"""Cost of the reference gate and registry beside a bare dict + threading.Lock.

Run: ``python benchmarks/bench_runtime.py``. ``main()`` returns the result rows
(list of dicts) for ``benchmarks/run.py``. Each figure is the best of a few
repeats, measured in the same process and run as its baseline, so the ratio
is what to read: what the guards, deferral and telemetry cost over the
minimum a hand-written gate does.

``--baseline REF`` also extracts ``respgate_lint/runtime`` at git ``REF`` into a
temporary package and measures both versions alternately in this process (a
busy machine slows both alike), printing per-trigger cost now / at ``REF``.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import logging
import secrets
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from respgate_lint.runtime import HandlerRegistry, ResponseGate

GATE_N = 20_000
REG_N = 100_000
REPEATS = 5


# ------------------------------------------------------------------ gate side
class _EchoClient:
    """No-op send that answers at once with response.done (so the next trigger may send)."""

    def __init__(self, on_done: Callable[[dict[str, Any]], None]) -> None:
        self.on_done = on_done

    async def send_event(self, event: dict[str, Any]) -> None:
        self.on_done({"type": "response.done",
                      "response": {"id": event["event_id"], "status": "completed",
                                   "metadata": event["response"]["metadata"]}})


class _NoopClient:
    async def send_event(self, event: dict[str, Any]) -> None:
        return None


class _BareGate:
    """The baseline: dict state + threading.Lock, the minimum a hand-written gate does."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.state: dict[str, Any] = {"in_flight": False, "closing": False, "last": 0.0,
                                      "pending": []}

    async def trigger_response(self, reason: str, client: Any) -> bool:
        with self.lock:
            st = self.state
            if st["closing"]:
                return False
            if st["in_flight"]:
                st["pending"].append(reason)
                return False
            st["in_flight"] = True
            st["last"] = time.monotonic()
        event = {"type": "response.create", "event_id": "evt_" + secrets.token_hex(8),
                 "response": {"metadata": {"reason": reason}}}
        await client.send_event(event)
        return True

    def observe(self, event: dict[str, Any]) -> None:
        if event.get("type") == "response.done":
            with self.lock:
                self.state["in_flight"] = False


def _best(fn: Callable[[], float]) -> float:
    return min(fn() for _ in range(REPEATS))


def _time_async(make: Callable[[], Any], n: int) -> float:
    """Seconds per call of the coroutine factory, on a fresh loop."""

    async def run() -> float:
        start = time.perf_counter()
        for _ in range(n):
            await make()
        return (time.perf_counter() - start) / n

    return asyncio.run(run())


def _gate_cases(gate_cls: Any) -> dict[str, Callable[[], float]]:
    """Each gate case (s per trigger) for a ``ResponseGate`` class: this checkout's, or the
    runtime at another git ref (``--baseline``)."""

    def sent() -> float:
        gate = gate_cls(min_interval_s=0.0, require_session_update=False)
        client = _EchoClient(gate.observe)
        return _time_async(lambda: gate.trigger_response("bench", client), GATE_N)

    def deferred() -> float:
        gate = gate_cls(require_session_update=False, defer_timeout_s=3600)

        async def go() -> float:
            await gate.trigger_response("first", _NoopClient())  # now in flight
            start = time.perf_counter()
            for _ in range(GATE_N):
                await gate.trigger_response("bench", _NoopClient())
            per = (time.perf_counter() - start) / GATE_N
            gate.close()
            return per

        return asyncio.run(go())

    def blocked() -> float:
        gate = gate_cls()
        gate.close()
        return _time_async(lambda: gate.trigger_response("bench", _NoopClient()), GATE_N)

    return {"sent + response.done": sent, "deferred (coalesced)": deferred,
            "blocked (closing)": blocked}


def _bare_cases() -> dict[str, Callable[[], float]]:
    """The same cases on a bare dict + lock gate."""

    def run(**state: bool) -> Callable[[], float]:
        def case() -> float:
            gate = _BareGate()
            gate.state.update(state)
            client = _EchoClient(gate.observe) if not state else _NoopClient()
            return _time_async(lambda: gate.trigger_response("bench", client), GATE_N)
        return case

    return {"sent + response.done": run(), "deferred (coalesced)": run(in_flight=True),
            "blocked (closing)": run(closing=True)}


_ROW_NAMES = {"sent + response.done": "trigger_response -> sent + response.done observed",
              "deferred (coalesced)": "trigger_response -> deferred (coalesced)",
              "blocked (closing)": "trigger_response -> blocked (closing)"}


def _gate_rows() -> list[dict[str, Any]]:
    ours, bare = _gate_cases(ResponseGate), _bare_cases()
    return [_row(_ROW_NAMES[name], "us/op", _best(ours[name]) * 1e6, _best(bare[name]) * 1e6)
            for name in ours]


# -------------------------------------------------------------- registry side
class _Handler:
    __slots__ = ()

    def close(self) -> None:
        return None


class _BareRegistry:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.d: dict[Any, Any] = {}

    def register(self, key: Any, handler: Any) -> Any:
        with self.lock:
            old = self.d.get(key)
            self.d[key] = handler
        if old is not None and old is not handler:
            old.close()
        return old

    def unregister(self, key: Any, handler: Any) -> bool:
        with self.lock:
            if self.d.get(key) is handler:
                del self.d[key]
                return True
        return False


def _ops_per_s(make_registry: Callable[[], Any], threads: int) -> float:
    """register + replace + unregister on per-thread keys; ops counted individually."""
    reg = make_registry()
    handlers = [_Handler() for _ in range(4)]
    per_thread = REG_N // threads // 3

    def work(tid: int) -> None:
        keys = [f"call-{tid}-{i % 64}" for i in range(per_thread)]
        a, b = handlers[0], handlers[1]
        for key in keys:
            reg.register(key, a)
            reg.register(key, b)  # replaces a (closes it)
            reg.unregister(key, b)

    start = time.perf_counter()
    if threads == 1:
        work(0)
    else:
        pool = [threading.Thread(target=work, args=(t,)) for t in range(threads)]
        for t in pool:
            t.start()
        for t in pool:
            t.join()
    elapsed = time.perf_counter() - start
    return per_thread * 3 * threads / elapsed


def _registry_rows() -> list[dict[str, Any]]:
    rows = []
    for threads in (1, 8):
        ours = max(_ops_per_s(HandlerRegistry, threads) for _ in range(REPEATS))
        bare = max(_ops_per_s(_BareRegistry, threads) for _ in range(REPEATS))
        rows.append(_row(f"registry register/replace/unregister, {threads} thread(s)",
                         "ops/s", ours, bare, higher_is_better=True))
    return rows


# ------------------------------------------------------------------- output
def _row(name: str, unit: str, ours: float, bare: float, *,
         higher_is_better: bool = False) -> dict[str, Any]:
    slowdown = bare / ours if higher_is_better else ours / bare
    return {"name": name, "unit": unit, "respgate": round(ours, 3),
            "bare_dict_lock": round(bare, 3), "ratio": round(slowdown, 2)}


def _print(rows: list[dict[str, Any]]) -> None:
    width = max(len(r["name"]) for r in rows)
    print(f"{'benchmark':<{width}}  {'unit':>6}  {'respgate':>12}  {'dict+lock':>12}  "
          f"{'cost x':>6}")
    for r in rows:
        print(f"{r['name']:<{width}}  {r['unit']:>6}  {r['respgate']:>12,.2f}  "
              f"{r['bare_dict_lock']:>12,.2f}  {r['ratio']:>6.2f}")
    print("cost x = how many times the bare dict + lock's cost (time per op, or "
          "inverse throughput)")


def main() -> list[dict[str, Any]]:
    """Run every benchmark; return rows of {name, unit, respgate, bare_dict_lock, ratio}."""
    started = time.perf_counter()
    log = logging.getLogger("respgate_lint.runtime")
    level = log.level
    log.setLevel(logging.ERROR)  # the deferred bench drops its held intent on purpose
    try:
        rows = _gate_rows() + _registry_rows()
    finally:
        log.setLevel(level)
    rows.append({"name": "total benchmark time", "unit": "s",
                 "respgate": round(time.perf_counter() - started, 2),
                 "bare_dict_lock": None, "ratio": None})
    return rows


# -------------------------------------------------------- against a git ref
def _runtime_at(ref: str, into: Path) -> ModuleType:
    """``respgate_lint/runtime`` as of ``ref``, importable as its own package."""
    root = Path(__file__).resolve().parents[1]
    archive = subprocess.run(["git", "-C", str(root), "archive", ref, "respgate_lint/runtime"],
                             capture_output=True, check=True).stdout
    tar_path = into / "runtime.tar"
    tar_path.write_bytes(archive)
    with tarfile.open(tar_path) as tar:
        tar.extractall(into, filter="data")
    package = into / "respgate_lint" / "runtime"
    package.rename(into / "respgate_baseline_runtime")
    sys.path.insert(0, str(into))
    return importlib.import_module("respgate_baseline_runtime")


def _per_trigger(mod: Any) -> dict[str, float]:
    """One timing of each gate case for the runtime module ``mod`` (s per trigger)."""
    return {name: case() for name, case in _gate_cases(mod.ResponseGate).items()}


def compare(ref: str, rounds: int = 7) -> list[dict[str, Any]]:
    """Per-trigger cost of this checkout vs ``ref``, alternating, best of ``rounds``."""
    import respgate_lint.runtime as current

    with tempfile.TemporaryDirectory() as tmp:
        baseline = _runtime_at(ref, Path(tmp))
        best: dict[str, dict[str, float]] = {"now": {}, "ref": {}}
        for _ in range(rounds):
            for label, mod in (("ref", baseline), ("now", current)):
                for name, value in _per_trigger(mod).items():
                    best[label][name] = min(value, best[label].get(name, value))
    return [{"name": name, "now_us": round(best["now"][name] * 1e6, 2),
             "ref_us": round(best["ref"][name] * 1e6, 2),
             "ratio": round(best["now"][name] / best["ref"][name], 2)}
            for name in best["now"]]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", metavar="REF",
                        help="also compare per-trigger cost with the runtime at this git ref")
    args = parser.parse_args()
    log = logging.getLogger("respgate_lint.runtime")
    if args.baseline:
        log.setLevel(logging.ERROR)
        print(f"per-trigger cost, this checkout vs {args.baseline} (same process, alternating)")
        for row in compare(args.baseline):
            print(f"  {row['name']:<24} now {row['now_us']:8.2f} us   {args.baseline} "
                  f"{row['ref_us']:8.2f} us   ratio {row['ratio']:.2f}")
        print()
    results = main()
    _print([r for r in results if r["ratio"] is not None])
    print(f"total time: {results[-1]['respgate']} s")
