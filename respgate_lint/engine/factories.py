"""Functions of this module that build and return the event: calling one builds it.

Found before the main walk (a method may be called above its definition). A function that
returns the event, also through a local (``m = ResponseCreateMessage(); ...; return m``), is a
factory, and every call of it is the event. A function that returns it only when a parameter
asks for it (``if event_type == Events.RESPONSE_CREATE: return ...``, or beside returns of
other things) is a multi-type factory: its calls are the event only when they pass the
event type (``calls.py``: type arguments, branches selected by the type).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable

from .apis import RESPONSES_WS
from .chains import if_chain
from .events import EventMatcher
from .matches import EventMatch

__all__ = ["collect_factories", "statement_blocks"]

_FUNCS = (ast.FunctionDef, ast.AsyncFunctionDef)
_BLOCKS = ("body", "orelse", "finalbody")
# A value a dispatch compares a type parameter with: "conversation.item.create", ITEM_CREATE.
# Method names every event class may have: a factory of that name counts only when called
# on its own class (`self.to_dict()`, `Msg.build()`), not on any object.
_GENERIC = re.compile(r"^_*(?:to_\w+|as_\w+|dict|json|model_dump\w*|serialize|dumps|build|"
                      r"create|make|get|payload|message|event|__call__)$")
_TYPE_LIKE = re.compile(r"^(?:[a-z_]+(?:\.[a-z_]+)+|[A-Z][A-Z0-9_]*)$")


def collect_factories(body: list[ast.stmt], matcher: EventMatcher,
                      is_hot: Callable[[int, int], bool], owner: str | None = None) -> None:
    """Fill ``matcher.facts.factories`` (``scoped_factories``, ``multi_factories``) from every
    def in ``body``; ``owner``: the class whose body this is."""
    for stmt in body:
        if not is_hot(stmt.lineno, stmt.end_lineno or stmt.lineno):
            continue
        if isinstance(stmt, _FUNCS):
            _Scan(stmt, matcher, is_hot, owner).run()  # nested defs too, as it meets them
        elif isinstance(stmt, ast.ClassDef):
            collect_factories(stmt.body, matcher, is_hot, stmt.name)
        else:
            for block in statement_blocks(stmt):
                collect_factories(block, matcher, is_hot, owner)


def statement_blocks(stmt: ast.stmt) -> list[list[ast.stmt]]:
    """The statement lists inside ``stmt`` (bodies, branches, handlers, cases)."""
    if isinstance(stmt, ast.If):  # a whole elif chain, flat (thousands of branches are valid)
        chain, final = if_chain(stmt)
        return [branch.body for branch in chain] + ([final] if final else [])
    found = [getattr(stmt, name) for name in _BLOCKS if getattr(stmt, name, None)]
    found += [h.body for h in getattr(stmt, "handlers", ())]
    found += [c.body for c in getattr(stmt, "cases", ())]
    return found


def _members(returns: list[EventMatch]) -> tuple[EventMatch | None, ...] | None:
    """Which places of the returned collection may hold the event, over every return (None
    when a return's places are unknown or the returns differ in length)."""
    shapes = [r.members for r in returns]
    first = shapes[0]
    if first is None or any(m is None or len(m) != len(first) for m in shapes):
        return None
    return tuple(next((m[i] for m in shapes if m and m[i] is not None), None)  # type: ignore[index]
                 for i in range(len(first)))


def _type_like(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and bool(_TYPE_LIKE.match(node.value))
    if isinstance(node, ast.Attribute):
        if node.attr == "value":
            return _type_like(node.value)
        return bool(_TYPE_LIKE.match(node.attr))
    return isinstance(node, ast.Name) and bool(_TYPE_LIKE.match(node.id))


class _Scan:
    """One function body: which returns are events, and under which conditions."""

    def __init__(self, function: ast.FunctionDef | ast.AsyncFunctionDef, matcher: EventMatcher,
                 is_hot: Callable[[int, int], bool], owner: str | None = None) -> None:
        self.function = function
        self.owner = owner
        self.matcher = matcher
        self.is_hot = is_hot
        args = function.args
        self.params = {a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)}
        self.params -= {"self", "cls"}
        self.bindings: dict[str, EventMatch] = {}
        self.conditions: list[tuple[bool, bool]] = []  # (on a parameter, against a type)
        self.event_returns: list[tuple[bool, bool]] = []  # the conditions of each
        self.apis: set[str] = set()  # the APIs of the events it returns (apis.py)
        self.collection_returns: list[EventMatch] = []  # `return item, create`: among others
        self.other_returns = False

    def run(self) -> None:
        self._block(self.function.body)
        facts = self.matcher.facts
        if not self.event_returns:
            if self.collection_returns:
                facts.collection_factories[self.function.name] = _members(self.collection_returns)
            return
        on_param = [c for c in self.event_returns if c[0]]
        dispatch = any(typed for _, typed in on_param) or (on_param and self.other_returns)
        name = self.function.name
        if dispatch:
            facts.multi_factories.add(name)
        elif self.owner is not None and _GENERIC.match(name):
            # `def to_dict(self)` of one event class says nothing of other objects' to_dict()
            facts.scoped_factories.setdefault(name, set()).add(self.owner)
        else:
            facts.factories.add(name)
            if self.apis == {RESPONSES_WS}:   # returns Responses API requests only
                facts.responses_factories.add(name)

    def _block(self, body: list[ast.stmt]) -> None:
        for stmt in body:
            hot = self.is_hot(stmt.lineno, stmt.end_lineno or stmt.lineno)
            if isinstance(stmt, _FUNCS + (ast.ClassDef,)):
                if hot:  # its own scope: a factory or not by itself
                    collect_factories([stmt], self.matcher, self.is_hot, None)
                continue
            if isinstance(stmt, ast.Return):
                self._return(stmt)
            elif not hot:
                continue
            elif isinstance(stmt, ast.If):
                self._if_chain(stmt)
            elif isinstance(stmt, ast.Match):
                on_param = self._mentions_param(stmt.subject)
                for case in stmt.cases:
                    typed = isinstance(case.pattern, ast.MatchValue) and _type_like(case.pattern.value)
                    self.conditions.append((on_param, typed))
                    self._block(case.body)
                    self.conditions.pop()
            elif isinstance(stmt, (ast.Assign, ast.AnnAssign)) and stmt.value is not None:
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                found = self.matcher.match(stmt.value, self.bindings)
                for target in targets:
                    if isinstance(target, ast.Name):
                        if found is not None:
                            self.bindings[target.id] = found
                        else:
                            self.bindings.pop(target.id, None)
            else:
                for block in statement_blocks(stmt):
                    self._block(block)

    def _if_chain(self, stmt: ast.If) -> None:
        """Each branch under its own test and every test before it (an ``elif`` is inside
        the ``else`` of the tests above), without recursing down the chain; a cold rest of
        the chain is skipped, as ``_block`` skips a cold statement."""
        chain, final = if_chain(stmt)
        depth = len(self.conditions)
        for index, branch in enumerate(chain):
            if index and not self.is_hot(branch.lineno, branch.end_lineno or branch.lineno):
                break
            test = branch.test
            typed = any(_type_like(c) for n in ast.walk(test) if isinstance(n, ast.Compare)
                        for c in (n.left, *n.comparators))
            self.conditions.append((self._mentions_param(test), typed))
            self._block(branch.body)
        else:
            self._block(final)
        del self.conditions[depth:]

    def _mentions_param(self, node: ast.expr) -> bool:
        return any(isinstance(n, ast.Name) and n.id in self.params for n in ast.walk(node))

    def _return(self, stmt: ast.Return) -> None:
        value = stmt.value
        if value is None or (isinstance(value, ast.Constant) and value.value is None):
            return
        found = self.matcher.match(value, self.bindings)
        if found is not None and found.collection:
            self.collection_returns.append(found)
            return
        if found is None:
            self.other_returns = True
            return
        on_param = any(p for p, _ in self.conditions)
        typed = any(t for p, t in self.conditions if p)
        self.event_returns.append((on_param, typed))
        self.apis.add(found.api)
