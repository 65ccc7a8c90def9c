"""Helpers that belong to a gate: a method or function only a gate calls.

A gate often keeps the send itself in a helper, such as ``await self._raw_create(client)``.
That helper's send is the gate's own send. Reporting it would be a false positive, and
rewriting it into a gate call would make the gate re-enter itself. A def counts as the gate's
helper only when every line that names it is inside a gate's body or is its own ``def`` line.
A helper passed as a callback, or called from anywhere else, stays an ordinary function.
Lines are found with the word index, so the cost is the helpers' occurrences.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from ..sourcetext import LineIndex
from .gates import GateModel
from .reach import ModuleIndex

__all__ = ["gate_helpers"]

_Def = ast.FunctionDef | ast.AsyncFunctionDef
_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef)


def gate_helpers(tree: ast.Module, index: ModuleIndex, lines: LineIndex) -> dict[int, GateModel]:
    """``id(def node)`` of each helper -> the model of the gate that calls it."""
    gates = set(index.settings.gate_functions)
    scopes: list[tuple[list[ast.stmt], bool]] = [(tree.body, False)]
    scopes += [(node.body, True) for node in index.classes.values()]
    found: dict[str, list[tuple[_Def, GateModel]]] = {}
    spans: list[tuple[int, int]] = []
    for body, in_class in scopes:
        defs = {s.name: s for s in body if isinstance(s, _DEFS)}
        for name, node in defs.items():
            if name not in gates:
                continue
            model = index.method(node) if in_class else index.functions.get(name)
            if model is None:
                continue
            spans.append((node.lineno, node.end_lineno or node.lineno))
            for called in _called_names(node, in_class):
                helper = defs.get(called)
                if helper is not None and called not in gates:
                    found.setdefault(called, []).append((helper, model))
    return {id(helper): model for name, pairs in found.items() for helper, model in pairs
            if _only_in_gates(name, {h.lineno for h, _ in pairs}, spans, lines)}


def _called_names(gate: _Def, in_class: bool) -> Iterator[str]:
    """``self.name(...)`` in a method gate, ``name(...)`` in a function gate."""
    params = gate.args.posonlyargs + gate.args.args
    owner = params[0].arg if in_class and params else None
    for node in ast.walk(gate):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if owner is not None and isinstance(func, ast.Attribute) and isinstance(
                func.value, ast.Name) and func.value.id == owner:
            yield func.attr
        elif owner is None and isinstance(func, ast.Name):
            yield func.id


def _only_in_gates(name: str, def_lines: set[int], spans: list[tuple[int, int]],
                   lines: LineIndex) -> bool:
    return all(line in def_lines or any(first <= line <= last for first, last in spans)
               for line in lines.lines_with_words({name}))
