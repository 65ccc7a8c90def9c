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
from collections import ChainMap
from collections.abc import Iterator, Mapping

from .events import EventMatcher
from .findings import Form
from .matches import EventMatch
from .scopes import bound_names

__all__ = ["Changes", "Scope", "comprehension_bindings", "join", "loop_bindings", "rebinding"]

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
        if found is not None and found.members is not None:
            return _unpacked(targets, found, names)
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


def _unpacked(targets: list[ast.expr], found: EventMatch, names: list[str]
              ) -> tuple[dict[str, EventMatch], list[str]]:
    """``item, create = build_pair()``: each name holds its own element, so only the one the
    event lands in holds it; a target of another shape holds the whole collection."""
    members = found.members or ()
    bound: dict[str, EventMatch] = {}
    unbound: list[str] = []
    spread: set[str] = set()
    for target in targets:
        if (isinstance(target, (ast.Tuple, ast.List)) and len(target.elts) == len(members)
                and not any(isinstance(e, ast.Starred) for e in target.elts)):
            for element, member in zip(target.elts, members):
                for name in bound_names(element):
                    spread.add(name)
                    if member is not None:
                        bound[name] = member
                    else:
                        unbound.append(name)
    bound.update((name, found) for name in names if name not in spread)
    return bound, unbound


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


def comprehension_bindings(roots: list[ast.AST], bindings: Mapping[str, EventMatch],
                           matcher: EventMatcher) -> Mapping[str, EventMatch]:
    """``[ws.send(e) for e in events]``: the comprehension's target may be the event."""
    extra: dict[str, EventMatch] = {}
    for root in roots:
        for node in ast.walk(root):
            if isinstance(node, _COMPREHENSIONS):
                for generator in node.generators:
                    extra.update(loop_bindings(generator.target, generator.iter,
                                               ChainMap(extra, bindings), matcher))
    return ChainMap(extra, bindings) if extra else bindings  # read through, never copied


# -- the walker's bindings, shared instead of copied -----------------------------------------
_ABSENT = object()   # not bound (in a trail: the scope had no entry of its own)
_HIDDEN = object()   # an entry of a scope's own that hides the enclosing scope's binding

# What a branch did: name -> the EventMatch it holds at the branch's end, or _ABSENT.
Changes = dict[str, object]


class Scope(Mapping[str, EventMatch]):
    """The names holding the event in one frame, read through to the enclosing frame's
    scope instead of copying it, with an undo trail for branches.

    Costs are in changes, never in names: a function's scope starts as an empty layer over
    the module's (parameters hidden), however many event constants the module defines; a
    branch is walked on the scope itself and undone (``mark`` / ``changes_since`` /
    ``undo``), and ``join`` merges what the branches changed. The enclosing scope never
    changes while a frame inside it is walked (the walk is depth-first), so reading
    through it sees exactly the copy the walker used to make.
    """

    __slots__ = ("_own", "_parent", "_trail", "_open")

    def __init__(self, own: Mapping[str, EventMatch] | None = None,
                 parent: Scope | None = None, hidden: tuple[str, ...] = ()) -> None:
        self._own: dict[str, object] = dict(own or {})
        if parent is not None:
            self._own.update(dict.fromkeys(hidden, _HIDDEN))
        self._parent = parent
        self._trail: list[tuple[str, object]] = []  # (name, its previous own entry)
        self._open = 0                                # marks not yet released

    def _lookup(self, name: str) -> object:
        scope: Scope | None = self
        while scope is not None:
            value = scope._own.get(name, _ABSENT)
            if value is not _ABSENT:
                return _ABSENT if value is _HIDDEN else value
            scope = scope._parent
        return _ABSENT

    def get(self, name: str, default: object = None) -> object:  # type: ignore[override]
        value = self._lookup(name)
        return default if value is _ABSENT else value

    def __getitem__(self, name: str) -> EventMatch:
        value = self._lookup(name)
        if value is _ABSENT:
            raise KeyError(name)
        return value  # type: ignore[return-value]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self._lookup(name) is not _ABSENT

    def __bool__(self) -> bool:
        return True  # callers only test before a lookup; counting would cost every name

    def __iter__(self) -> Iterator[str]:
        seen: set[str] = set()
        scope: Scope | None = self
        while scope is not None:
            for name, value in scope._own.items():
                if name not in seen:
                    seen.add(name)
                    if value is not _HIDDEN:
                        yield name
            scope = scope._parent

    def __len__(self) -> int:
        return sum(1 for _ in self)

    # -- changes ------------------------------------------------------------------------
    def _write(self, name: str, entry: object) -> None:
        if self._open:
            self._trail.append((name, self._own.get(name, _ABSENT)))
        self._own[name] = entry

    def bind(self, name: str, match: EventMatch) -> None:
        self._write(name, match)

    def update(self, bound: Mapping[str, EventMatch]) -> None:
        for name, match in bound.items():
            self._write(name, match)

    def unbind(self, name: str) -> None:
        """The name no longer holds the event (nothing happens if it did not)."""
        if self._lookup(name) is _ABSENT:
            return
        if self._parent is None:
            if self._open:
                self._trail.append((name, self._own[name]))
            del self._own[name]
        else:
            self._write(name, _HIDDEN)

    # -- branches -----------------------------------------------------------------------
    def mark(self) -> int:
        """Start recording changes (branches nest: each has its own mark)."""
        self._open += 1
        return len(self._trail)

    def changes_since(self, mark: int) -> Changes:
        """Each name changed since ``mark``, with what it holds now (or ``_ABSENT``)."""
        return {name: self._lookup(name) for name, _ in self._trail[mark:]}

    def undo(self, mark: int) -> None:
        """Back to the state at ``mark``."""
        own = self._own
        for name, previous in reversed(self._trail[mark:]):
            if previous is _ABSENT:
                own.pop(name, None)
            else:
                own[name] = previous
        del self._trail[mark:]

    def release(self, mark: int) -> None:
        """Stop recording for ``mark`` (the state stays as it is)."""
        self._open -= 1
        if not self._open:
            self._trail.clear()


def join(scope: Scope, outcomes: list[Changes]) -> None:
    """After alternative branches, each given by its changes from the scope's state (which
    it is in now): a name holds the event if it does on any branch, with the match of the
    first branch that has it. Costs the changes, not the names."""
    changed: dict[str, list[tuple[int, object]]] = {}
    for index, changes in enumerate(outcomes):
        for name, value in changes.items():
            changed.setdefault(name, []).append((index, value))
    for name, entries in changed.items():
        before = scope._lookup(name)
        result = _first_holding(entries, before, len(outcomes))
        if result is before:
            continue
        if result is _ABSENT:
            scope.unbind(name)
        else:
            scope.bind(name, result)  # type: ignore[arg-type]


def _first_holding(entries: list[tuple[int, object]], before: object, count: int) -> object:
    """What the first branch that holds the name holds (``_ABSENT`` if none does); a branch
    without an entry left the name as it was ``before``."""
    position = 0
    for index, value in entries:
        if index > position and before is not _ABSENT:
            return before   # branch ``position`` did not touch it
        if value is not _ABSENT:
            return value
        position = index + 1
    return before if position < count else _ABSENT
