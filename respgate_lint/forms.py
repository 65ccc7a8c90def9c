"""The catalogue of send forms: how a ``response.create`` event reaches a send call.

Pure data, the single place a form is named and described: the engine tags each finding
with a ``Form``, ``respgate explain RGT001`` and docs/rules.md list ``FORM_DOCS``, and a
test checks that every ``Form`` has a row here and an eval case under tests/engine/eval.
Adding a form: see CONTRIBUTING.md ("Adding a send form").
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

__all__ = ["FORM_DOCS", "Form", "FormDoc"]


class Form(str, Enum):
    """How the event reaches the send call; the codemod and the docs speak in these terms."""

    DICT = "dict-literal"
    DICT_CALL = "dict-call"
    CONSTANT = "constant"
    EVENT_CONSTANT = "event-constant"
    JSON_DUMPS = "json-dumps"
    JSON_TEXT = "json-text"
    VARIABLE = "variable"
    TYPED_CLASS = "typed-class"
    SDK_METHOD = "sdk-method"
    EVENT_NAME = "event-name"
    FACTORY = "factory"
    GATE_CALL = "gate-call"


@dataclass(frozen=True)
class FormDoc:
    """One line of ``respgate explain RGT001``: what the form is and a synthetic example."""

    form: Form
    what: str
    example: str


FORM_DOCS: tuple[FormDoc, ...] = (
    FormDoc(Form.DICT, "dict literal, any quotes, extra keys, multi-line",
            'await client.send_event({"type": "response.create", "response": {...}})'),
    FormDoc(Form.DICT_CALL, "dict() call, also merging a dict",
            'client.send_event(dict(type="response.create"))'),
    FormDoc(Form.CONSTANT, "the type as a named constant or enum member, even imported",
            '{"type": RESPONSE_CREATE}, {"type": Events.RESPONSE_CREATE.value}'),
    FormDoc(Form.EVENT_CONSTANT, "a whole event known by conventional name, even imported "
            "(unless this module assigns the name something else)",
            "await ws.send(json.dumps(RESPONSE_CREATE_EVENT))"),
    FormDoc(Form.JSON_DUMPS, "JSON text made with json.dumps (send, send_str, send_text)",
            'await ws.send(json.dumps({"type": "response.create"}))'),
    FormDoc(Form.JSON_TEXT, "hand-written JSON text",
            """await ws.send('{"type": "response.create"}')"""),
    FormDoc(Form.VARIABLE, "a variable that still holds the event when it is sent",
            'evt = {"type": "response.create"}; ...; await client.send_event(evt)'),
    FormDoc(Form.TYPED_CLASS, "a typed event class and its factory classmethods",
            "await client.send(ResponseCreateEvent(response=...))"),
    FormDoc(Form.SDK_METHOD, "the openai SDK's resource method",
            "await conn.response.create(response={...})"),
    FormDoc(Form.EVENT_NAME, "the event type as a separate argument or keyword of the send",
            'await client.send("response.create", {...})'),
    FormDoc(Form.FACTORY, "a function that builds and returns the event",
            "await client.send_event(self._make_create())"),
    FormDoc(Form.GATE_CALL, "a call of the gate itself (RGT002, RGT003)",
            'await self.trigger_response("TOOL_DONE", self.client)'),
)
