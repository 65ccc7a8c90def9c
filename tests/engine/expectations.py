"""Read expected findings from eval files: a trailing comment made only of rule codes.

``# RGT001`` expects a finding of that code on the line; ``# RGT001: 12`` also pins its
column (1-based, in characters, where the call starts); ``# RGT001, RGT003`` expects both.
"""

from __future__ import annotations

import re
from pathlib import Path

EVAL_DIR = Path(__file__).parent / "eval"
_CODE = r"RGT\d{3}(?::\s*\d+)?"
_MARK = re.compile(rf"#\s*({_CODE}(?:\s*,\s*{_CODE})*)\s*$")
_ONE = re.compile(r"(RGT\d{3})(?::\s*(\d+))?")


def expected_marks(path: Path) -> dict[tuple[int, str], int | None]:
    """(line, code) -> the expected 1-based column, or None when the comment gives none."""
    found: dict[tuple[int, str], int | None] = {}
    text = path.read_text(encoding="utf-8")
    for number, line in enumerate(text.splitlines(), start=1):
        match = _MARK.search(line)
        if match:
            for one in _ONE.finditer(match.group(1)):
                found[(number, one.group(1))] = int(one.group(2)) if one.group(2) else None
    return found


def expected_findings(path: Path) -> set[tuple[int, str]]:
    return set(expected_marks(path))


def expected_columns(path: Path) -> dict[tuple[int, str], int]:
    """Only the marks that pin a column."""
    return {key: col for key, col in expected_marks(path).items() if col is not None}


def eval_files() -> list[Path]:
    return sorted(EVAL_DIR.glob("*.py"))
