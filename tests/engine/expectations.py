"""Read expected findings from eval files: a trailing comment made only of rule codes."""

from __future__ import annotations

import re
from pathlib import Path

EVAL_DIR = Path(__file__).parent / "eval"
_MARK = re.compile(r"#\s*(RGT\d{3}(?:\s*,\s*RGT\d{3})*)\s*$")


def expected_findings(path: Path) -> set[tuple[int, str]]:
    found: set[tuple[int, str]] = set()
    text = path.read_text(encoding="utf-8")
    for number, line in enumerate(text.splitlines(), start=1):
        match = _MARK.search(line)
        if match:
            found.update((number, code.strip()) for code in match.group(1).split(","))
    return found


def eval_files() -> list[Path]:
    return sorted(EVAL_DIR.glob("*.py"))
