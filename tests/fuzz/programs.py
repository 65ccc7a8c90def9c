"""Shared pieces of the fuzz tests: settings that make the engine look everywhere, checks."""

from __future__ import annotations

import ast
import warnings

from respgate_lint.config import Settings
from respgate_lint.engine import FileAnalysis

__all__ = ["DEFAULT", "WIDE", "parses", "check_analysis"]

DEFAULT = Settings()
# Needles that match nearly everything: a top-level alternation in the constant pattern turns
# the prefilter and the hot-line filter off (every statement is examined), every capitalised
# name is a constant or an event class, every method is a send, and short names are gates.
WIDE = Settings().replace(
    constant_pattern=r"^(?:[A-Z0-9_]*_)?RESPONSE_CREATE$|^[A-Z]",
    class_pattern=r"^[A-Z]",
    send_pattern=r".*",
    gate_functions=("trigger_response", "f", "g", "x"),
    event_types=("response.create", "a", "x"),
)


def parses(source: str) -> ast.Module | None:
    """The module, or None when this text is not something Python would parse."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SyntaxWarning)
            return ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def check_analysis(source: str, analysis: FileAnalysis) -> None:
    """Every finding points inside the file and carries a known code."""
    lines = source.splitlines() or [""]
    for finding in analysis.findings:
        assert finding.code in ("RGT001", "RGT002", "RGT003"), finding
        span = finding.span
        assert 1 <= span.line <= span.end_line <= len(lines) + 1, finding
        assert 0 <= span.col <= len(lines[span.line - 1]) if span.line <= len(lines) else True
        assert finding.message.startswith(finding.code), finding
        assert finding.fixable == (finding.why_not is None), finding
