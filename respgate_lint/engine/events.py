"""Is this expression a ``response.create`` event, and is this call a send of one?

The only place that knows what an event looks like: dict literals, ``dict(...)`` calls, JSON
text, named constants and enum members, typed event classes, variables holding any of those,
wrapped in pass-throughs (``json.dumps``, ``typing.cast``, ``.encode()``, ``.model_dump()``),
and the openai SDK's ``conn.response.create(...)``.
"""

from __future__ import annotations

import ast
import dataclasses
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from ..config import Settings
from .findings import Form

__all__ = [
    "DICT",
    "HAND_OFF_CALLS",
    "JSON",
    "OBJECT",
    "SDK",
    "UNKNOWN",
    "PASS_FIRST_ARG",
    "PASS_LAST_ARG",
    "PASS_METHODS",
    "EventMatch",
    "EventMatcher",
    "ModuleFacts",
    "SendMatch",
]

# Calls that hand their (first, or for cast: last) argument through unchanged in meaning.
PASS_FIRST_ARG = frozenset({"dumps", "deepcopy", "copy", "dict", "MappingProxyType"})
PASS_LAST_ARG = frozenset({"cast"})
# Calls that run a function they are given with the arguments that follow it (threads,
# executors, loop callbacks, partial application): `loop.call_soon_threadsafe(ws.send, evt)`.
HAND_OFF_CALLS = frozenset({"to_thread", "run_in_executor", "call_soon", "call_soon_threadsafe",
                            "call_later", "call_at", "submit", "partial", "run_sync",
                            "start_soon"})
# Methods that serialise an event object or text without changing what it is.
PASS_METHODS = frozenset({"encode", "model_dump", "model_dump_json", "dict", "json", "to_dict",
                           "to_json", "copy", "model_copy"})


# How an event is encoded on the wire; a gate can only be handed a client of its own kind.
DICT, JSON, SDK, OBJECT, UNKNOWN = "dict", "json", "sdk", "object", "unknown"
_ENCODING = {Form.DICT: DICT, Form.DICT_CALL: DICT, Form.CONSTANT: DICT, Form.JSON_DUMPS: JSON,
             Form.JSON_TEXT: JSON, Form.SDK_METHOD: SDK, Form.TYPED_CLASS: OBJECT}


@dataclass(frozen=True)
class EventMatch:
    """An expression found to be a response.create event."""

    form: Form
    keys: tuple[str, ...] | None  # every key of the event when known, "type" included
    line: int                      # where the event itself was built
    type_only: bool = False        # the binding holds the type string, not a whole event
    converted: bool = False        # wrapped in .encode()/.model_dump()...: not what the gate sends
    values: tuple[tuple[str, ast.expr], ...] = ()  # key -> value node, where the source has one
    named: bool = False            # bound with `:=` on the way (the binding outlives the send)
    encoding: str = ""             # DICT/JSON/SDK/OBJECT/UNKNOWN; "" -> derived from the form

    @property
    def wire(self) -> str:
        return self.encoding or _ENCODING.get(self.form, UNKNOWN)

    def value_of(self, key: str) -> ast.expr | None:
        """The last value given for ``key`` (as in a dict, the last one wins)."""
        found = [v for k, v in self.values if k == key]
        return found[-1] if found else None


@dataclass(frozen=True)
class SendMatch:
    """A call that puts an event on the wire."""

    call: ast.Call
    event: EventMatch
    receiver: ast.expr | None      # `client` in client.send_event(...); None for send(ws, ...)
    method: str
    extra_args: bool               # arguments besides the event (or, SDK: besides response/event_id)
    handed_off: bool = False       # the send function is passed on: to_thread(ws.send, event)
    event_node: ast.expr | None = None  # the argument that is the event (None: the SDK call)


@dataclass
class ModuleFacts:
    """Names the module itself defines as the event type (``RC = "response.create"``)."""

    constant_names: set[str] = field(default_factory=set)
    class_constants: dict[str, set[str]] = field(default_factory=dict)  # Enum/holder classes
    factories: set[str] = field(default_factory=set)  # functions that return an event
    event_names: set[str] = field(default_factory=set)  # `import RESPONSE_CREATE_EVENT as X`
    assigned_names: set[str] = field(default_factory=set)  # module-level targets: their
    #                                   value, not their name, says whether they are events


def _callee_name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _looks_like_json_object(text: str) -> bool:
    """JSON text of an event is an object; Python source or prose that quotes one is not."""
    stripped = text.strip()
    return stripped.startswith("{") and stripped.endswith("}")


def _is_str(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


class EventMatcher:
    """Decides "event or not" for expressions, given settings and the module's own constants."""

    def __init__(self, settings: Settings, facts: ModuleFacts) -> None:
        self.settings = settings
        self.facts = facts
        self.event_types = frozenset(settings.event_types)
        types = "|".join(re.escape(t) for t in settings.event_types)
        self._json_type = re.compile(r"""["']type["']\s*:\s*["'](?:%s)["']""" % types)

    # -- the event type ---------------------------------------------------------------
    def is_event_type(self, node: ast.expr, bindings: Mapping[str, EventMatch] | None = None) -> bool:
        """``"response.create"``, ``RESPONSE_CREATE``, ``SendEvents.RESPONSE_CREATE[.value]``."""
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
            if self.settings.constant_re.match(node.attr):
                return True
            owner = node.value
            if isinstance(owner, ast.Name):
                return node.attr in self.facts.class_constants.get(owner.id, ())
        return False

    # -- the event ----------------------------------------------------------------------
    def match(self, node: ast.expr, bindings: Mapping[str, EventMatch]) -> EventMatch | None:
        """The event this expression evaluates to, or None."""
        if isinstance(node, ast.Dict):
            return self._match_dict(node, bindings)
        if isinstance(node, ast.Call):
            return self._match_call(node, bindings)
        if isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes)):
            return self._match_json_text(node)
        if isinstance(node, ast.JoinedStr):
            text = "".join(v.value if _is_str(v) else "0" for v in node.values)  # type: ignore[attr-defined]
            if _looks_like_json_object(text) and self._json_type.search(text):
                return EventMatch(Form.JSON_TEXT, None, node.lineno)
            return None
        if isinstance(node, ast.Name):
            bound = bindings.get(node.id)
            if bound is not None and not bound.type_only:
                return EventMatch(Form.VARIABLE, bound.keys, bound.line, encoding=bound.wire)
            if bound is None and node.id not in self.facts.assigned_names and (
                    node.id in self.facts.event_names
                    or self.settings.event_constant_re.match(node.id)):
                return EventMatch(Form.EVENT_CONSTANT, None, node.lineno)
            return None
        if isinstance(node, ast.Attribute) and self.settings.event_constant_re.match(node.attr):
            return EventMatch(Form.EVENT_CONSTANT, None, node.lineno)
        if isinstance(node, ast.NamedExpr):
            inner = self.match(node.value, bindings)
            return dataclasses.replace(inner, named=True) if inner is not None else None
        if isinstance(node, ast.IfExp):
            found = self.match(node.body, bindings) or self.match(node.orelse, bindings)
            return EventMatch(found.form, None, found.line, encoding=found.wire) if found else None
        return None

    def _match_dict(self, node: ast.Dict, bindings: Mapping[str, EventMatch]) -> EventMatch | None:
        keys: list[str] | None = []
        values: list[tuple[str, ast.expr]] = []
        is_event = False
        form = Form.DICT
        for key, value in zip(node.keys, node.values):
            if key is None:  # {**other, ...}
                if self.match(value, bindings) is not None:
                    is_event = True
                keys = None
                continue
            if _is_str(key):
                values.append((key.value, value))  # type: ignore[attr-defined]
                if keys is not None:
                    keys.append(key.value)  # type: ignore[attr-defined]
                if key.value == "type" and self.is_event_type(value, bindings):  # type: ignore[attr-defined]
                    is_event = True
                    if not _is_str(value):
                        form = Form.CONSTANT
            elif keys is not None:
                keys = None
        if not is_event:
            return None
        return EventMatch(form, tuple(keys) if keys is not None else None, node.lineno,
                          values=tuple(values))

    def _match_call(self, node: ast.Call, bindings: Mapping[str, EventMatch]) -> EventMatch | None:
        name = _callee_name(node.func)
        type_kw = next((k for k in node.keywords if k.arg == "type"), None)
        if name == "dict":
            return self._match_dict_call(node, type_kw, bindings)
        if name is not None and self.settings.class_re.match(name):
            return EventMatch(Form.TYPED_CLASS, None, node.lineno)
        if name in self.facts.factories:
            return EventMatch(Form.FACTORY, None, node.lineno)
        if isinstance(node.func, ast.Attribute):
            owner = _callee_name(node.func.value)
            if owner is not None and self.settings.class_re.match(owner):  # factory classmethod
                return EventMatch(Form.TYPED_CLASS, None, node.lineno)
            if name in PASS_METHODS:
                inner = self.match(node.func.value, bindings)
                if inner is not None:
                    return EventMatch(inner.form, inner.keys, inner.line, converted=True)
        if name in PASS_FIRST_ARG and node.args:
            inner = self.match(node.args[0], bindings)
            if inner is not None:
                if name == "dumps":
                    form = Form.JSON_DUMPS if inner.form in (
                        Form.DICT, Form.DICT_CALL, Form.CONSTANT) else inner.form
                    return dataclasses.replace(inner, form=form, encoding=JSON)
                return inner
        if name in PASS_LAST_ARG and node.args:
            return self.match(node.args[-1], bindings)
        if type_kw is not None and name != "dict" and self.is_event_type(type_kw.value, bindings):
            return EventMatch(Form.TYPED_CLASS, None, node.lineno)  # ClientEvent(type=...)
        if (node.args and name not in PASS_FIRST_ARG and name not in PASS_LAST_ARG
                and self.is_event_type(node.args[0], bindings)):
            return EventMatch(Form.FACTORY, None, node.lineno)  # make_event("response.create")
        return None

    def _match_dict_call(self, node: ast.Call, type_kw: ast.keyword | None,
                         bindings: Mapping[str, EventMatch]) -> EventMatch | None:
        """``dict(type=...)``, ``dict({...}, response=...)`` (keywords win), ``dict(evt)``."""
        base: EventMatch | None = None
        if node.args:
            base = self.match(node.args[0], bindings)
        if type_kw is not None:
            if not self.is_event_type(type_kw.value, bindings):
                return None
        elif base is None:
            return None
        if base is not None and not node.keywords and len(node.args) == 1:
            return base  # a copy: dict(evt) is evt
        keywords = [(k.arg, k.value) for k in node.keywords]
        known = base is None or base.keys is not None
        known = known and len(node.args) <= 1 and all(k for k, _ in keywords)
        keys = list(base.keys or ()) if base is not None else []
        keys += [k for k, _ in keywords if k and k not in keys]
        values = list(base.values if base is not None else ()) + [(k, v) for k, v in keywords if k]
        line = base.line if base is not None else node.lineno
        return EventMatch(Form.DICT_CALL, tuple(keys) if known else None, line,
                          values=tuple(values), named=bool(base and base.named))

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
        return EventMatch(Form.JSON_TEXT, keys, node.lineno)

    # -- the send -----------------------------------------------------------------------
    def match_send(self, call: ast.Call, bindings: Mapping[str, EventMatch]) -> SendMatch | None:
        """The send this call performs, or None."""
        func = call.func
        if (isinstance(func, ast.Attribute) and func.attr == "create"
                and isinstance(func.value, ast.Attribute) and func.value.attr == "response"):
            extra = bool(call.args) or any(k.arg not in ("response", "event_id") for k in call.keywords)
            keys = ("type",) + tuple(k.arg for k in call.keywords if k.arg)
            values = tuple((k.arg, k.value) for k in call.keywords if k.arg)
            event = EventMatch(Form.SDK_METHOD, keys, call.lineno, values=values)
            return SendMatch(call, event, func.value.value, "create", extra)
        name = _callee_name(func)
        if name in HAND_OFF_CALLS:
            return self._match_handed_off(call, bindings)
        if name is None or not self.settings.send_re.search(name):
            return None
        receiver = func.value if isinstance(func, ast.Attribute) else None
        extra = len(call.args) + len(call.keywords) > 1
        named = call.args[0] if call.args else next(  # send("response.create", {...})
            (k.value for k in call.keywords if k.arg == "type"), None)  # send(type=..., ...)
        if named is not None and self.is_event_type(named, bindings):
            return SendMatch(call, EventMatch(Form.EVENT_NAME, None, call.lineno), receiver, name,
                             extra, event_node=named)
        candidates = [a for a in call.args if not isinstance(a, ast.Starred)]
        candidates += [k.value for k in call.keywords]
        for arg in candidates:
            event = self.match(arg, bindings)
            if event is not None:
                return SendMatch(call, event, receiver, name, extra, event_node=arg)
        return None

    def _match_handed_off(self, call: ast.Call,
                          bindings: Mapping[str, EventMatch]) -> SendMatch | None:
        """A send function passed to ``call`` with the event among the arguments after it."""
        for index, arg in enumerate(call.args):
            target = _callee_name(arg) if isinstance(arg, (ast.Name, ast.Attribute)) else None
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

    def is_gate_call(self, call: ast.Call) -> bool:
        return _callee_name(call.func) in self.settings.gate_functions
