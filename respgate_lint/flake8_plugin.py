"""The flake8 adapter: flake8's already-parsed tree in, ``(line, col, message, type)`` out.

flake8 runs every installed plugin on every file whatever ``--select`` says, so this adapter
does nothing for a file whose text holds no needle (the prefilter) and never re-parses.
Settings: the nearest pyproject.toml's ``[tool.respgate]``, overridden key by key by
flake8 options (``--respgate-gate-functions`` ... or the same names in setup.cfg/.flake8),
resolved by the same ``SettingsResolver`` as ``respgate check``. flake8 owns selection,
ignores, per-file ignores and noqa, so the plugin yields every finding.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

from . import __version__
from .config import ConfigError, Settings, settings_from_mapping
from .engine import analyze
from .runner import SettingsResolver

__all__ = ["RespgatePlugin"]

# flake8 parses each file itself, before any plugin runs: on Python 3.11 ``ast.parse`` gives up
# on an ``elif`` chain past about 3,000 branches at the default limit (the limit scales its
# depth check), and pyflakes, which flake8 always runs, past about 300. A higher limit, as
# mypy sets, lets them read such valid code (respgate's own walk needs none). Set when flake8
# hands the plugin its options, never on import.
_FLAKE8_RECURSION_LIMIT = 20_000

_OPTIONS = (
    ("gate-functions", True, "Names of gate functions (default: trigger_response,"
                             "trigger_response_from_tool)."),
    ("event-types", True, "Client event types that create a response (default: response.create)."),
    ("constant-pattern", False, "Regex for constant names that denote the event type."),
    ("event-constant-pattern", False, "Regex for constant names that denote a whole event."),
    ("class-pattern", False, "Regex for typed event class names."),
    ("send-pattern", False, "Regex for method names that send an event."),
    ("apis", True, "APIs whose sends are reported: realtime (default), responses-ws."),
    ("gate-reason-param", False, "The gate's reason parameter, when its name does not say."),
    ("gate-client-param", False, "The gate's client parameter, when its name does not say."),
)


class RespgatePlugin:
    """flake8 entry point for the RGT codes."""

    name = "respgate-lint"
    version = __version__
    _resolver: ClassVar[SettingsResolver] = SettingsResolver()

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
        resolver = SettingsResolver(overrides=overrides, source="flake8 options")
        try:
            settings_from_mapping(overrides, source="flake8 options")
            resolver.for_path(Path.cwd())
        except ConfigError as exc:
            sys.stderr.write(f"respgate: {exc}\n")
            raise SystemExit(2) from None
        cls._resolver = resolver
        sys.setrecursionlimit(max(sys.getrecursionlimit(), _FLAKE8_RECURSION_LIMIT))

    def run(self) -> Iterator[tuple[int, int, str, type]]:
        source = "".join(self.lines)
        path = None if self.filename in ("stdin", "-", "") else Path(self.filename).resolve()
        settings = self._settings(path)
        for finding in analyze(source, self.tree, settings, path=path).findings:
            yield finding.line, finding.col, finding.message, type(self)

    def _settings(self, path: Path | None) -> Settings:
        try:
            return self._resolver.for_path(path or Path.cwd())
        except ConfigError as exc:  # a broken pyproject below cwd: say so, use defaults
            sys.stderr.write(f"respgate: {exc} (using defaults for {self.filename})\n")
            return Settings()
