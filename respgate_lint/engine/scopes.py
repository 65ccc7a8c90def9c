"""Where a site is: gates, enclosing function and class, branch labels, variable bindings.

Kept apart from event recognition (``events.py``) so the walker composes the two: "what is
this expression" and "where are we".
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from ..config import Settings
from ..sourcetext import LineIndex  # the one line model; re-exported for the detector
from .conditions import equality_tests
from .events import EventMatcher, ModuleFacts
from .gates import GateModel
from .matches import EventMatch

__all__ = [
    "Frame",
    "LineIndex",
    "bound_names",
    "branch_label",
    "case_label",
    "collect_module_bindings",
    "collect_module_facts",
    "watched_names",
]


@dataclass
class Frame:
    """One lexical scope: the module, a class body or a function."""

    kind: str                              # "module" | "class" | "function"
    name: str | None
    bindings: Mapping[str, EventMatch]     # a bindings.Scope in the walker
    is_async: bool = False
    self_name: str | None = None
    in_gate: bool = False
    gate: GateModel | None = None          # the gate whose body this is (nested helpers too)
    class_node: ast.ClassDef | None = None  # the innermost enclosing class
    functions: tuple[str, ...] = field(default=())  # enclosing def names, innermost first
    params: frozenset[str] = frozenset()   # a function's own parameter names
    defs: tuple[ast.FunctionDef | ast.AsyncFunctionDef, ...] = ()  # enclosing defs, innermost first


def branch_label(test: ast.expr) -> tuple[str, str] | None:
    """``if name == "save_lead_info"`` -> ("save_lead_info", "name"); None when unlabelled."""
    for subject, values in equality_tests(test, through_or=True):
        for value in values:
            if isinstance(value, ast.Constant) and isinstance(value.value, str) and value.value:
                return value.value, ast.unparse(subject)
    return None


def case_label(pattern: ast.pattern) -> str | None:
    """``case "save_lead_info":`` (or the first literal of an ``|`` pattern)."""
    if isinstance(pattern, ast.MatchValue):
        value = pattern.value
        if isinstance(value, ast.Constant) and isinstance(value.value, str) and value.value:
            return value.value
    if isinstance(pattern, ast.MatchOr):
        for sub in pattern.patterns:
            found = case_label(sub)
            if found:
                return found
    if isinstance(pattern, ast.MatchAs) and pattern.pattern is not None:
        return case_label(pattern.pattern)
    return None


def collect_module_facts(tree: ast.Module, settings: Settings) -> ModuleFacts:
    """Names the module binds to the event type (constants, aliases, enum-like members), its
    string constants, event classes, and its functions and methods by name."""
    facts = ModuleFacts()
    types = set(settings.event_types)
    strings: dict[str, str] = {}
    counts: dict[str, int] = {}
    for stmt in _module_statements(tree):
        if isinstance(stmt, (ast.Assign, ast.AnnAssign)):
            names = _target_names(stmt)
            if _is_type_string(stmt.value, types):
                facts.constant_names.update(names)
            facts.assigned_names.update(names)
            for name in names:
                counts[name] = counts.get(name, 0) + 1
                if isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str):
                    strings[name] = stmt.value.value
        elif isinstance(stmt, ast.AugAssign) and isinstance(stmt.target, ast.Name):
            counts[stmt.target.id] = counts.get(stmt.target.id, 0) + 2
        elif isinstance(stmt, ast.ImportFrom):
            for alias in stmt.names:
                if alias.asname and settings.constant_re.match(alias.name):
                    facts.constant_names.add(alias.asname)
                if alias.asname and settings.event_constant_re.match(alias.name):
                    facts.event_names.add(alias.asname)
                if alias.asname and settings.class_re.match(alias.name):
                    facts.event_classes.add(alias.asname)  # ResponseCreateEvent as RTEvent
        elif isinstance(stmt, ast.ClassDef):
            members = {name for s in stmt.body if isinstance(s, (ast.Assign, ast.AnnAssign))
                       and _is_type_string(s.value, types) for name in _target_names(s)}
            if members:
                facts.class_constants[stmt.name] = members
            if "type" in members:
                facts.event_classes.add(stmt.name)  # @dataclass ...: type: str = "response.create"
            for item in stmt.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    facts.functions.setdefault(item.name, []).append(item)
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            facts.functions.setdefault(stmt.name, []).append(stmt)
    facts.strings = {name: value for name, value in strings.items() if counts[name] == 1}
    return facts


def _module_statements(tree: ast.Module) -> Iterator[ast.stmt]:
    """Top-level statements, and those one level inside a top-level ``if``/``try``/``with``
    (``if TYPE_CHECKING:`` imports, ``try: import ... except ImportError:``)."""
    for stmt in tree.body:
        yield stmt
        if isinstance(stmt, (ast.If, ast.Try, ast.TryStar, ast.With)):
            for name in ("body", "orelse", "finalbody"):
                yield from getattr(stmt, name, ())
            for handler in getattr(stmt, "handlers", ()):
                yield from handler.body


def watched_names(facts: ModuleFacts, event_types: tuple[str, ...]) -> set[str]:
    """Names whose every mention deserves a look: they stand for the event or its type."""
    names = facts.constant_names | facts.event_names | facts.event_classes
    for members in facts.class_constants.values():
        names |= members
    for members in facts.class_events.values():
        names |= members
    names |= facts.instance_events
    names |= {name for name, value in facts.strings.items()  # RESPONSE = "response", SEP = "."
              if value and any(t.startswith(value) or t.endswith(value) or value == "."
                               for t in event_types)}
    return names


def collect_module_bindings(tree: ast.Module, matcher: EventMatcher) -> dict[str, EventMatch]:
    """Module-level names holding a whole event (``CREATE = {"type": "response.create"}``),
    and class attributes that do (``class Msg: CREATE = {...}``, into the module facts)."""
    bindings: dict[str, EventMatch] = {}
    for stmt in tree.body:
        if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and stmt.value is not None:
            found = matcher.match(stmt.value, bindings)
            for name in _target_names(stmt):
                if found is not None:
                    bindings[name] = found
                else:
                    bindings.pop(name, None)
        elif isinstance(stmt, ast.ClassDef):
            for item in stmt.body:
                if (isinstance(item, (ast.Assign, ast.AnnAssign)) and item.value is not None
                        and matcher.match(item.value, {}) is not None):
                    members = matcher.facts.class_events.setdefault(stmt.name, set())
                    members.update(_target_names(item))
    return bindings


def bound_names(target: ast.expr) -> list[str]:
    """Plain names an assignment target (re)binds: ``a``, ``a, b``, ``[a, *b]``."""
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, (ast.Tuple, ast.List)):
        return [n for elt in target.elts for n in bound_names(elt)]
    if isinstance(target, ast.Starred):
        return bound_names(target.value)
    return []


def _target_names(stmt: ast.Assign | ast.AnnAssign) -> list[str]:
    targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
    return [name for t in targets for name in bound_names(t)]


def _is_type_string(value: ast.expr | None, types: set[str]) -> bool:
    return isinstance(value, ast.Constant) and value.value in types
