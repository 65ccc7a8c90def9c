"""Instance attributes that hold the event across methods.

``self._create = {"type": "response.create"}`` in ``__init__``, then
``await self.ws.send(json.dumps(self._create))`` in a handler. Within one function the
walker's bindings already follow ``self.x``. Across methods this module decides once per
module, before the walk, which attribute names hold an event wherever they are read.

It is conservative, because a wrong "yes" would report every read of an ordinary attribute.
An attribute counts only when every assignment to it in the module is a whole event:
- the assignments on hot statements must be events, and none may be in a gate (a gate that
  keeps a deferred create in ``self._pending`` and flushes it later sends its own event);
- no other line may assign the name (``.name =``, ``.name +=``, ``.name: T =``).

The second check reads only the lines that mention the name (``LineIndex.lines_with_words``),
so its cost is the name's occurrences, not the file's length.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterator, Mapping

from ..sourcetext import LineIndex
from .events import EventMatcher
from .factories import statement_blocks
from .matches import EventMatch

__all__ = ["collect_instance_events"]

_FUNCS = (ast.FunctionDef, ast.AsyncFunctionDef)


def collect_instance_events(body: list[ast.stmt], matcher: EventMatcher,
                            is_hot: Callable[[int, int], bool], lines: LineIndex,
                            bindings: Mapping[str, EventMatch]) -> set[str]:
    """The attribute names that hold a whole event in every method of the module's classes.

    ``bindings``: the module-level names already known to hold one
    (``self._create = CREATE_EVENT``)."""
    event_lines: dict[str, set[int]] = {}
    not_events: set[str] = set()
    gates = set(matcher.settings.gate_functions)
    for method, self_name in _methods(body, is_hot):
        in_gate = method.name in gates   # the gate's own state (a deferred create): its business
        for stmt in _hot_statements(method.body, is_hot):
            if not isinstance(stmt, (ast.Assign, ast.AnnAssign)) or stmt.value is None:
                continue
            names = _attribute_targets(stmt, self_name)
            if not names:
                continue
            found = matcher.match(stmt.value, bindings)
            whole = (found is not None and not found.type_only and not found.collection
                     and not in_gate)
            for name in names:
                if whole:
                    event_lines.setdefault(name, set()).add(stmt.lineno)
                else:
                    not_events.add(name)
    return {name for name, at in event_lines.items()
            if name not in not_events and not _assigned_elsewhere(name, at, lines)}


def _methods(body: list[ast.stmt], is_hot: Callable[[int, int], bool]
             ) -> Iterator[tuple[ast.FunctionDef | ast.AsyncFunctionDef, str]]:
    """Each hot method of the module's classes (nested classes too), with its instance
    parameter's name."""
    classes = [stmt for stmt in body if isinstance(stmt, ast.ClassDef)]
    while classes:
        node = classes.pop()
        for item in node.body:
            if isinstance(item, ast.ClassDef):
                classes.append(item)
            elif isinstance(item, _FUNCS) and is_hot(item.lineno, item.end_lineno or item.lineno):
                params = item.args.posonlyargs + item.args.args
                if params:
                    yield item, params[0].arg


def _hot_statements(body: list[ast.stmt], is_hot: Callable[[int, int], bool]
                    ) -> Iterator[ast.stmt]:
    """The hot statements of a body and of the blocks inside them, without recursion."""
    pending = [body]
    while pending:
        for stmt in pending.pop():
            if is_hot(stmt.lineno, stmt.end_lineno or stmt.lineno):
                yield stmt
                pending.extend(statement_blocks(stmt))


def _attribute_targets(stmt: ast.Assign | ast.AnnAssign, self_name: str) -> list[str]:
    targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
    return [t.attr for t in targets if isinstance(t, ast.Attribute)
            and isinstance(t.value, ast.Name) and t.value.id == self_name]


def _assigned_elsewhere(name: str, event_lines: set[int], lines: LineIndex) -> bool:
    """Whether a line other than ``event_lines`` may assign ``.name`` (any object's: a
    different class's ``self.name = None`` is enough to stay silent)."""
    assigns = re.compile(rf"\.\s*{re.escape(name)}\s*(?::[^=]*)?(?:[-+*/%&|^@<>]{{0,2}})?=(?!=)")
    return any(line not in event_lines and assigns.search(lines.text(line))
               for line in lines.lines_with_words({name}))
