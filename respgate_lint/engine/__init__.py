"""The one detection engine. flake8, ``respgate check`` and the codemod all call ``analyze``.

Depends on ``respgate_lint.config`` and the pure-data rule catalogue only; never on libcst,
rich or the runtime, so the cheap entry points stay cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .prefilter import might_have_findings

if TYPE_CHECKING:
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

# name -> the submodule defining it, imported on first use: a run whose every file fails the
# prefilter (a clean `respgate check` of a few files from pre-commit) loads none of them.
_LAZY = {
    **dict.fromkeys(("FileAnalysis", "Finding", "Fix", "Form", "GateArg", "NotFixable", "Safety",
                     "SiteContext", "Span"), "findings"),
    "analyze_tree": "detector",
    "split_suppressed": "noqa",
    "parse_source": "parsing",
    "user_code_warnings_silenced": "parsing",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


__all__ = [
    "FileAnalysis", "Finding", "Fix", "Form", "GateArg", "NotFixable", "Safety", "SiteContext",
    "Span",
    "analyze", "analyze_source", "analyze_tree", "might_have_findings", "parse_source",
    "split_suppressed", "user_code_warnings_silenced",
]


def analyze(source: str, tree: ast.Module, settings: Settings, *, path: Path | None = None,
            add_mixin: bool = False) -> FileAnalysis:
    """Findings for an already-parsed module (the flake8 path: flake8 parsed it).

    ``path`` (the file's location) lets gates and base classes imported from other files of
    the tree be read; ``add_mixin`` plans fixes for gate-less classes with the reference gate.
    """
    from .findings import FileAnalysis

    if not might_have_findings(source, settings):
        return FileAnalysis(skipped_by_prefilter=True)
    from .detector import analyze_tree

    return analyze_tree(source, tree, settings, path=path, add_mixin=add_mixin)


def analyze_source(source: str, settings: Settings, filename: str = "<unknown>", *,
                   path: Path | None = None, add_mixin: bool = False) -> FileAnalysis:
    """Parse and analyze; raises SyntaxError (and ValueError for NUL bytes) like ``compile``."""
    from .findings import FileAnalysis

    if not might_have_findings(source, settings):
        return FileAnalysis(skipped_by_prefilter=True)
    from .detector import analyze_tree
    from .parsing import parse_source

    return analyze_tree(source, parse_source(source, filename), settings, path=path,
                        add_mixin=add_mixin)
