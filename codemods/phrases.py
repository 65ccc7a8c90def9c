"""What one piece of code says about its path, as reason words (pure ``ast`` -> words).

Used by ``evidence`` on the nodes around a site: a branch label (``if name == "book"``), a
condition (``if not business_id`` -> NO_BUSINESS_ID), an ``else`` (its negation), an
``except`` clause (JSON_DECODE_ERROR), the outcome a ``function_call_output`` reports
(``{"error_code": "slot_unavailable"}``). Never decides what is a send.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

from .words import (
    GENERIC_EXCEPTIONS,
    TOOL_SUBJECT,
    code_words,
    predicate_words,
    words_of_identifier,
)

__all__ = [
    "Item", "callee", "case_values", "condition", "describe_mapping", "dict_get", "dict_items",
    "dict_value",
    "else_item", "except_words", "is_dumps", "keyword", "keyword_str", "label_subject",
    "label_words", "label_words_of", "labels_of", "short", "show", "subject_words",
]

_CODE_KEYS = ("error_code", "errorcode", "code", "error_type", "reason_code", "failure_reason",
              "reason")
_ERROR_KEYS = ("error", "err", "error_message")
_STATUS_KEYS = ("status", "result", "outcome", "state")
_SUCCESS_KEYS = ("success", "ok", "succeeded")
_SUCCESS_WORDS = frozenset({"ok", "success", "succeeded", "successful", "done", "complete",
                            "completed", "confirmed", "booked", "created", "sent", "saved",
                            "found", "available", "true", "scheduled", "updated", "placed",
                            "accepted", "submitted", "added", "stored", "recorded", "transferred"})
_FAILED_WORDS = frozenset({"error", "failed", "failure", "fail", "false", "ko"})


@dataclass(frozen=True)
class Item:
    """One piece of evidence: the words it adds to a name and where they came from."""

    words: tuple[str, ...]      # UPPER words; () for "the success path" (adds nothing)
    source: str                 # what a reviewer reads: 'if not business_id'
    kind: str                   # output | success | failed | words | if | else | except | where


def label_words_of(values: Sequence[str]) -> tuple[str, ...]:
    out: list[str] = []
    for value in values[:2]:
        words = code_words(ast.Constant(value), free_text=True)
        if words:
            out += (["OR"] if out else []) + list(words)
    return tuple(out)


def label_words(test: ast.expr) -> tuple[str, ...]:
    values = labels_of(test)
    return label_words_of(values) if values else ()


def short(node: ast.AST | None, limit: int = 48) -> str:
    text = ast.unparse(node) if node is not None else ""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def show(value: ast.expr | None) -> str:
    if isinstance(value, ast.Constant) and isinstance(value.value, str):
        text = value.value if len(value.value) <= 40 else value.value[:39] + "…"
        return json.dumps(text, ensure_ascii=False)
    return short(value, 40)


def callee(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return ""


def is_dumps(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Call) and callee(node) in ("dumps", "to_json")


def dict_items(node: ast.Dict) -> dict[str, ast.expr]:
    return {k.value: v for k, v in zip(node.keys, node.values)
            if isinstance(k, ast.Constant) and isinstance(k.value, str)}


def dict_get(node: ast.Dict, key: str) -> object:
    value = dict_items(node).get(key)
    return value.value if isinstance(value, ast.Constant) else None


def dict_value(node: ast.Dict, key: str) -> ast.expr | None:
    return dict_items(node).get(key)


def keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def keyword_str(call: ast.Call, name: str) -> object:
    value = keyword(call, name)
    return value.value if isinstance(value, ast.Constant) else None


def describe_mapping(items: dict[str, ast.expr]) -> Item | None:
    """The outcome an output reports: an error code, an error text, a status, success."""
    lowered = {k.lower(): v for k, v in items.items()}
    for key in _CODE_KEYS + _ERROR_KEYS:
        value = lowered.get(key)
        if isinstance(value, ast.Dict) and key in _ERROR_KEYS:
            nested = describe_mapping(dict_items(value))
            if nested is not None and nested.kind == "output":
                return Item(nested.words, nested.source.replace("output ", f"output {key}.", 1),
                            nested.kind)
            continue
        words = code_words(value, free_text=key in _ERROR_KEYS)
        if words:
            return Item(words, f"output {key}={show(value)}", "output")
    for key in _STATUS_KEYS:
        value = lowered.get(key)
        if isinstance(value, ast.Constant) and isinstance(value.value, str) and value.value:
            lowered_value = value.value.lower()
            if lowered_value in _SUCCESS_WORDS:
                return Item((), f'output {key}="{value.value}"', "success")
            if lowered_value in _FAILED_WORDS:
                return Item(("FAILED",), f'output {key}="{value.value}"', "failed")
            words = code_words(value, free_text=False)
            if words:
                return Item(words, f'output {key}="{value.value}"', "output")
    for key in _SUCCESS_KEYS:
        value = lowered.get(key)
        if isinstance(value, ast.Constant) and isinstance(value.value, bool):
            if value.value:
                return Item((), f"output {key}=True", "success")
            return Item(("FAILED",), f"output {key}=False", "failed")
    return None


def labels_of(test: ast.expr) -> tuple[str, ...]:
    """The string labels of a branch test, like the engine's ``branch_label`` but keeping
    every literal of ``name in ("a", "b")``."""
    if isinstance(test, ast.BoolOp):
        for value in test.values:
            found = labels_of(value)
            if found:
                return found
        return ()
    if not isinstance(test, ast.Compare) or len(test.ops) != 1:
        return ()
    op, left, right = test.ops[0], test.left, test.comparators[0]
    if isinstance(op, (ast.Eq, ast.Is)):
        for const in (right, left):
            if isinstance(const, ast.Constant) and isinstance(const.value, str) and const.value:
                return (const.value,)
    if isinstance(op, ast.In) and isinstance(right, (ast.Tuple, ast.List, ast.Set)):
        return tuple(e.value for e in right.elts
                     if isinstance(e, ast.Constant) and isinstance(e.value, str) and e.value)
    return ()


def label_subject(test: ast.expr) -> str:
    if isinstance(test, ast.BoolOp):
        for value in test.values:
            if labels_of(value):
                return label_subject(value)
        return ""
    if isinstance(test, ast.Compare):
        left, right = test.left, test.comparators[0]
        return ast.unparse(right if isinstance(left, ast.Constant) else left)
    return ""


def case_values(pattern: ast.pattern) -> tuple[str, ...]:
    if isinstance(pattern, ast.MatchValue):
        value = pattern.value
        if isinstance(value, ast.Constant) and isinstance(value.value, str) and value.value:
            return (value.value,)
    if isinstance(pattern, ast.MatchOr):
        return tuple(v for sub in pattern.patterns for v in case_values(sub))
    if isinstance(pattern, ast.MatchAs) and pattern.pattern is not None:
        return case_values(pattern.pattern)
    return ()


def subject_words(subject: str) -> tuple[str, ...]:
    """``tool_call.function.name`` -> ("NAME",); a tool subject reads as TOOL."""

    if TOOL_SUBJECT.search(subject.strip()):
        return ("TOOL",)
    names = re.findall(r"[A-Za-z_][A-Za-z0-9_]*", subject)
    names = [n for n in names if n not in ("self", "get")]
    return words_of_identifier(names[-1])[-2:] if names else ()


def else_item(node: ast.If) -> Item | None:
    """``else``: after a string-label chain, "unknown <subject>"; otherwise the negation of
    the condition just above it (weaker than the branch's own evidence)."""
    if labels_of(node.test):
        words = ("UNKNOWN", *subject_words(label_subject(node.test)))
        return Item(words, f"else of if {short(node.test)}", "else-label")
    phrase = condition(node.test, True)
    return Item(phrase, f"else of if {short(node.test)}", "else") if phrase else None


def except_words(type_node: ast.expr | None) -> tuple[tuple[str, ...], bool]:
    """``except json.JSONDecodeError`` -> JSON_DECODE_ERROR; ``(KeyError, ValueError)`` ->
    KEY_OR_VALUE_ERROR; ``Exception`` and a bare ``except`` -> ERROR (generic)."""
    if type_node is None:
        return ("ERROR",), True
    elts = type_node.elts if isinstance(type_node, ast.Tuple) else [type_node]
    names = [n.attr if isinstance(n, ast.Attribute) else n.id for n in elts
             if isinstance(n, (ast.Attribute, ast.Name))]
    specific = [n for n in names if n not in GENERIC_EXCEPTIONS]
    if not specific:
        return ("ERROR",), True
    if len(specific) > 1 and all(n.endswith("Error") and n != "Error" for n in specific[:3]):
        bases = [words_of_identifier(n[:-5]) for n in specific[:3]]
        joined: list[str] = []
        for i, base in enumerate(bases):
            joined += (["OR"] if i else []) + list(base)
        return (*joined, "ERROR"), False
    return words_of_identifier(specific[0]), False


def condition(test: ast.expr, negate: bool) -> tuple[str, ...]:
    """Words for a branch condition: ``not business_id`` -> NO_BUSINESS_ID, ``x != "a"`` ->
    NOT_A, ``getattr(self, "_done", False)`` -> DONE. () when it says nothing usable."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return condition(test.operand, not negate)
    if isinstance(test, ast.Await):
        return condition(test.value, negate)
    if isinstance(test, ast.BoolOp):
        values = test.values
        guards = {ast.unparse(v) for v in values if isinstance(v, (ast.Name, ast.Attribute))}
        for value in values:
            text = ast.unparse(value)
            if text in guards and any(text in ast.unparse(o) and o is not value for o in values):
                continue  # `x and x.ok`: the None guard says less than what follows
            phrase = condition(value, negate)
            if phrase:
                return phrase
        return ()
    if isinstance(test, ast.Compare) and len(test.ops) == 1:
        return _comparison(test, negate)
    if isinstance(test, ast.Call) and callee(test) == "hasattr":
        subject = _subject_name(test)
        return predicate_words(f"has_{subject}", negate) if subject else ()
    subject = _subject_name(test)
    return predicate_words(subject, negate) if subject else ()


def _subject_name(node: ast.expr) -> str:
    """The identifier a condition is about: a name, an attribute, ``getattr(o, "name")``,
    ``d.get("key")``, ``hasattr(o, "name")``, ``is_valid(x)``, ``len(x)``."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
        return str(node.slice.value)
    if isinstance(node, ast.Call):
        name = callee(node)
        literal = next((a.value for a in node.args if isinstance(a, ast.Constant)
                        and isinstance(a.value, str)), None)
        if name in ("getattr", "hasattr", "get") and literal:
            return literal
        if name in ("len", "bool", "any", "all") and node.args:
            return _subject_name(node.args[0])
        if name in ("isinstance",) and len(node.args) == 2:
            return _subject_name(node.args[1])
        if name in ("is_set", "done", "empty", "exists", "is_alive", "locked") and \
                isinstance(node.func, ast.Attribute):
            inner = _subject_name(node.func.value)
            return f"{inner}_{name}" if inner else name
        return name
    return ""


def _comparison(test: ast.Compare, negate: bool) -> tuple[str, ...]:

    op, left, right = test.ops[0], test.left, test.comparators[0]
    if isinstance(left, ast.Constant) and not isinstance(right, ast.Constant):
        left, right = right, left
    if isinstance(op, (ast.NotEq, ast.IsNot, ast.NotIn)):
        negate = not negate
        op = {ast.NotEq: ast.Eq(), ast.IsNot: ast.Is(), ast.NotIn: ast.In()}[type(op)]
    if isinstance(right, ast.Constant):
        value = right.value
        if (value is None or value is False or value == 0 or value == "") and \
                isinstance(op, (ast.Eq, ast.Is)):
            return predicate_words(_subject_name(left), not negate)
        if value is True and isinstance(op, (ast.Eq, ast.Is)):
            return predicate_words(_subject_name(left), negate)
        if isinstance(value, str) and isinstance(op, (ast.Eq, ast.Is)):
            words = code_words(right, free_text=False)
            return (("NOT", *words) if negate else words) if words else ()
        if isinstance(value, int) and value == 0 and isinstance(op, (ast.Gt, ast.NotEq)):
            return predicate_words(_subject_name(left), negate)
        return ()
    if isinstance(op, ast.In) and isinstance(right, (ast.Name, ast.Attribute)):
        words = words_of_identifier(_subject_name(right))
        return (("NOT", *words) if negate else words) if words else ()
    return ()
