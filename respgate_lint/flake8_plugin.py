"""The flake8 adapter: flake8's already-parsed tree in, ``(line, col, message, type)`` out.

flake8 runs every installed plugin on every file whatever ``--select`` says, so this adapter
does nothing for a file whose text holds no needle (the prefilter) and never re-parses.
Settings: the nearest pyproject.toml's ``[tool.respgate]``, overridden key by key by
flake8 options (``--respgate-gate-functions`` ... or the same names in setup.cfg/.flake8).
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any, ClassVar

from . import __version__
from .config import ConfigError, Settings, find_pyproject, load_settings, settings_from_mapping
from .engine import analyze

__all__ = ["RespgatePlugin"]

_OPTIONS = (
    ("gate-functions", True, "Names of gate functions (default: trigger_response,"
                             "trigger_response_from_tool)."),
    ("event-types", True, "Client event types that create a response (default: response.create)."),
    ("constant-pattern", False, "Regex for constant names that denote the event type."),
    ("event-constant-pattern", False, "Regex for constant names that denote a whole event."),
    ("class-pattern", False, "Regex for typed event class names."),
    ("send-pattern", False, "Regex for method names that send an event."),
)


class RespgatePlugin:
    """flake8 entry point for the RGT codes."""

    name = "respgate-lint"
    version = __version__
    _overrides: ClassVar[dict[str, Any]] = {}

    def __init__(self, tree: ast.Module, lines: list[str], filename: str = "stdin") -> None:
        self.tree = tree
        self.lines = lines
        self.filename = filename

    @classmethod
    def add_options(cls, manager: Any) -> None:
        for key, is_list, help_text in _OPTIONS:
            manager.add_option(f"--respgate-{key}", default=None, parse_from_config=True,
                               comma_separated_list=is_list, help=f"respgate: {help_text}")

    @classmethod
    def parse_options(cls, options: Any) -> None:
        overrides: dict[str, Any] = {}
        for key, _, _ in _OPTIONS:
            value = getattr(options, f"respgate_{key.replace('-', '_')}", None)
            if value:
                overrides[key] = value
        try:
            settings_from_mapping(overrides, source="flake8 options")
            load_settings(Path.cwd())
        except ConfigError as exc:
            sys.stderr.write(f"respgate: {exc}\n")
            raise SystemExit(2) from None
        cls._overrides = overrides
        _settings_for.cache_clear()

    def run(self) -> Iterator[tuple[int, int, str, type]]:
        source = "".join(self.lines)
        settings = _settings_for(_folder_of(self.filename), tuple(sorted(
            (k, tuple(v) if isinstance(v, list) else v) for k, v in self._overrides.items())))
        for finding in analyze(source, self.tree, settings).findings:
            yield finding.line, finding.col, finding.message, type(self)


def _folder_of(filename: str) -> str:
    if filename in ("stdin", "-", ""):
        return str(Path.cwd())
    return str(Path(filename).resolve().parent)


@lru_cache(maxsize=256)
def _settings_for(folder: str, overrides: tuple[tuple[str, Any], ...]) -> Settings:
    """pyproject settings for a folder with flake8's options laid over them."""
    pyproject = find_pyproject(Path(folder))
    try:
        base = load_settings(pyproject=pyproject) if pyproject else Settings()
    except ConfigError as exc:
        sys.stderr.write(f"respgate: {exc} (using defaults for files under {folder})\n")
        base = Settings()
    if not overrides:
        return base
    return settings_from_mapping(dict(overrides), source="flake8 options", base=base)
