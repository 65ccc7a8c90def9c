"""Settings: defaults, ``[tool.respgate]`` in pyproject.toml, and their validation.

One frozen ``Settings`` object reaches the engine whatever the entry point (flake8 plugin,
``respgate check``, the codemod), so every entry point decides with the same rules.
Keys are kebab-case in TOML (``gate-functions``); snake_case spellings are accepted too.
An unknown key or a value of the wrong type raises ``ConfigError`` naming the key.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple


try:  # the parser behind re.compile; public as sre_parse before 3.11
    import re._parser as sre_parse  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover
    import sre_parse  # type: ignore[no-redef]

__all__ = [
    "ConfigError", "Settings", "find_pyproject", "governs", "load_settings", "repository_root",
    "settings_from_mapping",
]

DEFAULT_GATE_FUNCTIONS = ("trigger_response", "trigger_response_from_tool")
DEFAULT_EVENT_TYPES = ("response.create",)
# Names that denote the event type by convention, even when imported from elsewhere:
# RESPONSE_CREATE, EVENT_RESPONSE_CREATE, SendEvents.RESPONSE_CREATE (never RESPONSE_CREATED).
DEFAULT_CONSTANT_PATTERN = r"^(?:[A-Z0-9_]*_)?RESPONSE_CREATE$"
# Names that denote a whole response.create event (a dict or JSON text), even when imported:
# RESPONSE_CREATE_EVENT, DEFAULT_RESPONSE_CREATE_MSG, Events.RESPONSE_CREATE_PAYLOAD.
DEFAULT_EVENT_CONSTANT_PATTERN = (r"^(?:[A-Z0-9_]*_)?RESPONSE_CREATE_"
                                  r"(?:EVENT|MSG|MESSAGE|PAYLOAD|REQUEST|JSON)$")
# Typed event classes: any name holding the word ResponseCreate (ResponseCreateEvent,
# ConversationResponseCreateEvent, ClientEventResponseCreate, RTResponseCreateMessage), never
# the server's ResponseCreated*: what follows the word starts a new word or ends the name.
DEFAULT_CLASS_PATTERN = r"^[A-Za-z0-9_]*ResponseCreate(?:[A-Z0-9_][A-Za-z0-9_]*)?$"
# Method (or function) names that put an event on the wire or on a send queue: the verb as a
# snake_case or camelCase word (send, _send_event, ws_send, sendEvent, put_nowait) or sendall.
DEFAULT_SEND_PATTERN = (r"(?:^|_)(?i:send|queue|enqueue|emit|publish|dispatch|put|write)"
                        r"(?:_|$|[A-Z]|all$)")
DEFAULT_TOOL_REASON_PREFIX = "FUNCTION_"
# Which APIs' response.create sends are reported: the Realtime API (the gate's reason to be);
# "responses-ws" adds the Responses API websocket (/v1/responses), which has no gate of its own.
KNOWN_APIS = ("realtime", "responses-ws")
DEFAULT_APIS = ("realtime",)


class ConfigError(ValueError):
    """A configuration problem, worded as one line that names the offending key."""


# Names are identifiers: real ones are far shorter. A longer one (hostile or generated code)
# is never matched, which bounds the work any user pattern can do on one name.
MAX_NAME_LENGTH = 256


class NamePattern:
    """A configured name pattern, matched only against names of at most ``MAX_NAME_LENGTH``
    characters; with ``check_backtracking`` at load time, no name can make it hang."""

    __slots__ = ("pattern", "_re")

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self._re = re.compile(pattern)

    def match(self, name: str) -> re.Match[str] | None:
        return self._re.match(name) if len(name) <= MAX_NAME_LENGTH else None

    def search(self, name: str) -> re.Match[str] | None:
        return self._re.search(name) if len(name) <= MAX_NAME_LENGTH else None

    def fullmatch(self, name: str) -> re.Match[str] | None:
        return self._re.fullmatch(name) if len(name) <= MAX_NAME_LENGTH else None

    def __reduce__(self) -> tuple[type, tuple[str]]:
        return (NamePattern, (self.pattern,))


@lru_cache(maxsize=64)
def name_pattern(pattern: str) -> NamePattern:
    """The compiled pattern, once per pattern text for the whole run."""
    return NamePattern(pattern)


class Settings(NamedTuple):
    """Everything the engine and the codemod need to know about a code base's conventions.

    A NamedTuple, not a dataclass, as is every record a plain ``check`` builds: importing
    ``dataclasses`` (and the ``inspect`` it pulls in) and building the classes was a fifth of
    a pre-commit run on a few files (docs/benchmarks.md, start-up). Immutable and hashable;
    ``source`` says where the values came from and is part of equality.
    """

    gate_functions: tuple[str, ...] = DEFAULT_GATE_FUNCTIONS
    event_types: tuple[str, ...] = DEFAULT_EVENT_TYPES
    constant_pattern: str = DEFAULT_CONSTANT_PATTERN
    event_constant_pattern: str = DEFAULT_EVENT_CONSTANT_PATTERN
    class_pattern: str = DEFAULT_CLASS_PATTERN
    send_pattern: str = DEFAULT_SEND_PATTERN
    apis: tuple[str, ...] = DEFAULT_APIS
    tool_reason_prefix: str = DEFAULT_TOOL_REASON_PREFIX
    gate_reason_param: str | None = None   # the gate's reason parameter, when its name says nothing
    gate_client_param: str | None = None   # the gate's client parameter, likewise
    exclude: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    respect_gitignore: bool = True   # skip what git ignores when a folder is walked
    source: str = "defaults"

    @property
    def constant_re(self) -> NamePattern:
        return name_pattern(self.constant_pattern)

    @property
    def event_constant_re(self) -> NamePattern:
        return name_pattern(self.event_constant_pattern)

    @property
    def class_re(self) -> NamePattern:
        return name_pattern(self.class_pattern)

    @property
    def send_re(self) -> NamePattern:
        return name_pattern(self.send_pattern)

    def replace(self, **changes: Any) -> Settings:
        """A copy with some values changed, validated like a config file would be."""
        return _validated(self._replace(**changes))


# key in TOML -> (field name, kind)
_KEYS: dict[str, tuple[str, str]] = {
    "gate-functions": ("gate_functions", "identifiers"),
    "event-types": ("event_types", "strings"),
    "constant-pattern": ("constant_pattern", "regex"),
    "event-constant-pattern": ("event_constant_pattern", "regex"),
    "class-pattern": ("class_pattern", "regex"),
    "send-pattern": ("send_pattern", "regex"),
    "apis": ("apis", "apis"),
    "tool-reason-prefix": ("tool_reason_prefix", "reason_prefix"),
    "gate-reason-param": ("gate_reason_param", "identifier"),
    "gate-client-param": ("gate_client_param", "identifier"),
    "exclude": ("exclude", "strings"),
    "per-file-ignores": ("per_file_ignores", "per_file_ignores"),
    "select": ("select", "codes"),
    "ignore": ("ignore", "codes"),
    "extend-select": ("select", "codes"),
    "respect-gitignore": ("respect_gitignore", "bool"),
}
_CODE_RE = re.compile(r"^[A-Z]{1,3}[0-9]{0,3}$")
_IDENT_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def settings_from_mapping(table: Mapping[str, Any], *, source: str = "<config>",
                          base: Settings | None = None) -> Settings:
    """Build settings from a ``[tool.respgate]``-shaped mapping; unknown keys are errors."""
    if not isinstance(table, Mapping):
        raise ConfigError(f"{source}: [tool.respgate] must be a table")
    changes: dict[str, Any] = {}
    for raw_key, value in table.items():
        key = str(raw_key).replace("_", "-")
        if key not in _KEYS:
            known = ", ".join(sorted(k for k in _KEYS if k != "extend-select"))
            raise ConfigError(f"{source}: unknown key '{raw_key}' in [tool.respgate] (known: {known})")
        name, kind = _KEYS[key]
        changes[name] = _convert(kind, value, f"{source}: '{raw_key}'")
    settings = (base or Settings())._replace(source=source, **changes)
    return _validated(settings)


def _convert(kind: str, value: Any, where: str) -> Any:
    if kind == "apis":
        values = _convert("strings", value, where)
        bad = [v for v in values if v not in KNOWN_APIS]
        if bad or not values:
            raise ConfigError(f"{where} must list some of {', '.join(KNOWN_APIS)}"
                              + (f", not {bad[0]!r}" if bad else ""))
        return values
    if kind in ("strings", "identifiers", "codes"):
        if isinstance(value, str):
            value = [v.strip() for v in value.split(",") if v.strip()]
        if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{where} must be a list of strings")
        if kind == "identifiers":
            bad = [v for v in value if not _IDENT_RE.match(v)]
            if bad:
                raise ConfigError(f"{where} must hold Python identifiers, not {bad[0]!r}")
        if kind == "codes":
            bad = [v for v in value if not _CODE_RE.match(v)]
            if bad:
                raise ConfigError(f"{where} must hold rule codes like RGT001, not {bad[0]!r}")
        return tuple(value)
    if kind == "regex":
        if not isinstance(value, str):
            raise ConfigError(f"{where} must be a string (a regular expression)")
        try:
            re.compile(value)
        except re.error as exc:
            raise ConfigError(f"{where} is not a valid regular expression: {exc}") from None
        except (RecursionError, OverflowError, MemoryError):
            raise ConfigError(f"{where} is too complex a regular expression") from None
        problem = backtracking_problem(value)
        if problem:
            raise ConfigError(f"{where} {problem}") from None
        return value
    if kind == "identifier":
        if not isinstance(value, str) or not _IDENT_RE.match(value):
            raise ConfigError(f"{where} must be a Python identifier (a parameter name)")
        return value
    if kind == "reason_prefix":
        if not isinstance(value, str) or not re.fullmatch(r"[A-Z0-9_]*", value):
            raise ConfigError(f"{where} must be an UPPER_SNAKE string such as 'FUNCTION_' (or '')")
        return value
    if kind == "per_file_ignores":
        return _per_file_ignores(value, where)
    if kind == "bool":
        if not isinstance(value, bool):
            raise ConfigError(f"{where} must be true or false")
        return value
    raise AssertionError(kind)  # pragma: no cover - table above is exhaustive


_REPEATS = ("MAX_REPEAT", "MIN_REPEAT")


def backtracking_problem(pattern: str) -> str | None:
    """Why ``pattern`` can backtrack catastrophically (None if it cannot that way).

    A repeated group holding another variable quantifier (``(a+)+``) or an alternation
    (``(a|aa)+``) can try exponentially many ways to split a name before failing; Python's
    ``re`` has no time limit, so one such pattern hangs ``check`` and flake8 on one name.
    Atomic groups and possessive quantifiers (``(?>a+)+``, ``(?:a++)+``) cannot backtrack
    and are accepted.
    """
    try:
        parsed = sre_parse.parse(pattern)
    except (re.error, RecursionError, OverflowError):
        return None   # the compile step reports it
    return _nested(parsed, in_repeat=False)


def _nested(items: Any, *, in_repeat: bool) -> str | None:
    for op, arg in items:
        name = str(op)
        if name in _REPEATS:
            low, high, body = arg
            if in_repeat and low != high:
                return _BACKTRACKING.format(what="has a nested quantifier")
            found = _nested(body, in_repeat=in_repeat or high > 1)
        elif name == "BRANCH":
            if in_repeat:
                return _BACKTRACKING.format(what="has an alternation")
            found = next(filter(None, (_nested(b, in_repeat=False) for b in arg[1])), None)
        elif name in ("POSSESSIVE_REPEAT", "ATOMIC_GROUP"):
            found = _nested(arg[-1] if name == "POSSESSIVE_REPEAT" else arg, in_repeat=False)
        elif name == "SUBPATTERN":
            found = _nested(arg[-1], in_repeat=in_repeat)
        elif name in ("ASSERT", "ASSERT_NOT"):
            found = _nested(arg[1], in_repeat=in_repeat)
        elif name == "GROUPREF_EXISTS":
            found = next(filter(None, (_nested(b, in_repeat=in_repeat)
                                       for b in arg[1:] if b is not None)), None)
        else:
            found = None
        if found:
            return found
    return None


_BACKTRACKING = ("{what} inside a repeated group, which can backtrack catastrophically "
                 "(e.g. '^(a+)+$'); write it without nesting, or make the inner part "
                 "atomic '(?>...)' or possessive ('a++')")


def _per_file_ignores(value: Any, where: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Accept a TOML table ``{"glob" = ["RGT001"]}`` or flake8's ``glob:CODE,CODE`` text."""
    pairs: list[tuple[str, tuple[str, ...]]] = []
    if isinstance(value, str):
        for chunk in re.split(r"\s+(?=[^\s:]+:)|\n", value.strip()):
            if not chunk.strip():
                continue
            glob, sep, codes = chunk.partition(":")
            if not sep:
                raise ConfigError(f"{where}: expected 'pattern:CODES', got {chunk.strip()!r}")
            pairs.append((glob.strip(), _convert("codes", codes, where)))
    elif isinstance(value, Mapping):
        for glob, codes in value.items():
            pairs.append((str(glob), _convert("codes", codes, where)))
    else:
        raise ConfigError(f"{where} must be a table of glob = [codes]")
    return tuple(pairs)


def _validated(settings: Settings) -> Settings:
    from .rules import RULES   # here: the rule table is not needed to check a clean file

    if not settings.gate_functions:
        raise ConfigError(f"{settings.source}: 'gate-functions' must name at least one function")
    if not settings.event_types or not all(settings.event_types):
        raise ConfigError(f"{settings.source}: 'event-types' must hold at least one event type")
    unmatched = [s for s in settings.select if not any(code.startswith(s) for code in RULES)]
    if unmatched:
        raise ConfigError(f"{settings.source}: 'select' value {unmatched[0]!r} matches no rule "
                          f"(known: {', '.join(RULES)}); nothing would be reported")
    for name in ("constant_pattern", "event_constant_pattern", "class_pattern", "send_pattern"):
        key = name.replace("_", "-")
        _convert("regex", getattr(settings, name), f"{settings.source}: '{key}'")
    return settings


def repository_root(folder: Path) -> Path | None:
    """The nearest folder at or above ``folder`` holding ``.git`` (a folder, or a worktree's
    file): configuration is never searched above it, as ruff and git do."""
    for candidate in (folder, *folder.parents):
        if os.path.lexists(candidate / ".git"):
            return candidate
    return None


def governs(pyproject: Path) -> bool:
    """Whether ``pyproject`` has a ``[tool.respgate]`` table (and so governs its subtree).

    A pyproject.toml that never mentions respgate is skipped unparsed (a sub-package's own
    broken or binary pyproject is not our business); one that does must parse, or it is a
    ``ConfigError`` naming the file, because it may well be the configuration meant to apply.
    """
    try:
        data = pyproject.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{pyproject}: cannot read: {exc.strerror or exc}") from None
    if b"respgate" not in data:
        return False
    return _respgate_table(pyproject, _parse_toml(pyproject, data)) is not None


def find_pyproject(start: Path) -> Path | None:
    """The nearest pyproject.toml with ``[tool.respgate]`` at or above ``start`` (a file or a
    folder), searching up to the repository root (a folder holding ``.git``)."""
    here = start if start.is_dir() else start.parent
    for folder in (here, *here.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file() and governs(candidate):
            return candidate
        if os.path.lexists(folder / ".git"):
            return None
    return None


def _parse_toml(path: Path, data: bytes) -> dict[str, Any]:
    import tomllib   # here: most checked folders hold no pyproject.toml to parse

    try:
        return tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text (byte {exc.start}); a pyproject.toml "
                          "must be UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    except RecursionError:
        raise ConfigError(f"{path}: invalid TOML: arrays or tables nested too deeply") from None


def _respgate_table(path: Path, data: Mapping[str, Any]) -> Any:
    """``tool.respgate`` of a parsed pyproject (None if absent); a non-table ``tool`` is an
    error naming the key, never a crash."""
    tool = data.get("tool")
    if tool is None:
        return None
    if not isinstance(tool, Mapping):
        raise ConfigError(f"{path}: 'tool' must be a table, not {type(tool).__name__}")
    return tool.get("respgate")


def load_settings(start: Path | None = None, *, pyproject: Path | None = None) -> Settings:
    """Settings from the governing pyproject.toml's ``[tool.respgate]`` (defaults if none)."""
    path = pyproject or find_pyproject((start or Path.cwd()).resolve())
    if path is None:
        return Settings()
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    table = _respgate_table(path, _parse_toml(path, data))
    if table is None:
        return Settings(source=str(path))
    return settings_from_mapping(table, source=str(path))
