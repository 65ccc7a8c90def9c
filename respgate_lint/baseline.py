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
    """Read a baseline file; any problem is a ConfigError (exit 2) naming the file."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read baseline: {exc.strerror or exc}") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: baseline is not valid JSON: {exc}") from None
    if not isinstance(document, dict) or document.get("version") != BASELINE_VERSION:
        raise ConfigError(f"{path}: not a respgate baseline (version {BASELINE_VERSION})")
    counts: Counter[Fingerprint] = Counter()
    for index, entry in enumerate(document.get("findings", [])):
        try:
            fp = Fingerprint(str(entry["path"]), str(entry["code"]), str(entry["function"]),
                             str(entry["call"]))
            counts[fp] += int(entry.get("count", 1))
        except (KeyError, TypeError, ValueError):
            raise ConfigError(f"{path}: baseline entry {index} is malformed") from None
    return Baseline(Path(os.path.abspath(path)).parent, counts)


def write_baseline(baseline: Baseline, path: Path) -> None:
    """Write through a temporary file and a rename, so a crash never leaves half a baseline."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(baseline.to_json(), encoding="utf-8", newline="\n")
    os.replace(tmp, path)
