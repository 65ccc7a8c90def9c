"""Build the gate call from one parsed send statement, carrying payload and comments over.

This module never decides whether something is a send (the engine did, by position); it
only navigates the libcst node the engine pointed at: the receiver of the send, and the
``"response"`` / ``"event_id"`` values inside a dict literal, a ``dict(...)`` call, a
``json.dumps(...)`` (or other pass-through) argument, or the SDK's keywords.

Comments: comments inside the receiver and the payload values move with them; a comment
on a carried key's line (``"response": {...},  # why``) stays on that argument's line; any
other comment inside the call (the ``"type"`` line, the braces, the parentheses) is kept
on the line of the opening parenthesis of the gate call. Nothing is dropped.
"""

from __future__ import annotations

import ast

import libcst as cst

from respgate_lint.engine import Finding, Form
from respgate_lint.engine.events import PASS_FIRST_ARG, PASS_LAST_ARG, PASS_METHODS

__all__ = ["PayloadError", "build_gate_call"]

_EMPTY = cst.Module(body=[])


class PayloadError(Exception):
    """The statement does not have the shape the finding promised; the site is left alone."""


class _Comments(cst.CSTVisitor):
    def __init__(self) -> None:
        self.found: list[cst.Comment] = []

    def visit_Comment(self, node: cst.Comment) -> None:
        self.found.append(node)


def _comments(*nodes: cst.CSTNode | None) -> list[cst.Comment]:
    visitor = _Comments()
    for node in nodes:
        if node is not None:
            node.visit(visitor)
    return visitor.found


def _code(node: cst.CSTNode) -> str:
    return _EMPTY.code_for_node(node)


def _callee(func: cst.BaseExpression) -> str | None:
    if isinstance(func, cst.Name):
        return func.value
    if isinstance(func, cst.Attribute):
        return func.attr.value
    return None


def _string_value(node: cst.BaseExpression | None) -> str | None:
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


# (key, value node, the nodes holding its comments: a DictElement or keyword Arg, ...)
Element = tuple[str, cst.BaseExpression, tuple[cst.CSTNode, ...]]


def _event_elements(node: cst.BaseExpression) -> list[Element] | None:
    """The key/value elements of the event under pass-through wrappers; None for JSON text."""
    for _ in range(20):
        if isinstance(node, cst.Dict):
            found: list[Element] = []
            closing = node.rbrace.whitespace_before
            for index, element in enumerate(node.elements):
                if not isinstance(element, cst.DictElement):
                    raise PayloadError("internal error: ** unpacking in the event")
                key = _string_value(element.key)
                if key is None:
                    raise PayloadError("internal error: a non-literal key in the event")
                owners: tuple[cst.CSTNode, ...] = (element,)
                if index == len(node.elements) - 1 and isinstance(closing, cst.ParenthesizedWhitespace):
                    owners += (closing.first_line,)  # `"response": {...},  # why` on the last line
                found.append((key, element.value, owners))
            return found
        if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
            return None
        if not isinstance(node, cst.Call):
            raise PayloadError(f"internal error: cannot read the event from `{_code(node)}`")
        name = _callee(node.func)
        positional = [a for a in node.args if a.keyword is None and not a.star]
        if name == "dict" and any(a.keyword is not None for a in node.args):
            return [(a.keyword.value, a.value, (a,)) for a in node.args if a.keyword is not None]
        if name in PASS_METHODS and isinstance(node.func, cst.Attribute) and not node.args:
            node = node.func.value
        elif name in PASS_FIRST_ARG and positional:
            node = positional[0].value
        elif name in PASS_LAST_ARG and positional:
            node = positional[-1].value
        else:
            raise PayloadError(f"internal error: cannot read the event from `{_code(node)}`")
    raise PayloadError("internal error: the event is wrapped too deeply")


def _receiver_and_elements(call: cst.Call, finding: Finding
                           ) -> tuple[cst.BaseExpression, list[Element] | None]:
    func = call.func
    if finding.form is Form.SDK_METHOD:
        if not (isinstance(func, cst.Attribute) and isinstance(func.value, cst.Attribute)):
            raise PayloadError("internal error: the SDK call is not `<client>.response.create`")
        return func.value.value, [(a.keyword.value, a.value, (a,)) for a in call.args
                                  if a.keyword is not None]
    if not isinstance(func, cst.Attribute):
        raise PayloadError("internal error: the send is not a method call")
    args = [a for a in call.args if not a.star]
    if len(args) != 1 or len(call.args) != 1:
        raise PayloadError("internal error: the send does not have exactly one argument")
    value = args[0].value
    if isinstance(value, cst.NamedExpr):
        raise PayloadError("the event is bound with `:=`; rewrite it by hand")
    return func.value, _event_elements(value)


def build_gate_call(node: cst.BaseExpression, original: str, finding: Finding, reason: str,
                    gate: str, self_name: str, indent: str) -> str:
    """The statement's new text: ``await <self>.<gate>("REASON", <receiver>, force=False, ...)``."""
    if _code(node) != original:
        raise PayloadError("internal error: libcst does not round-trip the statement")
    if not isinstance(node, cst.Await) or not isinstance(node.expression, cst.Call):
        raise PayloadError("internal error: the statement is not `await <call>`")
    call = node.expression
    receiver, elements = _receiver_and_elements(call, finding)
    carried: list[Element] = []
    for key in finding.payload:
        match = [e for e in (elements or []) if e[0] == key]
        if not match:
            raise PayloadError(f"internal error: cannot find the event's {key!r} value")
        carried.append(match[-1])  # a repeated key: the last one wins, as in a dict
    unknown = {k for k, _, _ in elements or []} - {"type", "response", "event_id"}
    if unknown:
        raise PayloadError(f"internal error: unexpected event keys {sorted(unknown)}")

    paren_comments = {id(c) for c in _comments(*call.lpar, *call.rpar)}
    kept = {id(c) for c in _comments(receiver, *(v for _, v, _ in carried))}
    per_arg: list[list[cst.Comment]] = []
    for _, value, owners in carried:
        own = [c for c in _comments(*owners) if id(c) not in kept]
        per_arg.append(own)
        kept.update(id(c) for c in own)
    head = [c for c in _comments(call) if id(c) not in kept and id(c) not in paren_comments]

    args = [f'"{reason}"', _code(receiver), "force=False"]
    args += [f"{key}={_code(value)}" for key, value, _ in carried]
    call_text = _code(call.with_changes(lpar=[], rpar=[]))
    if "\n" not in call_text:
        text = f"{self_name}.{gate}({', '.join(args)})"
    else:
        text = _multi_line(self_name, gate, args, head, [[], [], []] + per_arg, indent)
    try:
        new_call = cst.parse_expression(text)
    except cst.ParserSyntaxError as exc:
        raise PayloadError(f"internal error: the rewrite does not parse: {exc}") from None
    new_node = node.with_changes(expression=new_call.with_changes(lpar=call.lpar, rpar=call.rpar))
    new_text = _code(new_node)
    try:
        ast.parse(new_text.strip(), mode="eval")
    except SyntaxError as exc:  # pragma: no cover - libcst parsed it already
        raise PayloadError(f"internal error: the rewrite does not parse: {exc}") from None
    return new_text


def _multi_line(self_name: str, gate: str, args: list[str], head: list[cst.Comment],
                arg_comments: list[list[cst.Comment]], indent: str) -> str:
    """One argument per line, like the multi-line original; comments on their lines."""
    step = "\t" if indent.startswith("\t") else "    "
    inner = indent + step
    first = f"{self_name}.{gate}("
    lines = []
    if head:
        first += "  " + head[0].value
        lines.extend(inner + c.value for c in head[1:])
    lines.insert(0, first)
    for arg, comments in zip(args, arg_comments):
        lines.extend(inner + c.value for c in comments[1:])
        line = f"{inner}{arg},"
        if comments:
            line += "  " + comments[0].value
        lines.append(line)
    lines.append(indent + ")")
    return "\n".join(lines)
