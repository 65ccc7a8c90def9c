"""What the flake8 plugin costs every flake8 user: the same default run with and without it.

flake8 runs every installed plugin whatever ``--select`` says, so ``--select RGT`` alone
would measure the wrong thing. Here the very same flake8 (same interpreter, same venv, same
wrapper, default options, ``-j 2``) runs twice per round: once as installed, once with the
``respgate-lint`` distribution hidden from ``importlib.metadata`` (which is how flake8 finds
plugins), so flake8 never registers the plugin. Both runs go through the identical wrapper,
so the wrapper costs both sides the same. A sanity check proves the toggle works: the
"with" run reports RGT001 on a probe file and the "without" run does not.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parent.parent)]

from _measure import STDLIB, Row, median_pair, run_process  # noqa: E402

__all__ = ["main", "flake8_command", "QUICK_SUBSET"]

DIST = "respgate-lint"

# Run flake8's own main after (optionally) hiding one distribution from plugin discovery.
_WRAPPER = r"""
import importlib.metadata as md, os, sys
hide = os.environ.get("RESPGATE_BENCH_HIDE")
if hide:
    _orig = md.distributions
    def distributions(**kw):
        for dist in _orig(**kw):
            if (dist.metadata["Name"] or "").lower().replace("_", "-") != hide:
                yield dist
    md.distributions = distributions
from flake8.main.cli import main
sys.exit(main(sys.argv[1:]))
"""

# A sizable slice of the stdlib for --quick (the full stdlib takes ~80 s a run on 2 cores).
QUICK_SUBSET = ("asyncio", "email", "json", "logging")


FULL_EXCLUDE = ("test",)


def _count(paths: list[Path], exclude: tuple[str, ...]) -> tuple[int, int]:
    files = lines = 0
    for root in paths:
        for dirpath, dirnames, names in os.walk(root):
            dirnames[:] = [d for d in dirnames
                           if d not in ("site-packages", "__pycache__", *exclude)]
            for name in names:
                if name.endswith(".py"):
                    files += 1
                    with open(os.path.join(dirpath, name), "rb") as handle:
                        lines += handle.read().count(b"\n")
    return files, lines


def flake8_command(paths: list[str], jobs: int = 2, exclude: tuple[str, ...] = ()) -> list[str]:
    """The wrapped flake8 command line (default options, ``-j jobs``)."""
    extra = [f"--extend-exclude={','.join(exclude)}"] if exclude else []
    return [sys.executable, "-c", _WRAPPER, f"-j{jobs}", "--exit-zero", *extra, *paths]


def _env(hide: bool) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("RESPGATE_BENCH_HIDE", None)
    if hide:
        env["RESPGATE_BENCH_HIDE"] = DIST
    return env


def check_toggle(workdir: Path) -> None:
    """Fail loudly unless the plugin really is on in one run and off in the other."""
    probe = workdir / "probe.py"
    probe.write_text('async def f(c):\n    await c.send_event({"type": "response.create"})\n')
    out = {}
    for hide in (False, True):
        proc = subprocess.run([*flake8_command([str(probe)], jobs=1), "--select", "RGT"],
                              env=_env(hide), capture_output=True, text=True)
        out[hide] = proc.stdout
    if "RGT001" not in out[False] or "RGT001" in out[True]:
        raise RuntimeError(f"flake8 plugin toggle does not work: with={out[False]!r} "
                           f"without={out[True]!r}")


def plugin_own_time(paths: list[Path], exclude: tuple[str, ...] = ()) -> tuple[float, int]:
    """Seconds the plugin spends on already-parsed trees (what flake8 hands it), and file count."""
    from respgate_lint.flake8_plugin import RespgatePlugin

    total, files = 0.0, 0
    for root in paths:
        for dirpath, dirnames, names in os.walk(root):
            dirnames[:] = [d for d in dirnames
                           if d not in ("site-packages", "__pycache__", *exclude)]
            for name in names:
                if not name.endswith(".py"):
                    continue
                full = os.path.join(dirpath, name)
                try:
                    with open(full, "rb") as handle:
                        data = handle.read()
                    text = data.decode("utf-8")
                    tree = ast.parse(text)
                except (SyntaxError, ValueError, UnicodeDecodeError):
                    continue
                lines = text.splitlines(keepends=True)
                start = time.perf_counter()
                list(RespgatePlugin(tree, lines, full).run())
                total += time.perf_counter() - start
                files += 1
    return total, files


def main(quick: bool = False) -> list[Row]:
    if quick:
        paths = [STDLIB / name for name in QUICK_SUBSET]
        corpus_name = f"stdlib subset ({', '.join(QUICK_SUBSET)})"
        runs = 7   # ~1.5 s a run: more rounds, as start-up noise is a larger share
    else:
        # The whole stdlib takes 80-150 s a flake8 run here; without its own test suite it is
        # half that, which buys 5 interleaved rounds (the A/B noise on a shared box is ~5%).
        paths = [STDLIB]
        corpus_name = f"stdlib {STDLIB} without test/"
        runs = 5
    exclude = () if quick else FULL_EXCLUDE
    files, lines = _count(paths, exclude)
    corpus = f"{corpus_name} ({files} files, {lines:,} lines)"
    with tempfile.TemporaryDirectory(prefix="respgate-flake8-") as tmp:
        check_toggle(Path(tmp))
    cmd = flake8_command([str(p) for p in paths], exclude=exclude)
    cpu: dict[bool, list[float]] = {True: [], False: []}

    def one(hide: bool) -> float:
        wall, used, _ = run_process(cmd, env=_env(hide))
        cpu[hide].append(used)
        return wall

    # No warm-up round: the runs are long and interleaved, so a cold cache hits one side once.
    with_plugin, without = median_pair(lambda: one(False), lambda: one(True), runs, warmup=False)
    cpu_with = sorted(cpu[False])[len(cpu[False]) // 2]
    cpu_without = sorted(cpu[True])[len(cpu[True]) // 2]
    walls_without = sorted(cpu[True])
    noise = (walls_without[-1] - walls_without[0]) / cpu_without if cpu_without else 0.0
    own, own_files = plugin_own_time(paths, exclude)
    target = "<= 1.02x (2% more)"
    # On the --quick slice a run lasts ~1.5 s and the run-to-run spread on a busy 2-core box
    # is 10-30%: the A/B rows are shown but judged only on the full corpus.
    ab_limit = None if quick else 1.02
    if quick:
        target = "judged on the full run (quick A/B is below the noise floor)"
    return [
        Row("flake8 plugin: wall", corpus, "flake8 -j2 (defaults) with respgate-lint",
            with_plugin, "same flake8 run, plugin not registered", without, target=target,
            limit=ab_limit, note=f"median of {runs}, interleaved, whole process"),
        Row("flake8 plugin: CPU", corpus, "flake8 -j2 with respgate-lint (user+sys, all procs)",
            cpu_with, "same run, plugin not registered", cpu_without, target=target, limit=ab_limit,
            note=f"median of {runs}; run-to-run spread without the plugin: {noise:.1%}"),
        Row("flake8 plugin: own time", corpus, f"plugin.run() on {own_files} parsed trees",
            own, "flake8 CPU without the plugin", cpu_without, target="<= 0.02x (2% of flake8)",
            limit=0.02, note="direct measure of the added work (noise-free)"),
    ]


if __name__ == "__main__":
    from run import print_rows  # type: ignore[import-not-found]

    print_rows(main(quick="--quick" in sys.argv))
