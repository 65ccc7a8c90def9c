"""What the engine's event recognition produces: matches of events and of sends, and the
vocabulary shared by ``events.py`` (the matcher) and ``calls.py`` (events that are a call's
result). Plain data and constants, so neither of those modules has to import the other's
internals.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from .apis import REALTIME
from .findings import Form

__all__ = [
    "DICT",
    "HAND_OFF_CALLS",
    "JSON",
    "OBJECT",
    "PASS_FIRST_ARG",
    "PASS_LAST_ARG",
    "PASS_METHODS",
    "SDK",
    "UNKNOWN",
    "EventMatch",
    "SendMatch",
    "callee_name",
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
_ENCODING = {Form.DICT: DICT, Form.DICT_CALL: DICT, Form.CONSTANT: DICT, Form.FOLDED: DICT,
             Form.JSON_DUMPS: JSON, Form.JSON_TEXT: JSON, Form.SDK_METHOD: SDK,
             Form.TYPED_CLASS: OBJECT}


@dataclass(frozen=True)
class EventMatch:
    """An expression found to be a response.create event (or a collection holding one)."""

    form: Form
    keys: tuple[str, ...] | None  # every key of the event when known, "type" included
    line: int                      # where the event itself was built
    type_only: bool = False        # the binding holds the type string, not a whole event
    converted: bool = False        # wrapped in .encode()/.model_dump()...: not what the gate sends
    values: tuple[tuple[str, ast.expr], ...] = ()  # key -> value node, where the source has one
    named: bool = False            # bound with `:=` on the way (the binding outlives the send)
    encoding: str = ""             # DICT/JSON/SDK/OBJECT/UNKNOWN; "" -> derived from the form
    collection: bool = False       # a list/tuple/set with the event among its elements
    members: tuple[EventMatch | None, ...] | None = None  # a collection of known length and
    #                                order: each element's event, or None where it is none
    api: str = REALTIME            # which API the event belongs to (apis.py)

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


def callee_name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None
