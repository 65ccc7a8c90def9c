"""Peak memory of ``respgate check`` stays flat as the tree grows (streaming, no lists of trees).

Builds one generated app tree (ordinary modules plus large realtime handlers that really get
parsed and analysed), then hard-links copies of it until the tree holds ~3M lines, and
measures the peak RSS of ``respgate check`` over the whole tree and over a quarter of it,
each in a fresh process (``getrusage(RUSAGE_CHILDREN).ru_maxrss`` in a wrapper process).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parent.parent)]

from _measure import Row, bin_path  # noqa: E402
from app_tree import count_lines, write_app_tree  # noqa: E402

__all__ = ["main", "peak_rss_mb", "build_tree"]

_PEAK = r"""
import json, resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(json.dumps(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
"""


def peak_rss_mb(cmd: list[str]) -> float:
    """Peak resident set size (MB) of ``cmd`` run to completion in a fresh wrapper process."""
    out = subprocess.run([sys.executable, "-c", _PEAK, *cmd], capture_output=True, text=True,
                         check=True).stdout
    return json.loads(out) / 1024.0   # ru_maxrss is in KiB on Linux


def _link_tree(src: Path, dst: Path) -> None:
    try:
        shutil.copytree(src, dst, copy_function=os.link)
    except OSError:
        shutil.copytree(src, dst)


def build_tree(root: Path, target_lines: int) -> tuple[list[Path], int]:
    """Copies of one unit app tree until ``target_lines``; returns (copy folders, lines)."""
    unit = write_app_tree(root / "unit", modules=340, handlers=5, handler_lines=4000)
    _, unit_lines = count_lines(unit)
    copies = max(4, round(target_lines / unit_lines))
    copies -= copies % 4          # a quarter of the tree is exactly copies // 4 folders
    folders = []
    for i in range(copies):
        folder = root / "tree" / f"copy_{i:03d}"
        folder.parent.mkdir(parents=True, exist_ok=True)
        _link_tree(unit, folder)
        folders.append(folder)
    return folders, copies * unit_lines


def main(quick: bool = False) -> list[Row]:
    target_lines = 300_000 if quick else 3_000_000
    script = bin_path("respgate")
    respgate = [script] if script else [sys.executable, "-m", "respgate_lint"]
    with tempfile.TemporaryDirectory(prefix="respgate-mem-") as tmp:
        folders, lines = build_tree(Path(tmp), target_lines)
        quarter = folders[: len(folders) // 4]
        files_all = sum(count_lines(f)[0] for f in folders)
        tree = str(Path(tmp) / "tree")
        quiet = ["--ignore", "RGT"]   # all the work (parse, walk, find), nothing kept to report
        engine_full = peak_rss_mb([*respgate, "check", *quiet, tree])
        engine_part = peak_rss_mb([*respgate, "check", *quiet, *map(str, quarter)])
        full = peak_rss_mb([*respgate, "check", tree])
        part = peak_rss_mb([*respgate, "check", *map(str, quarter)])
    corpus = f"generated tree, {files_all:,} files, {lines:,} lines (1/4: {lines // 4:,})"
    return [
        Row("memory: engine+runner peak RSS", corpus,
            "respgate check --ignore RGT, whole tree (every handler parsed and analysed)",
            engine_full, "same, 1/4 of the tree", engine_part, target="flat (<= 1.25x)",
            limit=1.25, unit="MB", note="ru_maxrss of the child process"),
        Row("memory: check incl. report", corpus,
            f"respgate check, whole tree ({len(folders) * 5} files with findings)", full,
            "respgate check, 1/4 of the tree", part, target="flat (<= 1.25x)", limit=1.25,
            unit="MB", note="the text report keeps only the reported lines of each file"),
    ]


if __name__ == "__main__":
    from run import print_rows  # type: ignore[import-not-found]

    print_rows(main(quick="--quick" in sys.argv))
