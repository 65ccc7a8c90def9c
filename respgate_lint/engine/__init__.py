"""The one detection engine. flake8, ``respgate check`` and the codemod all call ``analyze``.

Depends on ``respgate_lint.config`` and the pure-data rule catalogue only; never on libcst,
rich or the runtime, so the cheap entry points stay cheap.
"""

from __future__ import annotations

import ast
from pathlib import Path

from ..config import Settings
from .detector import analyze_tree
from .findings import (
    FileAnalysis,
    Finding,
    Fix,
    Form,
    GateArg,
    NotFixable,
    Safety,
    SiteContext,
    Span,
)
from .noqa import split_suppressed
from .parsing import parse_source, user_code_warnings_silenced
from .prefilter import might_have_findings

__all__ = [
    "FileAnalysis", "Finding", "Fix", "Form", "GateArg", "NotFixable", "Safety", "SiteContext",
    "Span",
    "analyze", "analyze_source", "might_have_findings", "parse_source", "split_suppressed",
    "user_code_warnings_silenced",
]


def analyze(source: str, tree: ast.Module, settings: Settings, *, path: Path | None = None,
            add_mixin: bool = False) -> FileAnalysis:
    """Findings for an already-parsed module (the flake8 path: flake8 parsed it).

    ``path`` (the file's location) lets gates and base classes imported from other files of
    the tree be read; ``add_mixin`` plans fixes for gate-less classes with the reference gate.
    """
    if not might_have_findings(source, settings):
        return FileAnalysis(skipped_by_prefilter=True)
    return analyze_tree(source, tree, settings, path=path, add_mixin=add_mixin)


def analyze_source(source: str, settings: Settings, filename: str = "<unknown>", *,
                   path: Path | None = None, add_mixin: bool = False) -> FileAnalysis:
    """Parse and analyze; raises SyntaxError (and ValueError for NUL bytes) like ``compile``."""
    if not might_have_findings(source, settings):
        return FileAnalysis(skipped_by_prefilter=True)
    return analyze_tree(source, parse_source(source, filename), settings, path=path,
                        add_mixin=add_mixin)
