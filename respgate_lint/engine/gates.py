"""A model of a gate function, read from its definition (never executed).

Every decision that depends on the gate (what ``fix`` writes, whether it may write at all,
RGT002, RGT003) reads this model of the gate a site can really reach, not the reference
runtime's shape: sync or async, which parameter is the reason, the client, ``force``, the
payload; which are required; whether an omitted client falls back to an attribute; and how
the body sends (method, receiver, encoding). ``reach.py`` finds which gate a site reaches.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from ..config import Settings

__all__ = ["REFERENCE_GATE", "GateModel", "Param", "SendStyle", "parameter_names", "read_gate"]

PAYLOAD_PARAMS = ("response", "event_id")
# Parameter names that hold the connection a gate sends with, when the body does not say.
_CLIENT_NAMES = re.compile(
    r"^_?(?:client|ws|websocket|conn|connection|session|sess|socket|transport|realtime|rt|"
    r"openai_ws|openai_client|realtime_client|rt_client|llm_ws|model_ws|oai_ws|ws_client)$")
# `reason`, `trigger_reason`, `reason_code`, `why_reason`; never `reasoning_effort`.
_REASON_NAMES = re.compile(r"(?i)(?:^|_)reasons?(?:_|$)")


@dataclass(frozen=True)
class Param:
    name: str
    kind: str            # "positional_only" | "positional" | "keyword_only"
    required: bool


@dataclass(frozen=True)
class SendStyle:
    """How one send in the gate's body puts the create on the wire."""

    receiver: str                 # source text: "client", "self.ws", "(client or self.client)"
    receiver_param: str | None    # the parameter the receiver is, directly or through `or`
    method: str                   # "send_event", "send", "create" (SDK)
    wire: str                     # events.DICT / JSON / SDK / OBJECT / UNKNOWN


@dataclass
class GateModel:
    """One gate definition. ``sends`` is filled by the detector's walk of the body."""

    name: str
    line: int
    is_async: bool
    is_method: bool
    params: tuple[Param, ...]           # without the instance parameter
    var_keyword: bool = False
    reason_param: str | None = None
    client_param: str | None = None
    client_fallback: str | None = None  # `client = client or self.client` -> "self.client"
    path: str | None = None             # the file it was read from, when not the site's own
    #                                     (set by the index of another module: reach.py)
    reference: bool = False             # respgate_lint.runtime's gate: sends with any client
    sends: list[SendStyle] = field(default_factory=list)
    aliases: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    #   local name -> (parameter, fallback): `_client = client or self.realtime_client`

    def param(self, name: str | None) -> Param | None:
        return next((p for p in self.params if p.name == name), None)

    def accepts(self, name: str) -> bool:
        """Whether ``name=`` may be passed: an explicit parameter that is not positional-only."""
        param = self.param(name)
        return param is not None and param.kind != "positional_only"

    @property
    def readable(self) -> bool:
        """The reason parameter is known; without it neither RGT003 nor a fix can be decided."""
        return self.reason_param is not None

    def describe(self) -> str:
        where = f" ({self.path}:{self.line})" if self.path else f" (line {self.line})"
        kind = "async " if self.is_async else ""
        return f"{kind}{'method' if self.is_method else 'function'} `{self.name}`{where}"


def read_gate(node: ast.FunctionDef | ast.AsyncFunctionDef, settings: Settings, *,
              is_method: bool) -> GateModel:
    """The signature part of the model (``sends`` is added while the body is walked)."""
    args = node.args
    positional = [(a, "positional_only") for a in args.posonlyargs]
    positional += [(a, "positional") for a in args.args]
    decorators = {_decorator_name(d) for d in node.decorator_list}
    if is_method and positional and "staticmethod" not in decorators:
        positional = positional[1:]  # the instance (or class) parameter
    # Defaults belong to the last positional parameters (instance parameter included).
    all_positional = args.posonlyargs + args.args
    first_default = len(all_positional) - len(args.defaults)
    index = {id(a): i for i, a in enumerate(all_positional)}
    params = [Param(a.arg, kind, index[id(a)] < first_default) for a, kind in positional]
    params += [Param(a.arg, "keyword_only", d is None)
               for a, d in zip(args.kwonlyargs, args.kw_defaults)]
    model = GateModel(
        name=node.name, line=node.lineno, is_async=isinstance(node, ast.AsyncFunctionDef),
        is_method=is_method, params=tuple(params), var_keyword=args.kwarg is not None,
    )
    names = [p.name for p in params]
    model.reason_param = _pick(names, settings.gate_reason_param,
                               [n for n in names if n == "reason"]
                               + [n for n in names if _REASON_NAMES.search(n)])
    model.client_param = _pick(names, settings.gate_client_param,
                               [n for n in names if _CLIENT_NAMES.match(n)])
    if model.client_param is not None:
        model.client_fallback = _client_fallback(node, model.client_param)
    model.aliases = _parameter_aliases(node, set(names))
    return model


def parameter_names(arguments: ast.arguments) -> Iterator[str]:
    """Every parameter a def or lambda takes, ``*args`` and ``**kwargs`` included."""
    for arg in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs,
                arguments.vararg, arguments.kwarg):
        if arg is not None:
            yield arg.arg


def add_send(model: GateModel, receiver: ast.expr | None, method: str, wire: str) -> None:
    """Record one send found in the gate's body; a parameter receiver may be named directly,
    through ``client or self.client`` or through a local rebound from it."""
    if receiver is None:
        model.sends.append(SendStyle("", None, method, wire))
        return
    text = ast.unparse(receiver)
    param = None
    candidates = [receiver]
    if isinstance(receiver, ast.BoolOp):
        candidates = list(receiver.values)
        if model.client_fallback is None and model.client_param is not None and len(
                receiver.values) == 2 and _is_name(receiver.values[0], model.client_param):
            model.client_fallback = ast.unparse(receiver.values[1])
    for value in candidates:
        if isinstance(value, ast.Name) and value.id in model.aliases:
            param, fallback = model.aliases[value.id]
            if param == model.client_param and model.client_fallback is None:
                model.client_fallback = fallback
            break
        if isinstance(value, ast.Name) and model.param(value.id) is not None:
            param = value.id
            break
    if param is not None and model.client_param is None and param != model.reason_param:
        model.client_param = param  # the body says which parameter is the connection
    model.sends.append(SendStyle(text, param, method, wire))


def _pick(names: list[str], configured: str | None, guesses: list[str]) -> str | None:
    if configured:
        return configured if configured in names else None
    return guesses[0] if guesses else None


def _decorator_name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _is_name(node: ast.expr, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name


def _client_fallback(node: ast.FunctionDef | ast.AsyncFunctionDef, client: str) -> str | None:
    """What the gate uses when no client is passed: ``client = client or self.client``,
    ``if client is None: client = self.client``, ``client = client if client else X``."""
    for stmt in ast.walk(node):
        if isinstance(stmt, ast.Assign) and any(_is_name(t, client) for t in stmt.targets):
            value = stmt.value
            if isinstance(value, ast.BoolOp) and isinstance(value.op, ast.Or) and len(
                    value.values) == 2 and _is_name(value.values[0], client):
                return ast.unparse(value.values[1])
            if isinstance(value, ast.IfExp) and _mentions(value.test, client):
                other = value.orelse if _is_name(value.body, client) else value.body
                return ast.unparse(other)
        if isinstance(stmt, ast.If) and _tests_none(stmt.test, client):
            for inner in stmt.body:
                if isinstance(inner, ast.Assign) and any(_is_name(t, client) for t in inner.targets):
                    return ast.unparse(inner.value)
    return None


def _parameter_aliases(node: ast.FunctionDef | ast.AsyncFunctionDef,
                       params: set[str]) -> dict[str, tuple[str, str | None]]:
    """Locals that stand for a parameter: ``_client = client or self.realtime_client``,
    ``ws = client``, ``conn = client if client else self.conn``."""
    found: dict[str, tuple[str, str | None]] = {}
    for stmt in ast.walk(node):
        if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1
                and isinstance(stmt.targets[0], ast.Name)):
            continue
        alias, value = stmt.targets[0].id, stmt.value
        if alias in params:
            continue
        if isinstance(value, ast.Name) and value.id in params:
            found[alias] = (value.id, None)
        elif (isinstance(value, ast.BoolOp) and isinstance(value.op, ast.Or)
              and len(value.values) == 2 and isinstance(value.values[0], ast.Name)
              and value.values[0].id in params):
            found[alias] = (value.values[0].id, ast.unparse(value.values[1]))
        elif isinstance(value, ast.IfExp):
            for branch, other in ((value.body, value.orelse), (value.orelse, value.body)):
                if isinstance(branch, ast.Name) and branch.id in params and _mentions(
                        value.test, branch.id):
                    found[alias] = (branch.id, ast.unparse(other))
                    break
    return found


def _mentions(node: ast.expr, name: str) -> bool:
    return any(_is_name(n, name) for n in ast.walk(node) if isinstance(n, ast.Name))


def _tests_none(test: ast.expr, name: str) -> bool:
    """``client is None``, ``not client``."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return _is_name(test.operand, name)
    return (isinstance(test, ast.Compare) and _is_name(test.left, name) and len(test.ops) == 1
            and isinstance(test.ops[0], (ast.Is, ast.Eq))
            and isinstance(test.comparators[0], ast.Constant) and test.comparators[0].value is None)


# respgate_lint.runtime.GatedResponseMixin.trigger_response: its send adapter takes the
# kinds of client below (a dict to send_event/send_json/send, JSON text to send/send_str/
# send_text, the openai SDK's connection).
REFERENCE_GATE = GateModel(
    name="trigger_response", line=0, is_async=True, is_method=True,
    params=(Param("reason", "positional", True), Param("client", "positional", True),
            Param("force", "keyword_only", False), Param("is_greeting", "keyword_only", False),
            Param("response", "keyword_only", False), Param("event_id", "keyword_only", False)),
    reason_param="reason", client_param="client",
    path="respgate_lint.runtime", reference=True,
    sends=[SendStyle("client", "client", method, wire) for method, wire in (
        ("send_event", "dict"), ("send_json", "dict"), ("send", "dict"), ("send", "json"),
        ("send_str", "json"), ("send_text", "json"), ("create", "sdk"))],
)
