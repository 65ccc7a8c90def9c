"""Call-shaped events, and calls that send without a send verb in their name.

A call's result is the event when it is: ``dict(type=...)``; a typed event class (by name,
alias or a module class whose ``type`` is the event), its classmethods, builders and
serialisers (``X().with_instructions(t).model_dump_json()``); a pass-through (``json.dumps``,
``copy.deepcopy``, ``typing.cast``); a factory of this module or one named for the event; a
call given the event type in any argument (``Event(service_type=Events.RESPONSE_CREATE)``,
or in a branch selected by it, the variable compared); any other call with the event among
its arguments (a wrapper object; a helper when it is the only one). Not an event: a typed event class filled from a
message the code received (``ResponseCreate(**message)`` in a server), a multi-type factory
asked for another type.
"""

from __future__ import annotations

import ast
import dataclasses
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

from .apis import REALTIME, RESPONSES_WS
from .findings import Form
from .matches import HAND_OFF_CALLS, JSON, PASS_FIRST_ARG, PASS_LAST_ARG, EventMatch, callee_name

if TYPE_CHECKING:
    from .events import EventMatcher

__all__ = ["CallMatcher"]

# Calls whose result is never the event they are given (or that are sends themselves).
_NOT_WRAPPERS = frozenset({
    "len", "bool", "id", "hash", "isinstance", "issubclass", "print", "repr", "type",
    "callable", "getattr", "hasattr", "setattr", "delattr", "any", "all", "log", "debug", "info",
    "warning", "warn", "error", "exception", "critical", "append", "extend", "add", "insert",
    "create_task", "ensure_future", "gather", "wait_for", "run", "run_until_complete",
    "run_coroutine_threadsafe", "shield", "sleep",
} | HAND_OFF_CALLS)
# Methods that return a part of the event (or nothing), not the event.
_ACCESSORS = frozenset({"get", "pop", "popleft", "setdefault", "popitem", "keys", "values",
                        "items", "update", "clear", "count", "index", "find", "startswith",
                        "endswith", "split", "__getitem__", "__contains__"})
# Classmethods that read an event from data (a server parsing what it received).
_VALIDATORS = frozenset({"model_validate", "model_validate_json", "parse_obj", "parse_raw",
                         "validate", "validate_json", "from_dict", "from_json"})
# Parameters that carry a caller's options, not a received message: Cls(**params) builds.
# Names that handle, test or inspect an event rather than build one, even when they name it:
# `handle_response_create(msg)` answers a client's request; `is_response_create(evt)` tests.
_HANDLER_NAME = re.compile(
    r"^_*(?:handle|on|process|is|has|should|can|validate|check|parse|log|record|track|count|"
    r"was|did|wait|receive|recv|reject|allow|deny|guard|filter)_", re.IGNORECASE)
_OPTION_NAME = re.compile(r"(?:^|_)(?:params|options|opts|kwargs|kw|config|cfg|settings|"
                          r"overrides|fields|extra|attrs|response|args)$")
# Inner calls that write to files or logs rather than to a peer: a helper around them
# is not a sender.
_NOT_SENDS = frozenset({"write", "writelines"})
_SAYS_NOTHING = object()
_MAX_CHAIN = 32  # builder chains longer than this are not followed (no deep recursion)


def _chain_length(node: ast.expr) -> int:
    """How many method calls ``x.a().b().c()`` stacks before its receiver."""
    length = 0
    while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        node = node.func.value
        length += 1
        if length > _MAX_CHAIN:
            break
    return length


class CallMatcher:
    """The call half of ``EventMatcher.match`` (which owns the settings and module facts)."""

    def __init__(self, matcher: EventMatcher) -> None:
        self.m = matcher
        self._senders: dict[str, bool] = {}
        self._assigned: dict[int, dict[str, list[ast.expr]]] = {}

    def is_event_class(self, name: str) -> bool:
        """``ResponseCreateEvent``; ``ConversationResponseCreateEvent`` too, in a module that
        speaks of the Realtime API (elsewhere a ``QueryResponseCreateEvent`` is some app's
        own domain event); an alias or a class of this module whose ``type`` is the event."""
        facts = self.m.facts
        if name in facts.event_classes:
            return True
        if not self.m.settings.class_re.match(name):
            return False
        return facts.speaks_realtime or name.lstrip("_").startswith(self.m.class_word)

    def is_selected(self, node: ast.expr) -> bool:
        """The subject of an enclosing branch selected by the event type (``t`` in
        ``case Events.RESPONSE_CREATE:``): there, it is the type."""
        return bool(self.m.selected) and ast.unparse(node) in self.m.selected

    # -- the event a call returns ---------------------------------------------------------
    def match(self, node: ast.Call, bindings: Mapping[str, EventMatch]) -> EventMatch | None:
        m = self.m
        func = node.func
        name = callee_name(func)
        if isinstance(func, ast.Name) and name == "dict":  # not pydantic's evt.dict()
            return self._dict_call(node, bindings)
        line = node.lineno
        if isinstance(func, ast.Subscript) and m.is_event_type(func.slice, bindings):
            return EventMatch(Form.TYPE_ARGUMENT, None, line)  # CLASSES["response.create"](...)
        if name is not None and self.is_event_class(name):
            return None if self._received(node, bindings) else EventMatch(Form.TYPED_CLASS, None, line)
        if name in m.facts.factories or self._own_factory(func, name):
            api = RESPONSES_WS if name in m.facts.responses_factories else REALTIME
            return EventMatch(Form.FACTORY, None, line, api=api)
        if name in m.facts.collection_factories:   # item, create = build_pair()
            return EventMatch(Form.COLLECTED, None, line, collection=True,
                              members=m.facts.collection_factories[name])
        if isinstance(func, ast.Attribute):
            found = self._method(node, func, name or "", bindings)
            if found is not _SAYS_NOTHING:
                return found  # type: ignore[return-value]
        if name in PASS_FIRST_ARG and node.args:
            inner = m.match(node.args[0], bindings)
            if inner is not None and name == "dumps":
                form = Form.JSON_DUMPS if inner.form in (
                    Form.DICT, Form.DICT_CALL, Form.CONSTANT, Form.FOLDED) else inner.form
                return dataclasses.replace(inner, form=form, encoding=JSON)
            if inner is not None:
                return inner
        if name in PASS_LAST_ARG and node.args:
            return m.match(node.args[-1], bindings)
        arguments = [a for a in node.args if not isinstance(a, ast.Starred)]
        arguments += [k.value for k in node.keywords if k.arg is not None]
        type_kw = next((k for k in node.keywords if k.arg == "type"), None)
        if type_kw is not None and m.is_event_type(type_kw.value, bindings):
            return EventMatch(Form.TYPED_CLASS, None, line)  # ClientEvent(type=...)
        if name is not None and (name in _NOT_WRAPPERS or name in _ACCESSORS
                                 or m.settings.send_re.search(name)):
            return None  # a send, a log line, a lookup: not what the event becomes
        if any(m.is_event_type(a, bindings) or self.is_selected(a) for a in arguments):
            return EventMatch(Form.TYPE_ARGUMENT, None, line)  # make_event(Events.RESPONSE_CREATE)
        if name in m.facts.multi_factories:
            return None  # asked for another type
        if name is not None and m.factory_name_re.search(name) and not _HANDLER_NAME.match(name):
            return EventMatch(Form.FACTORY, None, line)  # messages.response_create(...)
        helper = len(node.args) == 1 and not node.keywords  # strip_not_given(evt), asdict(obj)
        for arg in [*node.args, *(k.value for k in node.keywords)]:
            inner = m.match(arg, bindings)
            if inner is not None:
                form = Form.HELPER if helper and not isinstance(arg, ast.Starred) else Form.WRAPPER
                return EventMatch(form, None, inner.line, api=inner.api)
        return None

    def _own_factory(self, func: ast.expr, name: str | None) -> bool:
        """``self.to_dict()`` / ``Msg.build()`` where that class's method returns the event."""
        owners = self.m.facts.scoped_factories.get(name or "")
        if not owners or not isinstance(func, ast.Attribute):
            return False
        receiver = func.value
        return isinstance(receiver, ast.Name) and (receiver.id in ("self", "cls")
                                                   or receiver.id in owners)

    def _method(self, node: ast.Call, func: ast.Attribute, name: str,
                bindings: Mapping[str, EventMatch]) -> EventMatch | None | object:
        """``Cls.build()``, ``evt.model_dump_json()``, ``X().with_instructions(t)``,
        ``events.pop()``; ``_SAYS_NOTHING`` when the method is no clue either way."""
        owner = func.value
        if _chain_length(owner) > _MAX_CHAIN:
            return _SAYS_NOTHING  # a generated fluent chain, not an event being built
        owner_name = callee_name(owner) if isinstance(owner, (ast.Name, ast.Attribute)) else None
        if owner_name is not None and self.is_event_class(owner_name):  # a classmethod
            if name in _VALIDATORS and node.args and self._received_value(node.args[0], bindings):
                return None
            return EventMatch(Form.TYPED_CLASS, None, node.lineno)
        inner = self.m.match(owner, bindings)
        if inner is None:
            return _SAYS_NOTHING
        if inner.collection:
            if name in ("pop", "popleft"):
                return EventMatch(Form.COLLECTED, None, inner.line, api=inner.api)
            return inner if name == "copy" else _SAYS_NOTHING
        if name in _ACCESSORS:
            return _SAYS_NOTHING
        return EventMatch(inner.form, inner.keys, inner.line, converted=True, api=inner.api)

    def _dict_call(self, node: ast.Call, bindings: Mapping[str, EventMatch]) -> EventMatch | None:
        """``dict(type=...)``, ``dict({...}, response=...)`` (keywords win), ``dict(evt)``."""
        m = self.m
        type_kw = next((k for k in node.keywords if k.arg == "type"), None)
        base: EventMatch | None = None
        if node.args:
            base = m.match(node.args[0], bindings)
        if type_kw is not None:
            if not m.is_event_type(type_kw.value, bindings):
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
        from .apis import event_api
        api = event_api([k for k, _ in values], base.api if base is not None else "realtime")
        return EventMatch(Form.DICT_CALL, tuple(keys) if known else None, line,
                          values=tuple(values), named=bool(base and base.named), api=api)

    # -- received, not built ----------------------------------------------------------------
    def _received(self, node: ast.Call, bindings: Mapping[str, EventMatch]) -> bool:
        """``ResponseCreate(**message)``: a server filling its class from what it was sent."""
        stars = [k.value for k in node.keywords if k.arg is None]
        return (not node.args and bool(stars)
                and all(self._received_value(v, bindings) for v in stars))

    def _received_value(self, value: ast.expr, bindings: Mapping[str, EventMatch]) -> bool:
        """A message the enclosing function was handed or read (a parameter, ``json.loads``,
        ``await ws.receive_json()``, a loop over the socket), not options or an event it
        built (a dict display, ``**kwargs``)."""
        base = value
        while isinstance(base, (ast.Subscript, ast.Attribute)):
            base = base.value
        function = self.m.function
        if not isinstance(base, ast.Name) or base.id in bindings or function is None:
            return False
        args = function.args
        if args.kwarg is not None and args.kwarg.arg == base.id:
            return False
        params = {a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)}
        if base.id in params:
            return not _OPTION_NAME.search(base.id)
        assigned = self._assignments(function).get(base.id)
        return bool(assigned) and not any(
            isinstance(v, (ast.Dict, ast.DictComp))
            or (isinstance(v, ast.Call) and callee_name(v.func) == "dict") for v in assigned)

    def parsed_here(self, name: str) -> bool:
        """The enclosing function assigns ``name`` a typed event it read from a message
        (``response_create = ResponseCreate(**message)``): what it holds is known, and it
        was not built to be sent."""
        function = self.m.function
        if function is None:
            return False
        for value in self._assignments(function).get(name, ()):
            if not isinstance(value, ast.Call):
                continue
            func = value.func
            owner = func.value if isinstance(func, ast.Attribute) else None
            cls = callee_name(owner) if isinstance(owner, (ast.Name, ast.Attribute)) else None
            if callee_name(func) and (self.is_event_class(callee_name(func) or "") or (
                    cls is not None and self.is_event_class(cls))):
                return True
        return False

    def _assignments(self, function: ast.FunctionDef | ast.AsyncFunctionDef
                     ) -> dict[str, list[ast.expr]]:
        """Name -> the values assigned to it in ``function`` (loop targets: the iterable)."""
        key = id(function)
        if key not in self._assigned:
            found: dict[str, list[ast.expr]] = {}
            for node in ast.walk(function):
                pairs: list[tuple[ast.expr, ast.expr]] = []
                if isinstance(node, ast.Assign):
                    pairs = [(t, node.value) for t in node.targets]
                elif isinstance(node, (ast.AnnAssign, ast.NamedExpr)) and node.value is not None:
                    pairs = [(node.target, node.value)]
                elif isinstance(node, (ast.For, ast.AsyncFor)):
                    pairs = [(node.target, node.iter)]
                for target, value in pairs:
                    if isinstance(target, ast.Name):
                        found.setdefault(target.id, []).append(value)
            self._assigned[key] = found
        return self._assigned[key]

    # -- sends without a send verb ----------------------------------------------------------
    def is_sender(self, name: str, call: ast.Call) -> bool:
        """``self._up(evt)`` where this module's ``_up`` sends what it is given."""
        facts = self.m.facts
        if name not in facts.functions or name in self.m.settings.gate_functions:
            return False
        if not call.args and not call.keywords:
            return False
        known = self._senders.get(name)
        if known is None:
            self._senders[name] = False  # a recursive helper is decided by its other sends
            known = any(self._sends_parameter(f) for f in facts.functions[name])
            self._senders[name] = known
        return known

    def _sends_parameter(self, function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
        args = function.args
        params = {a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)}
        params |= {a.arg for a in (args.vararg, args.kwarg) if a is not None}
        params -= {"self", "cls"}
        if not params:
            return False
        send_re = self.m.settings.send_re
        for node in ast.walk(function):
            if not isinstance(node, ast.Call):
                continue
            inner = callee_name(node.func)
            if inner is None or inner == function.name:
                continue
            if inner in _NOT_SENDS or not (send_re.search(inner) or (
                    inner in self.m.facts.functions and self.is_sender(inner, node))):
                continue
            for arg in [*node.args, *(k.value for k in node.keywords)]:
                if any(isinstance(n, ast.Name) and n.id in params for n in ast.walk(arg)):
                    return True
        return False
