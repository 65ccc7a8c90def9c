"""What the engine reports: one ``Finding`` per site, plus per-file facts the codemod needs.

A finding is plain data (no ``ast`` nodes), so it can cross process boundaries, be written
as JSON or SARIF, and be mapped onto libcst nodes by position.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Form(str, Enum):
    """How the event reaches the send call; the codemod and the docs speak in these terms."""

    DICT = "dict-literal"            # {"type": "response.create", ...}
    DICT_CALL = "dict-call"          # dict(type="response.create", ...)
    CONSTANT = "constant"            # {"type": RESPONSE_CREATE} / SendEvents.RESPONSE_CREATE
    EVENT_CONSTANT = "event-constant"  # RESPONSE_CREATE_EVENT: a whole event, known by name
    JSON_DUMPS = "json-dumps"        # json.dumps({...})
    JSON_TEXT = "json-text"          # '{"type": "response.create"}'
    VARIABLE = "variable"            # evt = {...}; send(evt)
    TYPED_CLASS = "typed-class"      # ResponseCreateEvent(...), ResponseCreateEvent.build(...)
    SDK_METHOD = "sdk-method"        # conn.response.create(...)
    EVENT_NAME = "event-name"        # client.send("response.create", {...})
    FACTORY = "factory"              # a function whose return value is the event
    GATE_CALL = "gate-call"          # RGT002 / RGT003 sites: a call of the gate itself


class NotFixable(str, Enum):
    """Why the codemod leaves a site alone; the value is the sentence users read."""

    NO_SELF = "no `self` in scope (module function, staticmethod or classmethod)"
    VALUE_USED = "the send's value is used (it is not a statement of its own)"
    NOT_AWAITED = "the send is not awaited; routing it through the async gate would change timing"
    NOT_ASYNC = "the enclosing function is not `async def`, so the gate cannot be awaited there"
    EXTRA_KEYS = "the event has keys other than type, response and event_id"
    BUILT_ELSEWHERE = "the event is built elsewhere (a variable); rewrite it by hand"
    EVENT_CONSTANT = "the event is a named constant defined elsewhere; rewrite it by hand"
    FACTORY = "the event comes from a function that builds it; rewrite it by hand"
    EVENT_NAME = "the event is named by a separate argument; rewrite it by hand"
    TYPED_CLASS = "the event is a typed event class; rewrite it by hand"
    JSON_TEXT = "the event is hand-written JSON text with a payload; rewrite it by hand"
    UNKNOWN_KEYS = "the event's keys are not all known (** unpacking)"
    CONVERTED = "the event is converted (`.encode()`, `.model_dump()`, ...) before it is sent"
    SEND_METHOD = "the send method is not one the gate's client adapter calls"
    NOT_A_METHOD = "the send is a plain function call, not a method of a client object"
    EXTRA_ARGS = "the send call has other arguments that the gate would not pass on"
    SDK_ARGS = "the SDK call has arguments other than response= and event_id="
    IN_LAMBDA = "the send is inside a lambda or comprehension"
    GATE_LOOKALIKE = ("the send is inside a function named like a gate (`_trigger_response`); "
                      "add it to gate-functions if it is one, else route its callers")
    HANDED_OFF = "the send function is handed to a thread, executor or callback with the event"
    NOT_GATE_CALL = "not a send"  # RGT002/RGT003 are never fixed by the codemod


@dataclass(frozen=True)
class Span:
    """1-based lines, 0-based columns in characters (what editors and libcst use)."""

    line: int
    col: int
    end_line: int
    end_col: int


@dataclass(frozen=True)
class Finding:
    """One reported site. Columns are characters, not the UTF-8 byte offsets ``ast`` uses."""

    code: str
    message: str
    span: Span                       # the call expression
    form: Form
    statement: Span                  # the innermost enclosing statement
    function: str | None = None      # innermost enclosing def, or None at module level
    class_name: str | None = None    # innermost enclosing class, or None
    receiver: str | None = None      # source text of the client expression (`self._sess`)
    send_method: str | None = None   # `send_event`, `send`, `create` (SDK), ...
    awaited: bool = False
    fixable: bool = False
    why_not: str | None = None       # NotFixable value when not fixable
    payload: tuple[str, ...] = ()    # event keys other than "type" (when known)
    context: SiteContext | None = None

    @property
    def line(self) -> int:
        return self.span.line

    @property
    def col(self) -> int:
        return self.span.col


@dataclass(frozen=True)
class SiteContext:
    """The surroundings the codemod names reasons after (closest first)."""

    branch_labels: tuple[str, ...] = ()   # "save_lead_info" from `if name == "save_lead_info":`
    branch_subject: str | None = None     # `name` in that comparison (tells a tool dispatcher)
    functions: tuple[str, ...] = ()       # enclosing defs, innermost first
    in_except: bool = False
    class_gate: str = "missing"           # "defined" | "inherited?" | "missing" (see scopes)
    self_name: str | None = None          # the name bound to the instance (`self`)


@dataclass
class FileAnalysis:
    """The engine's answer for one file."""

    findings: list[Finding] = field(default_factory=list)
    gate_reasons: list[str] = field(default_factory=list)  # literal reasons already in use
    skipped_by_prefilter: bool = False
