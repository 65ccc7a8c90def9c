"""Fixability, decided once: may this send be rewritten into a call of the gate it reaches,
and into which call exactly?

The one table of reasons a site is left alone, and the one place a gate call is built from
the gate's model (``gates.py``): arguments by the signature, ``await`` exactly when the gate
is async, the client passed only when it is the kind of object the gate sends with, the
payload only when the gate takes it. What cannot be shown to keep behaviour is an unsafe
fix (applied only with ``--unsafe-fixes``) or no fix at all, with the reason.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass

from ..forms import FORM_DOCS
from .findings import Fix, Form, GateArg, NotFixable, Safety, Span
from .gates import PAYLOAD_PARAMS, GateModel
from .matches import SDK, UNKNOWN, SendMatch
from .reach import Reach

__all__ = ["SiteFacts", "plan_fix"]

_EVENT_KEYS = frozenset({"type", *PAYLOAD_PARAMS})
# Event forms whose payload the codemod cannot carry over by position: the form catalogue
# says which and why, so a new form needs no line here.
_SHAPE: dict[Form, str] = {doc.form: doc.by_hand for doc in FORM_DOCS if doc.by_hand}
_OTHER_SDK_METHOD = "the event is sent by a realtime SDK method other than " \
                    "`.response.create(...)`; rewrite it by hand"


@dataclass(frozen=True)
class SiteFacts:
    """Where a send is, as the walker saw it."""

    send: SendMatch
    statement: ast.stmt
    awaited: bool
    in_lambda: bool
    in_async: bool
    self_name: str | None
    in_gate_lookalike: str | None   # the enclosing function named like a gate, if any
    class_name: str | None


class _No(Exception):
    """No fix: ``why`` is the sentence users read."""

    def __init__(self, why: NotFixable | str, detail: str = "") -> None:
        text = why.value if isinstance(why, NotFixable) else why
        super().__init__(text + (f": {detail}" if detail else ""))
        self.why = str(self)


def plan_fix(site: SiteFacts, reach: Reach, span: Callable[[ast.AST], Span],
             add_mixin: bool = False) -> Fix | str:
    """The fix for one RGT001 site, or why there is none."""
    try:
        _check_site(site)
        _check_event(site.send)
        gate, callee, mixin_note = _gate(site, reach, add_mixin)
        return _build(site, gate, callee, span, mixin_note)
    except _No as no:
        return no.why


def _check_site(site: SiteFacts) -> None:
    send = site.send
    stmt = site.statement
    is_statement = isinstance(stmt, ast.Expr) and (
        stmt.value is send.call
        or (isinstance(stmt.value, ast.Await) and stmt.value.value is send.call))
    lookalike = site.in_gate_lookalike
    checks = [
        (site.in_lambda, NotFixable.IN_LAMBDA, ""),
        (send.handed_off, NotFixable.HANDED_OFF, ""),
        (lookalike is not None, NotFixable.GATE_LOOKALIKE, f"`{lookalike}`"),
        (not is_statement, NotFixable.VALUE_USED, ""),
        (send.receiver is None, NotFixable.NOT_A_METHOD, ""),
    ]
    for failed, why, detail in checks:
        if failed:
            raise _No(why, detail)


def _check_event(send: SendMatch) -> None:
    event = send.event
    if event.form in _SHAPE:
        raise _No(_SHAPE[event.form])
    checks: list[tuple[bool, NotFixable | str]] = [
        (event.form is Form.SDK_METHOD and send.method != "create", _OTHER_SDK_METHOD),
        (event.named, NotFixable.NAMED_EXPR),
        (event.form is Form.JSON_TEXT and event.keys != ("type",), NotFixable.JSON_TEXT),
        (event.converted, NotFixable.CONVERTED),
        (event.keys is None, NotFixable.UNKNOWN_KEYS),
        (event.form is Form.SDK_METHOD and send.extra_args, NotFixable.SDK_ARGS),
        (not set(event.keys or ()) <= _EVENT_KEYS, NotFixable.EXTRA_KEYS),
        (event.form is not Form.SDK_METHOD and send.extra_args, NotFixable.EXTRA_ARGS),
    ]
    for failed, why in checks:
        if failed:
            raise _No(why)
    for key in event.keys or ():
        if key != "type" and event.value_of(key) is None:
            raise _No(NotFixable.JSON_TEXT)


def _gate(site: SiteFacts, reach: Reach, add_mixin: bool) -> tuple[GateModel, str, str | None]:
    """The gate to call, its callee text, and (--add-mixin) the class that gets the mixin."""
    from .gates import REFERENCE_GATE

    if reach.kind == "shadowed":  # not even a mixin helps: the class's own name wins
        raise _No(NotFixable.GATE_SHADOWED, reach.hidden or "")
    if reach.kind in ("missing", "hidden"):
        if add_mixin and site.class_name is not None and site.self_name is not None:
            return REFERENCE_GATE, f"{site.self_name}.{REFERENCE_GATE.name}", reach.hidden or ""
        if reach.kind == "hidden":
            detail = f"`{reach.hidden}`" if reach.hidden else ""
            raise _No(NotFixable.HIDDEN_BASE, detail)
        raise _No(NotFixable.NO_GATE)
    gate = reach.gate
    assert gate is not None
    if not gate.readable:
        raise _No(NotFixable.GATE_SHAPE, f"which parameter of {gate.describe()} is the reason? "
                                         "set gate-reason-param")
    if reach.kind == "method":
        if site.self_name is None:
            raise _No(NotFixable.NO_SELF)
        return gate, f"{site.self_name}.{gate.name}", None
    return gate, reach.callee or gate.name, None


def _build(site: SiteFacts, gate: GateModel, callee: str, span: Callable[[ast.AST], Span],
           mixin_base: str | None) -> Fix:
    unsafe: list[str] = []
    if mixin_base:
        unsafe.append(f"GatedResponseMixin goes before `{mixin_base}`, which respgate cannot "
                      "read, and takes precedence over any gate it has")
    awaited = _await(site, gate, unsafe)
    supplied: dict[str, GateArg] = {gate.reason_param or "reason": GateArg(reason=True)}
    client = _client(site, gate, span, unsafe)
    if client is not None:
        supplied[gate.client_param or "client"] = client
    if gate.accepts("force"):
        supplied["force"] = GateArg(text="False")
    event = site.send.event
    for key in PAYLOAD_PARAMS:
        value = event.value_of(key)
        if value is None:
            continue
        if not gate.accepts(key):
            if not gate.var_keyword:
                why = NotFixable.GATE_PAYLOAD if key == "response" else NotFixable.GATE_REQUIRED
                raise _No(why, f"{gate.describe()} has no `{key}` parameter")
            unsafe.append(f"{gate.describe()} takes **kwargs; respgate cannot see that it uses "
                          f"`{key}`")
        supplied[key] = GateArg(span=span(value))
    args = _arguments(gate, supplied)
    return Fix(callee=callee, awaited=awaited, args=args,
               safety=Safety.UNSAFE if unsafe else Safety.SAFE,
               note="; ".join(unsafe) or None,
               add_mixin_to=site.class_name if mixin_base is not None else None)


def _await(site: SiteFacts, gate: GateModel, unsafe: list[str]) -> bool:
    if gate.is_async:
        if not site.in_async:
            raise _No(NotFixable.NOT_ASYNC)
        if not site.awaited:
            unsafe.append("the send was not awaited; awaiting the gate adds a suspension point")
        return True
    if site.awaited:
        unsafe.append(f"{gate.describe()} is synchronous: the awaited send becomes whatever "
                      "the gate does with it (often a task scheduled for later)")
    return False


def _client(site: SiteFacts, gate: GateModel, span: Callable[[ast.AST], Span],
            unsafe: list[str]) -> GateArg | None:
    """Pass the site's receiver when the gate sends with that kind of object; omit it when
    the gate falls back to its own; otherwise no fix."""
    send = site.send
    assert send.receiver is not None
    receiver_text = ast.unparse(send.receiver)
    passed = GateArg(span=span(send.receiver))
    wire = send.event.wire
    if gate.reference:
        if any(s.method == send.method and s.wire == wire for s in gate.sends):
            return passed
        raise _No(NotFixable.GATE_CLIENT, f"the reference gate's client adapter does not send "
                                          f"{_wire_name(wire)} with `.{send.method}(...)`")
    param = gate.client_param
    if param is None:  # the gate sends with its own connection
        own = [s for s in gate.sends if s.receiver_param is None]
        if any(s.receiver == receiver_text for s in own):
            return None
        where = f" with `{own[0].receiver}`" if own and own[0].receiver else ""
        unsafe.append(f"{gate.describe()} takes no client and sends{where}; this site sends "
                      f"with `{receiver_text}`")
        return None
    with_param = [s for s in gate.sends if s.receiver_param == param]
    same_kind = any(s.method == send.method and (s.wire == wire or UNKNOWN in (s.wire, wire))
                    for s in with_param)
    if same_kind or any(s.receiver == receiver_text for s in with_param):
        return passed
    optional = not gate.param(param).required  # type: ignore[union-attr]
    own = [s for s in gate.sends if s.receiver_param is None]
    if any(s.receiver == receiver_text for s in own):
        # the gate sends with this very connection itself: `param` is something else
        if optional:
            return None
        raise _No(NotFixable.GATE_REQUIRED, f"{gate.describe()} requires `{param}`, which is "
                                            f"not what it sends with (`{receiver_text}`)")
    if with_param:
        if optional and gate.client_fallback is not None:  # its own client when none is passed
            if gate.client_fallback != receiver_text:  # maybe another session: not silently
                unsafe.append(f"{gate.describe()} sends with `{gate.client_fallback}` when no "
                              f"client is passed; this site sends with `{receiver_text}`")
            return None
        theirs = with_param[0]
        raise _No(NotFixable.GATE_CLIENT,
                  f"{gate.describe()} sends {_wire_name(theirs.wire)} with "
                  f"`{_call_text(theirs.receiver, theirs.method, theirs.wire)}`; this site sends "
                  f"{_wire_name(wire)} with `{_call_text(receiver_text, send.method, wire)}`")
    if not gate.sends:
        unsafe.append(f"respgate cannot see how {gate.describe()} sends")
        return None if optional else passed
    if optional:  # the gate sends on its own connection, not with this parameter
        if own:
            unsafe.append(f"{gate.describe()} sends with `{own[0].receiver}`, not with its "
                          f"`{param}` parameter; this site sends with `{receiver_text}`")
        return None
    unsafe.append(f"{gate.describe()} does not send with its `{param}` parameter")
    return passed


def _call_text(receiver: str, method: str, wire: str) -> str:
    return f"{receiver}.response.create(...)" if wire == SDK else f"{receiver}.{method}(...)"


def _wire_name(wire: str) -> str:
    return {SDK: "through the SDK", "dict": "a dict", "json": "JSON text",
            "object": "an event object"}.get(wire, "an event")


def _arguments(gate: GateModel, supplied: dict[str, GateArg]) -> tuple[GateArg, ...]:
    """Positional while the supplied parameters run contiguously from the first, then
    keywords; every required parameter must be supplied."""
    missing = [p.name for p in gate.params if p.required and p.name not in supplied]
    if missing:
        raise _No(NotFixable.GATE_REQUIRED, f"{gate.describe()} requires `{missing[0]}`")
    unknown = [n for n in supplied if gate.param(n) is None and not gate.var_keyword]
    if unknown:
        raise _No(NotFixable.GATE_REQUIRED, f"{gate.describe()} has no `{unknown[0]}` parameter")
    args: list[GateArg] = []
    positional = True
    done: set[str] = set()
    for param in gate.params:
        if param.kind == "keyword_only":
            break
        if param.name not in supplied:
            positional = False
            continue
        flag = not param.required and supplied[param.name].text is not None
        if flag and param.kind == "positional":  # force=False reads better than False
            positional = False
            continue
        arg = supplied[param.name]
        if positional:
            args.append(GateArg(None, arg.reason, arg.span, arg.text))
        elif param.kind == "positional_only":
            raise _No(NotFixable.GATE_REQUIRED,
                      f"{gate.describe()} takes `{param.name}` only by position after a "
                      "parameter this site does not supply")
        else:
            args.append(GateArg(param.name, arg.reason, arg.span, arg.text))
        done.add(param.name)
    order = [p.name for p in gate.params] + [n for n in supplied if gate.param(n) is None]
    for name in order:
        if name in supplied and name not in done:
            arg = supplied[name]
            args.append(GateArg(name, arg.reason, arg.span, arg.text))
    return tuple(args)
