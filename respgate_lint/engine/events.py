"""Is this expression a ``response.create`` event, and is this call a send of one?

The only place that knows what an event looks like: dict literals, ``dict(...)`` calls, JSON
text, named constants and enum members (also spelled from module string constants), typed
event classes, variables and collections holding any of those, and the openai SDK's
``conn.response.create(...)``. Call-shaped events (typed classes, wrappers, factories,
pass-throughs such as ``json.dumps`` or ``typing.cast``) are decided in ``calls.py``; which
API an event belongs to in ``apis.py``.
"""

from __future__ import annotations

import ast
import dataclasses
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from ..config import Settings
from . import calls
from .apis import REALTIME, event_api
from .conditions import equality_tests
from .findings import Form
from .matches import (
    HAND_OFF_CALLS,
    OBJECT,
    EventMatch,
    SendMatch,
    callee_name,
)
from .prefilter import required_literal

__all__ = ["EventMatcher", "ModuleFacts"]

# Keywords the Realtime SDKs' `conn.response.create(...)` takes; anything else (an ORM's
# `db.response.create(call_id=...)`) is another library's method.
_SDK_KEYWORDS = frozenset({"response", "event_id", "additional_instructions", "instructions",
                           "extra_headers", "extra_query", "extra_body", "timeout"})


_QUEUE_PUTS = frozenset({"put", "put_nowait"})
_EVENT_SUFFIX = "(?:event|evt|msg|message|payload|request|json|frame|data)"
# Keywords of a send that name the event: type=, event_type=, event=, kind=, name=.
_NAMING_KEYWORD = re.compile(r"type|event|^kind$|^name$", re.IGNORECASE)


@dataclass
class ModuleFacts:
    """What the module itself says about events: constants, classes, factories, senders."""

    constant_names: set[str] = field(default_factory=set)
    class_constants: dict[str, set[str]] = field(default_factory=dict)  # Enum/holder classes
    factories: set[str] = field(default_factory=set)  # functions that return an event
    multi_factories: set[str] = field(default_factory=set)  # ... of the type they are asked for
    responses_factories: set[str] = field(default_factory=set)  # factories of Responses API
    #                                   requests (`{"type": "response.create", "model": ...}`)
    collection_factories: dict[str, tuple[EventMatch | None, ...] | None] = field(
        default_factory=dict)  # ... with other things: `return item, create` (its members)
    scoped_factories: dict[str, set[str]] = field(default_factory=dict)  # to_dict() -> classes
    event_names: set[str] = field(default_factory=set)  # `import RESPONSE_CREATE_EVENT as X`
    assigned_names: set[str] = field(default_factory=set)  # module-level targets: their
    #                                   value, not their name, says whether they are events
    strings: dict[str, str] = field(default_factory=dict)  # module str constants, assigned once
    event_classes: set[str] = field(default_factory=set)  # aliases, classes whose `type` is it
    class_events: dict[str, set[str]] = field(default_factory=dict)  # `class Msg: CREATE = {...}`
    instance_events: set[str] = field(default_factory=set)  # `self._create = {...}` in
    #                                   __init__, sent from another method (attributes.py)
    functions: dict[str, list[ast.FunctionDef | ast.AsyncFunctionDef]] = field(
        default_factory=dict)  # module functions and methods by name
    responses_only: bool = False  # the module talks to the Responses API websocket only
    mentions_event_type: bool = False  # the text "response.create" is in the module
    consumes_events: bool = False  # `isinstance(item, ResponseCreate)`: it receives them
    speaks_realtime: bool = True  # the module names the Realtime API, OpenAI or the event


# A selected subject that reads a name's type: msg['type'], msg.get('type'), msg.type.
_TYPE_OF_NAME = re.compile(r"""^([A-Za-z_]\w*)(?:\[(['"])type\2\]|\.get\((['"])type\3\)|\.type)$""")
_MAX_PIECES = 32  # nobody spells an event from more pieces than this


def _constant_index(node: ast.expr) -> int | None:
    """``2`` or ``-1`` as a subscript; None for anything else."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = _constant_index(node.operand)
        return -inner if inner is not None else None
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    return None


def _chain(node: ast.BinOp, op: type[ast.operator]) -> list[ast.expr]:
    """The operands of ``a op b op c`` left to right, without recursion."""
    operands: list[ast.expr] = []
    stack: list[ast.expr] = [node]
    while stack and len(operands) <= _MAX_PIECES:
        current = stack.pop()
        if isinstance(current, ast.BinOp) and isinstance(current.op, op):
            stack += [current.right, current.left]
        else:
            operands.append(current)
    return operands + stack[::-1]


def _looks_like_json_object(text: str) -> bool:
    """JSON text of an event is an object; Python source or prose that quotes one is not."""
    stripped = text.strip()
    return stripped.startswith("{") and stripped.endswith("}")


def _is_str(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


class EventMatcher:
    """Decides "event or not" for expressions, given settings and the module's own facts.

    The walker keeps ``function`` (the enclosing def) and ``selected`` (subjects of the
    branches selected by the event type: ``t`` in ``case Events.RESPONSE_CREATE:``) current.
    """

    def __init__(self, settings: Settings, facts: ModuleFacts) -> None:
        self.settings = settings
        self.facts = facts
        self.event_types = frozenset(settings.event_types)
        types = "|".join(re.escape(t) for t in settings.event_types)
        self._json_type = re.compile(rf"""["']type["']\s*:\s*["'](?:{types})["']""")
        # `messages.response_create(...)` builds one; `conversation.create_response()` sends one
        snake = "|".join(re.escape(t.replace(".", "_")) for t in settings.event_types)
        self.factory_name_re = re.compile(rf"(?:^|_)(?:{snake})(?:_|$)")
        # `response_create_event`: a snake-case name for the whole event (as RESPONSE_CREATE_EVENT)
        self.event_name_re = re.compile(rf"^(?:[a-z0-9_]*_)?(?:{snake})(?:_{_EVENT_SUFFIX})?$")
        self.sdk_methods = frozenset("_".join(reversed(t.split("."))) for t in settings.event_types)
        self.snake_types = frozenset(t.replace(".", "_") for t in settings.event_types)
        self.class_word = required_literal(settings.class_pattern) or ""  # "ResponseCreate"
        self.function: ast.FunctionDef | ast.AsyncFunctionDef | None = None
        self.selected: list[str] = []
        self._calls = calls.CallMatcher(self)

    # -- the event type ---------------------------------------------------------------
    def is_event_type(self, node: ast.expr, bindings: Mapping[str, EventMatch] | None = None) -> bool:
        """``"response.create"``, ``RESPONSE_CREATE``, ``SendEvents.RESPONSE_CREATE[.value]``,
        ``f"{RESPONSE}.{CREATE}"`` with module string constants."""
        if isinstance(node, ast.Constant):
            return node.value in self.event_types
        if isinstance(node, ast.Name):
            bound = bindings.get(node.id) if bindings else None
            if bound is not None:
                return bound.type_only
            return node.id in self.facts.constant_names or bool(self.settings.constant_re.match(node.id))
        if isinstance(node, ast.Attribute):
            if node.attr == "value" and self.is_event_type(node.value, bindings):
                return True
            if self.settings.constant_re.match(node.attr) or node.attr in self.snake_types:
                return True  # Events.RESPONSE_CREATE, EventType.response_create
            owner = node.value
            if isinstance(owner, ast.Name):
                return node.attr in self.facts.class_constants.get(owner.id, ())
        if isinstance(node, (ast.JoinedStr, ast.BinOp)):
            return self.fold(node) in self.event_types
        return False

    def fold(self, node: ast.expr) -> str | None:
        """The string an f-string or ``+`` of literals and module string constants spells."""
        if isinstance(node, ast.Constant):
            return node.value if isinstance(node.value, str) else None
        if isinstance(node, ast.Name):
            return self.facts.strings.get(node.id)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            operands = _chain(node, ast.Add)  # flat: a long `+` chain must not recurse deeply
            if len(operands) > _MAX_PIECES:
                return None
            pieces = [self.fold(o) for o in operands if not isinstance(o, ast.BinOp)]
            if len(pieces) != len(operands) or None in pieces:
                return None
            return "".join(pieces)  # type: ignore[arg-type]
        if isinstance(node, ast.JoinedStr):
            parts: list[str] = []
            for value in node.values:
                if isinstance(value, ast.FormattedValue):
                    if value.conversion != -1 or value.format_spec is not None:
                        return None
                    value = value.value
                text = self.fold(value)
                if text is None:
                    return None
                parts.append(text)
            return "".join(parts)
        return None

    def type_form(self, value: ast.expr) -> Form:
        if _is_str(value):
            return Form.DICT
        return Form.FOLDED if isinstance(value, (ast.JoinedStr, ast.BinOp)) else Form.CONSTANT

    # -- the event ----------------------------------------------------------------------
    def match(self, node: ast.expr, bindings: Mapping[str, EventMatch]) -> EventMatch | None:
        """The event this expression evaluates to, or None."""
        if isinstance(node, ast.Dict):
            return self._match_dict(node, bindings)
        if isinstance(node, ast.Call):
            return self._calls.match(node, bindings)
        if isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes)):
            return self._match_json_text(node)
        if isinstance(node, ast.JoinedStr):
            text = "".join(v.value if _is_str(v) else "0" for v in node.values)  # type: ignore[attr-defined]
            if _looks_like_json_object(text) and self._json_type.search(text):
                return EventMatch(Form.JSON_TEXT, None, node.lineno)
            return None
        if isinstance(node, ast.Name):
            return self._match_name(node, bindings)
        if isinstance(node, ast.Attribute):
            return self._match_attribute(node, bindings)
        if isinstance(node, ast.NamedExpr):
            inner = self.match(node.value, bindings)
            return dataclasses.replace(inner, named=True) if inner is not None else None
        if isinstance(node, ast.IfExp):
            found = self.match(node.body, bindings) or self.match(node.orelse, bindings)
            return EventMatch(found.form, None, found.line, encoding=found.wire,
                              collection=found.collection, api=found.api) if found else None
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            return self._match_collection(node, bindings)
        if isinstance(node, ast.Starred):
            inner = self.match(node.value, bindings)
            return self._element(inner, node.lineno) if inner and inner.collection else None
        if isinstance(node, ast.Subscript):
            return self._match_subscript(node, bindings)
        if isinstance(node, ast.Await):
            return self.match(node.value, bindings)
        if isinstance(node, ast.BinOp):
            return self._match_operator(node, bindings)
        return None

    def _match_operator(self, node: ast.BinOp,
                        bindings: Mapping[str, EventMatch]) -> EventMatch | None:
        """``'{"type": ..., "id": "%s"}' % eid``; ``base | {"type": RC}`` (the right wins)."""
        if isinstance(node.op, ast.Mod) and isinstance(node.left, ast.Constant):
            found = self.match(node.left, bindings)
            return EventMatch(Form.JSON_TEXT, None, node.lineno) if found else None
        if isinstance(node.op, ast.BitOr):
            operands = _chain(node, ast.BitOr)
            if len(operands) > _MAX_PIECES:
                return None
            last = operands[-1]
            found = None if isinstance(last, ast.BinOp) else self.match(last, bindings)
            if found is None and not (isinstance(last, ast.Dict) and any(
                    isinstance(k, ast.Constant) and k.value == "type" for k in last.keys)):
                first = operands[0]
                found = None if isinstance(first, ast.BinOp) else self.match(first, bindings)
            if found is not None and not found.collection:
                return EventMatch(Form.DICT_CALL, None, found.line, api=found.api)
        return None

    def _match_name(self, node: ast.Name, bindings: Mapping[str, EventMatch]) -> EventMatch | None:
        bound = bindings.get(node.id)
        if bound is not None and bound.collection:
            return EventMatch(Form.COLLECTED, None, bound.line, collection=True, api=bound.api,
                              members=bound.members)
        if bound is not None and not bound.type_only:  # a loop over collected events stays so
            form = Form.COLLECTED if bound.form is Form.COLLECTED else Form.VARIABLE
            return EventMatch(form, bound.keys, bound.line, encoding=bound.wire, api=bound.api)
        if bound is None and node.id not in self.facts.assigned_names and (
                node.id in self.facts.event_names
                or self.settings.event_constant_re.match(node.id)):
            return EventMatch(Form.EVENT_CONSTANT, None, node.lineno)
        if (bound is None and node.id not in self.facts.functions
                and self.event_name_re.match(node.id) and not self._calls.parsed_here(node.id)):
            return EventMatch(Form.VARIABLE, None, node.lineno)  # response_create = <unknown>
        if bound is None and self.selected and node.id in self._selected_holders():
            return EventMatch(Form.VARIABLE, None, node.lineno)  # if msg["type"] == RC: msg
        return None

    def _selected_holders(self) -> set[str]:
        """Names whose type this branch selects: ``msg`` under ``if msg["type"] == RC:``
        (also ``msg.get("type")``, ``msg.type``): there, ``msg`` is the event itself. Not in
        a send function's own body (a fake socket's ``send(raw)`` recording what it got):
        that frame is arriving, not leaving."""
        function = self.function
        if function is not None and self.settings.send_re.search(function.name):
            return set()
        return {m.group(1) for m in map(_TYPE_OF_NAME.match, self.selected) if m}

    def _match_attribute(self, node: ast.Attribute,
                         bindings: Mapping[str, EventMatch]) -> EventMatch | None:
        """``self._pending`` assigned the event earlier in the function; ``X.RESPONSE_CREATE_EVENT``;
        ``Msg.CREATE`` (or ``self.CREATE``) where the class body of this module assigns it one;
        ``self._create`` where every method that assigns it assigns an event."""
        owner = node.value
        if isinstance(owner, ast.Name):
            bound = bindings.get(f"{owner.id}.{node.attr}")
            if bound is not None and not bound.type_only:
                form = Form.COLLECTED if bound.collection else Form.VARIABLE
                return EventMatch(form, bound.keys, bound.line, encoding=bound.wire,
                                  collection=bound.collection, api=bound.api,
                                  members=bound.members)
        if self.settings.event_constant_re.match(node.attr):
            return EventMatch(Form.EVENT_CONSTANT, None, node.lineno)
        if isinstance(owner, ast.Name) and self.facts.class_events:
            members = self.facts.class_events.get(owner.id)
            if members is None and owner.id in ("self", "cls"):
                members = set().union(*self.facts.class_events.values())
            if members and node.attr in members:
                return EventMatch(Form.EVENT_CONSTANT, None, node.lineno)
        if (isinstance(owner, ast.Name) and owner.id == "self"
                and node.attr in self.facts.instance_events):
            return EventMatch(Form.VARIABLE, None, node.lineno)
        return None

    def _match_collection(self, node: ast.List | ast.Tuple | ast.Set,
                          bindings: Mapping[str, EventMatch]) -> EventMatch | None:
        """``[evt, other]``, ``(*events, other)``: a collection holding the event. Its
        ``members`` say which elements are events when their places are known (no ``*``, no
        nested collection, not a set), so ``item, create = ...`` and ``pair[0]`` are exact."""
        matches = [self.match(element, bindings) for element in node.elts]
        first = next((m for m in matches if m is not None), None)
        if first is None:
            return None
        known = not isinstance(node, ast.Set) and not any(
            isinstance(e, ast.Starred) or (m is not None and m.collection)
            for e, m in zip(node.elts, matches))
        return EventMatch(Form.COLLECTED, None, first.line, collection=True, api=first.api,
                          members=tuple(matches) if known else None)

    def _match_subscript(self, node: ast.Subscript,
                         bindings: Mapping[str, EventMatch]) -> EventMatch | None:
        """``events[-1]`` of a collection; ``TEMPLATES["response.create"]`` by type."""
        if isinstance(node.slice, ast.Slice):
            inner = self.match(node.value, bindings)
            return inner if inner is not None and inner.collection else None
        if self.is_event_type(node.slice, bindings):
            return EventMatch(Form.TYPE_ARGUMENT, None, node.lineno)
        inner = self.match(node.value, bindings)
        if inner is None or not inner.collection:
            return None
        place = _constant_index(node.slice)
        if place is not None and inner.members is not None and (
                -len(inner.members) <= place < len(inner.members)):
            return self._element(inner, node.lineno) if inner.members[place] else None
        return self._element(inner, node.lineno)

    @staticmethod
    def _element(collection: EventMatch, line: int) -> EventMatch:
        """One element of a collection that holds the event (it may be that one)."""
        return EventMatch(Form.COLLECTED, None, collection.line or line, api=collection.api)

    def _match_dict(self, node: ast.Dict, bindings: Mapping[str, EventMatch]) -> EventMatch | None:
        keys: list[str] | None = []
        values: list[tuple[str, ast.expr]] = []
        is_event = False
        form = Form.DICT
        api = REALTIME
        for key, value in zip(node.keys, node.values):
            if key is None:  # {**other, ...}
                inner = self.match(value, bindings)
                if inner is not None:
                    is_event = True
                    api = inner.api
                keys = None
                continue
            if _is_str(key):
                values.append((key.value, value))  # type: ignore[attr-defined]
                if keys is not None:
                    keys.append(key.value)  # type: ignore[attr-defined]
                if key.value == "type" and self.is_event_type(value, bindings):  # type: ignore[attr-defined]
                    is_event = True
                    form = self.type_form(value)
            elif keys is not None:
                keys = None
        if not is_event:
            return None
        named = tuple(k for k, _ in values)
        return EventMatch(form, tuple(keys) if keys is not None else None, node.lineno,
                          values=tuple(values), api=event_api(named, api))

    def _match_json_text(self, node: ast.Constant) -> EventMatch | None:
        value = node.value
        text = value.decode("utf-8", "replace") if isinstance(value, bytes) else value
        if not _looks_like_json_object(text) or not self._json_type.search(text):
            return None
        try:
            data = json.loads(text)
        except ValueError:
            return EventMatch(Form.JSON_TEXT, None, node.lineno)
        keys = tuple(data) if isinstance(data, dict) else None
        return EventMatch(Form.JSON_TEXT, keys, node.lineno, api=event_api(keys or ()))

    # -- the send -----------------------------------------------------------------------
    def match_send(self, call: ast.Call, bindings: Mapping[str, EventMatch]) -> SendMatch | None:
        """The send this call performs, or None."""
        func = call.func
        if (isinstance(func, ast.Attribute) and func.attr == "create"
                and isinstance(func.value, ast.Attribute) and func.value.attr == "response"):
            return self._match_sdk(call, func.value.value)
        name = callee_name(func)
        if name is None:
            return None
        if name in HAND_OFF_CALLS:
            return self._match_handed_off(call, bindings)
        if name in self.sdk_methods and isinstance(func, ast.Attribute):
            return self._match_sdk_method(call, func)
        if not self.settings.send_re.search(name) and not self._calls.is_sender(name, call):
            return None
        receiver = func.value if isinstance(func, ast.Attribute) else None
        extra = len(call.args) + len(call.keywords) > 1
        named = self._event_name(call, bindings)  # send("response.create", {...}), send(type=...)
        if named is not None:
            return SendMatch(call, EventMatch(Form.EVENT_NAME, None, call.lineno), receiver, name,
                             extra, event_node=named)
        candidates = list(call.args) + [k.value for k in call.keywords]
        for arg in candidates:
            event = self.match(arg, bindings)
            if event is not None:
                return SendMatch(call, event, receiver, name, extra, event_node=arg)
        return None

    def stands(self, send: SendMatch, statement: ast.stmt, in_lambda: bool) -> bool:
        """Whether a send matched by its call alone stands where it is: a realtime SDK's
        ``create_response()`` is called for its effect (a statement, or a callback's body);
        one whose value is used is some other library's reply builder."""
        if send.method not in self.sdk_methods or in_lambda:
            return True
        value = statement.value if isinstance(statement, ast.Expr) else None
        return value is send.call or (isinstance(value, ast.Await) and value.value is send.call)

    def _event_name(self, call: ast.Call, bindings: Mapping[str, EventMatch]) -> ast.expr | None:
        """The event type itself as an argument of the send: ``send("response.create", {})``,
        ``send(ws, RESPONSE_CREATE)``, ``emit(event_type=Kind.RESPONSE_CREATE)``."""
        named = [a for a in call.args[:2] if not isinstance(a, ast.Starred)]
        named += [k.value for k in call.keywords if k.arg and _NAMING_KEYWORD.search(k.arg)]
        return next((arg for arg in named if self.is_event_type(arg, bindings)), None)

    def _match_sdk(self, call: ast.Call, receiver: ast.expr) -> SendMatch | None:
        """``conn.response.create(...)``: the Realtime SDK's keywords only, or any keywords in
        a module that talks to the Responses API websocket only (its create is a request)."""
        if call.args or (not self.facts.responses_only and any(
                k.arg is not None and k.arg not in _SDK_KEYWORDS for k in call.keywords)):
            return None  # not the SDK's signature: `db.response.create(call_id=...)`
        extra = any(k.arg not in ("response", "event_id") for k in call.keywords)
        keys = ("type",) + tuple(k.arg for k in call.keywords if k.arg)
        values = tuple((k.arg, k.value) for k in call.keywords if k.arg)
        event = EventMatch(Form.SDK_METHOD, keys, call.lineno, values=values)
        return SendMatch(call, event, receiver, "create", extra)

    def _match_sdk_method(self, call: ast.Call, func: ast.Attribute) -> SendMatch | None:
        """``conversation.create_response()``: a realtime SDK's own method, in a module that
        speaks of the event, unless it is this module's (then its body holds the send) or the
        receiver is ``self``/``super()``/a fresh object (``ApiResponse(...).create_response()``
        builds an HTTP reply). ``stands`` also wants it to be a statement."""
        owner = func.value
        if func.attr in self.facts.functions or not self.facts.mentions_event_type:
            return None
        if isinstance(owner, ast.Name) and owner.id in ("self", "cls"):
            return None
        if isinstance(owner, ast.Call):
            return None
        keys = tuple(k.arg for k in call.keywords if k.arg)
        event = EventMatch(Form.SDK_METHOD, None, call.lineno, api=event_api(keys))
        return SendMatch(call, event, owner, func.attr, bool(call.args or call.keywords))

    def _match_handed_off(self, call: ast.Call,
                          bindings: Mapping[str, EventMatch]) -> SendMatch | None:
        """A send function passed to ``call`` with the event among the arguments after it."""
        for index, arg in enumerate(call.args):
            target = callee_name(arg) if isinstance(arg, (ast.Name, ast.Attribute)) else None
            if target is None or not self.settings.send_re.search(target):
                continue
            for later in call.args[index + 1:]:
                event = None if isinstance(later, ast.Starred) else self.match(later, bindings)
                if event is not None:
                    receiver = arg.value if isinstance(arg, ast.Attribute) else None
                    return SendMatch(call, event, receiver, target, True, handed_off=True,
                                     event_node=later)
            return None
        return None

    # -- what the module does with events it holds ---------------------------------------
    def note(self, call: ast.Call) -> None:
        """``isinstance(item, ResponseCreate)``: this module receives typed events and
        dispatches on them (a Realtime-compatible server)."""
        if callee_name(call.func) == "isinstance" and len(call.args) == 2:
            kinds = call.args[1]
            for kind in kinds.elts if isinstance(kinds, ast.Tuple) else [kinds]:
                name = callee_name(kind)
                if name is not None and self._calls.is_event_class(name):
                    self.facts.consumes_events = True

    def handed_on_internally(self, send: SendMatch) -> bool:
        """A typed event put on a queue of a module that takes such events off its queues
        by their class: a server's internal hand-off (``unprocessed.put(ResponseCreate(...))``
        next to ``isinstance(item, ResponseCreate)``), not a send to a model."""
        return (self.facts.consumes_events and send.method in _QUEUE_PUTS
                and send.event.wire == OBJECT)

    def is_gate_call(self, call: ast.Call) -> bool:
        return callee_name(call.func) in self.settings.gate_functions

    # -- branches -----------------------------------------------------------------------
    def selected_subject(self, test: ast.expr, bindings: Mapping[str, EventMatch]) -> str | None:
        """``t`` when ``test`` holds only where ``t`` is the event type (``t == RC``)."""
        for subject, values in equality_tests(test, through_or=False):
            if values and all(self.is_event_type(v, bindings) for v in values):
                return ast.unparse(subject)
        return None

    def case_selects(self, pattern: ast.pattern, bindings: Mapping[str, EventMatch]) -> bool:
        """``case Events.RESPONSE_CREATE:`` / ``case "response.create":``."""
        if isinstance(pattern, ast.MatchValue):
            return self.is_event_type(pattern.value, bindings)
        if isinstance(pattern, ast.MatchOr):
            return all(self.case_selects(p, bindings) for p in pattern.patterns)
        if isinstance(pattern, ast.MatchAs) and pattern.pattern is not None:
            return self.case_selects(pattern.pattern, bindings)
        return False
