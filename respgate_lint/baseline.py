"""Baselines: accept today's findings, fail only on new ones.

A team adopting the linter on a code base with dozens of bypasses records them once
(``respgate baseline src/ -o .respgate-baseline.json``) and CI runs
``respgate check --baseline .respgate-baseline.json src/``. A finding is identified by a
fingerprint that survives unrelated edits and line shifts: (file path relative to the
baseline file's folder, code, enclosing ``Class.function``, the call's source text normalised
with ``ast.unparse`` so whitespace, line breaks and quote style do not matter). Line numbers
are deliberately not part of it. Identical calls in one function are counted, so adding a
third copy of a call that was baselined twice is reported.
"""

from __future__ import annotations

import ast
import json
import os
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from .config import ConfigError
from .engine.findings import Finding
from .sourcetext import span_text, split_lines
from .writes import replace_checked

__all__ = [
    "Baseline",
    "Fingerprint",
    "fingerprint",
    "load_baseline",
    "normalise_call",
    "relative_key",
    "write_baseline",
]

BASELINE_VERSION = 1


class Fingerprint(NamedTuple):
    path: str        # posix, relative to the baseline file's folder
    code: str
    function: str    # "Class.method", "function", or "<module>"
    call: str        # normalised source of the reported call


def normalise_call(text: str) -> str:
    """The call's source, independent of formatting (``ast.unparse``; else whitespace-free)."""
    stripped = text.strip()
    try:
        return ast.unparse(ast.parse(stripped, mode="eval"))
    except (SyntaxError, ValueError, RecursionError):
        return re.sub(r"\s+", "", stripped)


def relative_key(path: Path, root: Path) -> str:
    """``path`` relative to ``root`` in posix form (absolute when it lies outside)."""
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(Path(os.path.abspath(root))).as_posix()
    except ValueError:
        return absolute.as_posix()


def fingerprint(finding: Finding, lines: list[str], path_key: str) -> Fingerprint:
    function = finding.function or "<module>"
    if finding.class_name:
        function = f"{finding.class_name}.{function}"
    return Fingerprint(path_key, finding.code, function,
                       normalise_call(span_text(lines, finding.span)))


def fingerprints_of(findings: Iterable[Finding], text: str, path_key: str) -> list[Fingerprint]:
    lines = split_lines(text)
    return [fingerprint(f, lines, path_key) for f in findings]


@dataclass
class Baseline:
    """Counted fingerprints; ``root`` is the folder paths are relative to."""

    root: Path
    counts: Counter[Fingerprint] = field(default_factory=Counter)

    def key(self, path: Path) -> str:
        """How the baseline names ``path``."""
        return relative_key(path, self.root)

    def new_findings(self, findings: list[Finding], text: str, path: Path,
                     budget: Counter[Fingerprint]) -> list[Finding]:
        """Findings of one file not covered by ``budget`` (which this consumes)."""
        if not findings:
            return []
        new: list[Finding] = []
        for finding, fp in zip(findings, fingerprints_of(findings, text, self.key(path))):
            if budget[fp] > 0:
                budget[fp] -= 1
            else:
                new.append(finding)
        return new

    def to_json(self) -> str:
        entries = [
            {"path": fp.path, "code": fp.code, "function": fp.function, "call": fp.call,
             "count": n}
            for fp, n in sorted(self.counts.items())
        ]
        document = {"version": BASELINE_VERSION, "tool": "respgate", "findings": entries}
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def load_baseline(path: Path) -> Baseline:
    """Read a baseline file; any problem is a ConfigError (exit 2): one line naming the file
    and, for a bad entry, its index and key."""
    try:
        document = json.loads(path.read_bytes().decode("utf-8"), parse_int=_parse_int)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read baseline: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: baseline is not UTF-8 text (byte {exc.start})") from None
    except (ValueError, RecursionError) as exc:
        raise ConfigError(f"{path}: baseline is not valid JSON: {_one_line(exc)}") from None
    if not isinstance(document, dict):
        raise ConfigError(f"{path}: not a respgate baseline: expected a JSON object with "
                          f"'version' and 'findings', got {_json_type(document)}")
    if document.get("version") != BASELINE_VERSION or isinstance(document.get("version"), bool):
        raise ConfigError(f"{path}: 'version' must be {BASELINE_VERSION} (a respgate baseline), "
                          f"got {_shown(document.get('version'))}")
    entries = document.get("findings", [])
    if not isinstance(entries, list):
        raise ConfigError(f"{path}: 'findings' must be a list, got {_json_type(entries)}")
    counts: Counter[Fingerprint] = Counter()
    for index, entry in enumerate(entries):
        fp, count = _entry(entry, f"{path}: findings[{index}]")
        counts[fp] += count
    return Baseline(Path(os.path.abspath(path)).parent, counts)


_ENTRY_KEYS = ("path", "code", "function", "call")
MAX_COUNT = 1_000_000   # identical calls in one function: a larger count is a broken file


def _entry(entry: object, where: str) -> tuple[Fingerprint, int]:
    """One baseline entry, checked key by key."""
    if not isinstance(entry, dict):
        raise ConfigError(f"{where} must be an object, got {_json_type(entry)}")
    values: list[str] = []
    for key in _ENTRY_KEYS:
        if key not in entry:
            raise ConfigError(f"{where}: missing key '{key}'")
        if not isinstance(entry[key], str):
            raise ConfigError(f"{where}: '{key}' must be a string, got {_json_type(entry[key])}")
        values.append(entry[key])
    count = entry.get("count", 1)
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_COUNT:
        raise ConfigError(f"{where}: 'count' must be a whole number from 1 to {MAX_COUNT}, "
                          f"got {_shown(count)}")
    return Fingerprint(*values), count


class _Huge:
    """A JSON integer too long to be a count (kept as text, so the message can show it)."""

    def __init__(self, text: str) -> None:
        self.text = text


def _parse_int(text: str) -> int | _Huge:
    return int(text) if len(text) <= 30 else _Huge(text)


def _json_type(value: object) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean",
             int: "a number", float: "a number", _Huge: "a number", type(None): "null"}
    return names.get(type(value), type(value).__name__)


def _shown(value: object) -> str:
    if isinstance(value, _Huge):
        text = value.text
    elif isinstance(value, float):
        text = repr(value)
    else:
        text = json.dumps(value, default=lambda v: "...")
    return text if len(text) <= 40 else text[:37] + "..."


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:200]


def write_baseline(baseline: Baseline, path: Path) -> None:
    """Write through a unique temporary file and a rename (``writes.replace_checked``), so a
    crash never leaves half a baseline and no name planted in the tree is written through.
    Raises ``WriteRefused`` (a symlink out of the tree, a read-only file) or ``OSError``."""
    replace_checked(path, baseline.to_json().encode("utf-8"), expected=None)
