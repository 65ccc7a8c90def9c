"""Which names hold the event after a statement: the walker's "may hold" bookkeeping.

``evt = {...}`` binds ``evt`` (``self.evt = {...}`` binds ``self.evt`` in that function);
``evt["type"] = RC`` or ``evt.update(type=RC)`` makes ``evt``
the event; ``events.append(evt)`` / ``.extend([...])`` / ``events += [...]`` make ``events`` a
collection holding it; ``for e in events`` and ``[... for e in events]`` bind ``e``; any other
assignment, an import or a ``del`` of the name clears it. Kept apart from the walker
(``detector.py``), which applies the answers and watches the names.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping

from .events import EventMatcher
from .findings import Form
from .matches import EventMatch
from .scopes import bound_names

__all__ = ["comprehension_bindings", "loop_bindings", "rebinding"]

_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
_COLLECTING = frozenset({"append", "extend", "insert", "appendleft", "extendleft", "add"})


def rebinding(stmt: ast.stmt, bindings: Mapping[str, EventMatch], matcher: EventMatcher
              ) -> tuple[dict[str, EventMatch], list[str]]:
    """(names that now hold the event, names that no longer do) after a simple statement."""
    if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and stmt.value is not None:
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        found = matcher.match(stmt.value, bindings)
        names = [n for t in targets for n in bound_names(t)]
        names += [f"{t.value.id}.{t.attr}" for t in targets  # self._pending = {...}
                  if isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name)]
        if found is None and names and matcher.is_event_type(stmt.value, bindings):
            found = EventMatch(Form.CONSTANT, None, stmt.lineno, type_only=True)
        if found is not None:
            return dict.fromkeys(names, found), []
        return _type_key(targets, stmt.value, bindings, matcher), names
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
        return _collected(stmt.value, bindings, matcher), []
    if isinstance(stmt, ast.AugAssign) and isinstance(stmt.target, ast.Name):
        found = matcher.match(stmt.value, bindings)
        if found is not None and found.collection:  # events += [evt]
            return {stmt.target.id: _holding(found)}, []
        return {}, []
    if isinstance(stmt, (ast.Import, ast.ImportFrom)):
        return {}, [(a.asname or a.name).split(".")[0] for a in stmt.names]
    if isinstance(stmt, ast.Delete):
        return {}, [n for t in stmt.targets for n in bound_names(t)]
    return {}, []


def _holding(found: EventMatch) -> EventMatch:
    return EventMatch(Form.COLLECTED, None, found.line, collection=True, api=found.api)


def _type_key(targets: list[ast.expr], value: ast.expr, bindings: Mapping[str, EventMatch],
              matcher: EventMatcher) -> dict[str, EventMatch]:
    """``evt["type"] = "response.create"`` turns ``evt`` into the event."""
    for target in targets:
        if (isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name)
                and isinstance(target.slice, ast.Constant) and target.slice.value == "type"
                and matcher.is_event_type(value, bindings)):
            return {target.value.id: EventMatch(Form.DICT, None, target.lineno)}
    return {}


def _collected(call: ast.Call, bindings: Mapping[str, EventMatch],
               matcher: EventMatcher) -> dict[str, EventMatch]:
    """``events.append(evt)`` / ``.extend([...])``: ``events`` holds the event;
    ``evt.update(type="response.create")`` makes ``evt`` the event."""
    func = call.func
    if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)):
        return {}
    name = func.value.id
    if func.attr in _COLLECTING and call.args:
        found = matcher.match(call.args[-1], bindings)
        extends = func.attr.startswith("extend")
        if found is not None and (found.collection or not extends):
            return {name: _holding(found)}
    elif func.attr == "update" and name not in bindings:
        typed = next((k.value for k in call.keywords if k.arg == "type"), None)
        found = matcher.match(call.args[0], bindings) if call.args else None
        if (typed is not None and matcher.is_event_type(typed, bindings)) or (
                found is not None and not found.collection):
            return {name: EventMatch(Form.DICT, None, call.lineno)}
    return {}


def loop_bindings(target: ast.expr, iterable: ast.expr, bindings: Mapping[str, EventMatch],
                  matcher: EventMatcher) -> dict[str, EventMatch]:
    """``for evt in events:`` over a collection holding the event: ``evt`` may be it."""
    found = matcher.match(iterable, bindings)
    if found is None or not found.collection:
        return {}
    element = EventMatch(Form.COLLECTED, None, found.line, api=found.api)
    return dict.fromkeys(bound_names(target), element)


def comprehension_bindings(roots: list[ast.AST], bindings: dict[str, EventMatch],
                           matcher: EventMatcher) -> dict[str, EventMatch]:
    """``[ws.send(e) for e in events]``: the comprehension's target may be the event."""
    extra: dict[str, EventMatch] = {}
    for root in roots:
        for node in ast.walk(root):
            if isinstance(node, _COMPREHENSIONS):
                for generator in node.generators:
                    extra.update(loop_bindings(generator.target, generator.iter,
                                               {**bindings, **extra}, matcher))
    return {**bindings, **extra} if extra else bindings
