"""What the engine reports: one ``Finding`` per site, with the fix it decided on, if any.

A finding is plain data (no ``ast`` nodes), so it can cross process boundaries, be written
as JSON or SARIF, and be applied by the codemod by position. The engine decides everything
about a fix (which gate, which arguments, await or not, safe or unsafe); the codemod only
fills in the reason, copies the source text under the spans given here and moves comments.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from ..forms import Form, by_hand

__all__ = [
    "FileAnalysis", "Finding", "Fix", "Form", "GateArg", "NotFixable", "Safety", "SiteContext",
    "Span",
]


class NotFixable(str, Enum):
    """Why the codemod leaves a site alone; the value is the sentence users read."""

    NO_SELF = "no `self` in scope (module function, staticmethod or classmethod)"
    VALUE_USED = "the send's value is used (it is not a statement of its own)"
    NOT_ASYNC = "the enclosing function is not `async def`, so the gate cannot be awaited there"
    EXTRA_KEYS = "the event has keys other than type, response and event_id"
    # Reasons that belong to a send form are written once, in the form catalogue (forms.py).
    BUILT_ELSEWHERE = by_hand(Form.VARIABLE)
    NAMED_EXPR = "the event is also bound with `:=`; rewrite it by hand"
    EVENT_CONSTANT = by_hand(Form.EVENT_CONSTANT)
    FACTORY = by_hand(Form.FACTORY)
    EVENT_NAME = by_hand(Form.EVENT_NAME)
    TYPED_CLASS = by_hand(Form.TYPED_CLASS)
    JSON_TEXT = "the event is hand-written JSON text with a payload; rewrite it by hand"
    UNKNOWN_KEYS = "the event's keys are not all known (** unpacking)"
    CONVERTED = "the event is converted (`.encode()`, `.model_dump()`, ...) before it is sent"
    NOT_A_METHOD = "the send is a plain function call, not a method of a client object"
    EXTRA_ARGS = "the send call has other arguments that the gate would not pass on"
    SDK_ARGS = "the SDK call has arguments other than response= and event_id="
    IN_LAMBDA = "the send is inside a lambda or comprehension"
    GATE_LOOKALIKE = ("the send is inside a function named like a gate that gate-functions "
                      "does not name (add it if it is a gate, else route its callers)")
    #                   + the function (set by the engine)
    HANDED_OFF = "the send function is handed to a thread, executor or callback with the event"
    NO_GATE = ("no gate in reach: no gate method on the class or its bases and no module-level "
               "or imported gate function; define one, name yours in gate-functions, or (in a "
               "class) use --add-mixin")
    HIDDEN_BASE = ("the class may inherit a gate from a base class respgate cannot read; "
                   "use --add-mixin, or define or import the gate where respgate can see it")
    GATE_SHADOWED = ("the gate's name is rebound where this site would call it (an "
                     "assignment or an import), so respgate cannot read what it calls")
    #                  + where (set by the engine)
    GATE_SHAPE = "the gate's signature cannot be read"          # + details (set by the engine)
    GATE_PAYLOAD = "the gate does not take the response payload; it would be lost"
    GATE_CLIENT = "the gate sends with another kind of client"  # + details
    GATE_REQUIRED = "the gate requires an argument this site cannot supply"  # + details
    NOT_GATE_CALL = "not a send"  # RGT002/RGT003 are never fixed by the codemod


class Safety(str, Enum):
    """Like ruff: safe fixes apply by default, unsafe ones only with ``--unsafe-fixes``."""

    SAFE = "safe"
    UNSAFE = "unsafe"


@dataclass(frozen=True)
class Span:
    """1-based lines, 0-based columns in characters (what editors and libcst use)."""

    line: int
    col: int
    end_line: int
    end_col: int

    def contains(self, other: Span) -> bool:
        return (self.line, self.col) <= (other.line, other.col) and (
            (other.end_line, other.end_col) <= (self.end_line, self.end_col))


@dataclass(frozen=True)
class GateArg:
    """One argument of the gate call a fix writes.

    Exactly one of: the reason (``reason=True``, the codemod names it), the source text under
    ``span`` (the client, a payload value: comments inside travel with it), or ``text``.
    """

    keyword: str | None = None
    reason: bool = False
    span: Span | None = None
    text: str | None = None


@dataclass(frozen=True)
class Fix:
    """The call that replaces the send: ``[await ]<callee>(<args>)``."""

    callee: str                     # "self.trigger_response", "trigger_response"
    awaited: bool
    args: tuple[GateArg, ...]
    safety: Safety = Safety.SAFE
    note: str | None = None         # why unsafe (shown by check and fix)
    add_mixin_to: str | None = None  # --add-mixin: the class that gets GatedResponseMixin


@dataclass(frozen=True)
class SiteContext:
    """The surroundings the codemod names reasons after (closest first)."""

    branch_labels: tuple[str, ...] = ()   # "save_lead_info" from `if name == "save_lead_info":`
    branch_subject: str | None = None     # `name` in that comparison (tells a tool dispatcher)
    functions: tuple[str, ...] = ()       # enclosing defs, innermost first
    in_except: bool = False


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
    event: Span | None = None        # the event expression (RGT001), when there is one
    fix: Fix | None = None           # what `respgate fix` writes, decided by the engine
    why_not: str | None = None       # why there is no fix (a NotFixable value, maybe detailed)
    context: SiteContext | None = None

    @property
    def line(self) -> int:
        return self.span.line

    @property
    def col(self) -> int:
        return self.span.col

    @property
    def fixable(self) -> bool:
        """A fix exists (safe or unsafe)."""
        return self.fix is not None

    @property
    def safe_fix(self) -> bool:
        return self.fix is not None and self.fix.safety is Safety.SAFE

    def fix_summary(self) -> str:
        """One phrase for reports: what `respgate fix` will do with this site."""
        if self.fix is None:
            return f"not auto-fixable: {self.why_not or 'rewrite by hand'}"
        if self.fix.safety is Safety.UNSAFE:
            return f"unsafe fix (respgate fix --unsafe-fixes): {self.fix.note}"
        return "fixable: respgate fix rewrites this call"


@dataclass
class FileAnalysis:
    """The engine's answer for one file."""

    findings: list[Finding] = field(default_factory=list)
    gate_reasons: list[str] = field(default_factory=list)  # literal reasons already in use
    notes: list[tuple[int, str]] = field(default_factory=list)  # (line, text) for --verbose
    skipped_by_prefilter: bool = False
