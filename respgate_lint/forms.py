"""The catalogue of send forms: how a ``response.create`` event reaches a send call.

Pure data, the single place a form is named, described and judged rewritable: the engine
tags each finding with a ``Form``, the fix planner (``engine/fixes.py``) reads ``by_hand``,
``respgate explain RGT001`` and docs/rules.md list ``FORM_DOCS``, and tests check that every
``Form`` has a row here and an expected finding in tests/engine/eval.
Adding a form: see CONTRIBUTING.md ("Adding a send form").
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

__all__ = ["FORM_DOCS", "Form", "FormDoc", "by_hand"]


class Form(str, Enum):
    """How the event reaches the send call; the codemod and the docs speak in these terms."""

    DICT = "dict-literal"
    DICT_CALL = "dict-call"
    CONSTANT = "constant"
    FOLDED = "folded-constant"
    EVENT_CONSTANT = "event-constant"
    JSON_DUMPS = "json-dumps"
    JSON_TEXT = "json-text"
    VARIABLE = "variable"
    COLLECTED = "collected"
    TYPED_CLASS = "typed-class"
    WRAPPER = "wrapper"
    HELPER = "helper-call"
    TYPE_ARGUMENT = "type-argument"
    SDK_METHOD = "sdk-method"
    EVENT_NAME = "event-name"
    FACTORY = "factory"
    GATE_CALL = "gate-call"


@dataclass(frozen=True)
class FormDoc:
    """One line of ``respgate explain RGT001``: what the form is, a synthetic example, and
    (``by_hand``) why the codemod cannot carry its payload over, or None when it can."""

    form: Form
    what: str
    example: str
    by_hand: str | None = None


FORM_DOCS: tuple[FormDoc, ...] = (
    FormDoc(Form.DICT, "dict literal, any quotes, extra keys, multi-line",
            'await client.send_event({"type": "response.create", "response": {...}})'),
    FormDoc(Form.DICT_CALL, "dict() call, also merging a dict (`dict(base, ...)`, `base | {...}`)",
            'client.send_event(dict(type="response.create"))'),
    FormDoc(Form.CONSTANT, "the type as a named constant or enum member, even imported "
            "(any case: `EventType.response_create`)",
            '{"type": RESPONSE_CREATE}, {"type": Events.RESPONSE_CREATE.value}'),
    FormDoc(Form.FOLDED, "the type spelled from string constants the module assigns once "
            "(f-string or +)",
            '{"type": f"{RESPONSE}.{CREATE}"}, {"type": RESPONSE + "." + CREATE}'),
    FormDoc(Form.EVENT_CONSTANT, "a whole event known by conventional name, even imported "
            "(unless this module assigns the name something else), or a class attribute",
            "await ws.send(json.dumps(RESPONSE_CREATE_EVENT)); json.dumps(Msg.CREATE)",
            "the event is a named constant defined elsewhere; rewrite it by hand"),
    FormDoc(Form.JSON_DUMPS, "JSON text made with json.dumps (send, send_str, send_text)",
            'await ws.send(json.dumps({"type": "response.create"}))'),
    FormDoc(Form.JSON_TEXT, "hand-written JSON text",
            """await ws.send('{"type": "response.create"}')"""),
    FormDoc(Form.VARIABLE, "a variable that still holds the event when it is sent, one "
            "named for it (`response_create_event`), an instance attribute that every "
            "assignment in the module sets to an event (`self._create`, set in `__init__`), "
            "or a received frame in a branch that found its type to be the event's (a relay: "
            "`if msg[\"type\"] == \"response.create\": ... send(msg)`)",
            'evt = {"type": "response.create"}; ...; await client.send_event(evt)',
            "the event is built elsewhere (a variable); rewrite it by hand"),
    FormDoc(Form.COLLECTED, "events collected in a list or tuple (or returned together by "
            "a function: `item, create = build_turn()`), then sent together, in a loop, or "
            "unpacked (only the place the event is in, when it is known)",
            'events.append(dict(type="response.create")); await send(*events)',
            "the event is collected with others before it is sent; rewrite it by hand"),
    FormDoc(Form.TYPED_CLASS, "a typed event class (a name with the word ResponseCreate, "
            "prefixed ones in modules that name the Realtime API or OpenAI; module-qualified, "
            "imported under an alias, or a class of this module whose `type` is the event), "
            "its factory classmethods, builders and serialisers",
            "await ws.send(ConversationResponseCreateEvent().with_instructions(t).model_dump_json())",
            "the event is a typed event class; rewrite it by hand"),
    FormDoc(Form.WRAPPER, "the event as an argument (keyword, among others, nested, `**`) of "
            "a wrapper object or call whose result is sent",
            'await model.send_event(RawMessage(message={"type": "response.create"}))',
            "the event is wrapped in another object or call; rewrite it by hand"),
    FormDoc(Form.HELPER, "the event passed through one helper call on its way to the send "
            "(`typing.cast` around it too)",
            'await conn.send(cast(Any, strip_not_given({"type": "response.create"})))',
            "the event passes through a helper call before it is sent; rewrite it by hand"),
    FormDoc(Form.TYPE_ARGUMENT, "a call given the event type in any argument: a multi-type "
            "factory or generic event class (other types are not sends; a type that is not a "
            "constant counts only in a branch selected by response.create)",
            "await self.send(Event(service_type=Events.RESPONSE_CREATE))",
            "the event is built by a call given its type; rewrite it by hand"),
    FormDoc(Form.SDK_METHOD, "the openai SDK's resource method (only response=, event_id=, "
            "instructions arguments: `db.response.create(call_id=...)` is not one), or a "
            "realtime SDK's `create_response()`",
            "await conn.response.create(response={...})"),
    FormDoc(Form.EVENT_NAME, "the event type as a separate argument or keyword of the send",
            'await client.send("response.create", {...})',
            "the event is named by a separate argument; rewrite it by hand"),
    FormDoc(Form.FACTORY, "a function that builds and returns the event (also through a "
            "local variable), or is named for it (`messages.response_create(...)`)",
            "await client.send_event(self._make_create())",
            "the event comes from a function that builds it; rewrite it by hand"),
    FormDoc(Form.GATE_CALL, "a call of the gate itself (RGT002, RGT003)",
            'await self.trigger_response("TOOL_DONE", self.client)'),
)

_BY_HAND = {doc.form: doc.by_hand for doc in FORM_DOCS}


def by_hand(form: Form) -> str | None:
    """Why a send of this form is not rewritten automatically (None: its shape allows it)."""
    return _BY_HAND.get(form)
