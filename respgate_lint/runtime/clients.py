"""Send adapters: the gate sends through whatever object the app already uses.

A method's *name* is not enough evidence: a ``send(event)`` wrapper that
``json.dumps`` its argument gets double-encoded JSON if handed text, and an app
class whose ``send_text(text)`` posts a user chat message would speak the event
to the model. So the path is chosen, once per client class, from evidence:

1. an explicit ``ClientAdapter`` (or a class registered with ``register_send_path``);
2. a known client type, recognised by its module without importing it: the
   openai SDK realtime connection (``send(dict)``), ``websockets`` (``send(str)``),
   aiohttp (``send_str``), starlette/FastAPI (``send_text``);
3. the methods' signatures: ``send_event(event)`` takes the event dict (the
   Realtime convention; unless annotated otherwise), the openai-SDK-shaped
   ``response.create(response=..., event_id=...)``, ``send_json(data)``,
   ``send_text``/``send_str`` only next to their websocket counterpart
   (``receive_text``/``receive_str``), and ``send(x)`` only when its annotation
   says ``str``/``bytes`` (JSON text) or a mapping (the dict).

Anything else raises ``NoSendPathError`` naming what was found and how to fix
it, rather than guessing. Sync and async methods both work.
"""

from __future__ import annotations

import inspect
import json
import re
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

Sender = Callable[[Any, dict[str, Any]], Any]


class NoSendPathError(TypeError):
    """The client offers no send path the gate can use without guessing."""


@dataclass(frozen=True, slots=True)
class SendPath:
    """How events reach the wire through one client class."""

    name: str  # send_event, response.create, send_json, send_str, send_text, send, ...
    send: Sender  # send(client, event) -> maybe awaitable
    evidence: str  # why this path (for diagnostics)


class ClientAdapter:
    """An explicit send path for a client the gate cannot read on its own.

    ``ClientAdapter(my_conn.push)`` sends the event dict; ``text=True`` sends
    compact JSON text instead. Pass the adapter wherever a client is expected.
    """

    __slots__ = ("fn", "text")

    def __init__(self, send: Callable[[Any], Any], *, text: bool = False) -> None:
        if not callable(send):
            raise TypeError("ClientAdapter needs a callable")
        self.fn = send
        self.text = text

    def __repr__(self) -> str:
        return f"ClientAdapter({self.fn!r}, text={self.text})"


_REGISTERED: dict[type, tuple[str, bool]] = {}
_CACHE: dict[type, SendPath] = {}
_TEXT_NAMES = frozenset({"str", "bytes", "bytearray", "memoryview", "Data", "Text", "AnyStr"})
_DICT_NAMES = frozenset({"dict", "Dict", "Mapping", "MutableMapping", "JSON", "Json",
                         "JsonDict", "TypedDict"})
_ANY_NAMES = frozenset({"Any", "object"})
# Unannotated parameters: names that say what they carry (websockets' send(message)).
_TEXT_PARAMS = frozenset({"message", "msg", "text", "raw", "frame", "json_text", "data_str"})
_DICT_PARAMS = frozenset({"event", "evt", "ev", "event_dict", "payload", "obj"})


def register_send_path(cls: type, method: str, *, text: bool) -> None:
    """Declare how instances of ``cls`` send: ``method(event_dict)`` or ``method(json_text)``."""
    _REGISTERED[cls] = (method, text)
    _CACHE.clear()
    _CACHE[ClientAdapter] = _ADAPTER_PATH


def _json_text(event: dict[str, Any]) -> str:
    return json.dumps(event, separators=(",", ":"), ensure_ascii=False)


def _dict_path(method: str, name: str, evidence: str) -> SendPath:
    return SendPath(name, lambda c, ev: getattr(c, method)(ev), evidence)


def _text_path(method: str, name: str, evidence: str) -> SendPath:
    return SendPath(name, lambda c, ev: getattr(c, method)(_json_text(ev)), evidence)


def _sdk_send(client: Any, event: dict[str, Any]) -> Any:
    resource = client.response
    kind = event.get("type")
    if kind == "response.create":
        return resource.create(response=event.get("response"), event_id=event.get("event_id"))
    if kind == "response.cancel" and callable(getattr(resource, "cancel", None)):
        return resource.cancel(response_id=event.get("response_id"),
                               event_id=event.get("event_id"))
    raise NoSendPathError(f"{type(client).__name__}.response has no method for {kind!r}")


def _adapter_send(adapter: ClientAdapter, event: dict[str, Any]) -> Any:
    return adapter.fn(_json_text(event) if adapter.text else event)


_ADAPTER_PATH = SendPath("adapter", _adapter_send, "explicit ClientAdapter")
_CACHE[ClientAdapter] = _ADAPTER_PATH


# ------------------------------------------------------------ annotations
def _split_top(text: str, sep: str) -> list[str]:
    """Split on ``sep`` outside brackets (``dict[str, Any] | None`` -> 2 parts)."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
        elif ch == sep and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


def _classify_name(text: str) -> str:
    """Classify a string annotation (``from __future__ import annotations``)."""
    parts = _split_top(text, "|")
    if len(parts) > 1:
        return _combine({_classify_name(p) for p in parts} - {"none"})
    match = re.match(r"^(?:typing\.)?(Optional|Union)\[(.*)\]$", text.strip())
    if match:
        return _combine({_classify_name(p) for p in _split_top(match.group(2), ",")} - {"none"})
    base = re.match(r"\s*([\w.]+)", text)
    if base is None:
        return "other"
    name = base.group(1).split(".")[-1]
    if name in ("None", "NoneType"):
        return "none"
    if name in _TEXT_NAMES:
        return "text"
    if name in _DICT_NAMES or name.endswith("Param"):
        return "dict"
    return "any" if name in _ANY_NAMES else "other"


def _combine(kinds: set[str]) -> str:
    if not kinds:
        return "none"
    if len(kinds) == 1:
        return kinds.pop()
    return "any" if "any" in kinds else "mixed"


def _classify(ann: Any) -> str:
    """``text`` / ``dict`` / ``any`` / ``none`` (unannotated) / ``other`` / ``mixed``."""
    if ann is inspect.Parameter.empty:
        return "none"
    if isinstance(ann, str):
        return _classify_name(ann)
    if ann is Any or ann is object:
        return "any"
    origin = typing.get_origin(ann)
    if origin is typing.Union or origin is types.UnionType:
        return _combine({_classify(a) for a in typing.get_args(ann) if a is not type(None)})
    base = origin or ann
    if base in (str, bytes, bytearray, memoryview):
        return "text"
    if isinstance(base, type) and (issubclass(base, Mapping) or typing.is_typeddict(base)):
        return "dict"
    return "other"


def _first_param(fn: Callable[..., Any]) -> tuple[str, str]:
    """``(kind, name)`` of the first positional parameter; an unannotated one is
    classified by its name when that name is unambiguous (``message`` -> text,
    ``event`` -> dict), else ``none``."""
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return "none", ""
    for param in sig.parameters.values():
        if param.kind in (param.POSITIONAL_ONLY, param.POSITIONAL_OR_KEYWORD):
            kind = _classify(param.annotation)
            if kind == "none":
                if param.name in _TEXT_PARAMS:
                    kind = "text"
                elif param.name in _DICT_PARAMS:
                    kind = "dict"
            return kind, param.name
        if param.kind is param.VAR_POSITIONAL:
            return "any", param.name
    return "none", ""


def _first_param_kind(fn: Callable[..., Any]) -> str:
    return _first_param(fn)[0]


def _body_evidence(fn: Callable[..., Any], param: str) -> str | None:
    """What the method's own source does with its argument, read statically (once per class).

    ``json.dumps(param)`` -> it takes the dict; ``json.loads(param)`` -> JSON text.
    """
    import ast
    import textwrap

    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
    except (OSError, TypeError, SyntaxError, ValueError):
        return None
    found = set()
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and node.args):
            continue
        first = node.args[0]
        if not (isinstance(first, ast.Name) and first.id == param):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name == "dumps":
            found.add("dict")
        elif name == "loads":
            found.add("text")
    return found.pop() if len(found) == 1 else None


def _takes(fn: Callable[..., Any], *names: str) -> bool:
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False
    if any(p.kind is p.VAR_KEYWORD for p in params.values()):
        return True
    return all(n in params for n in names)


def _method(obj: Any, name: str) -> Callable[..., Any] | None:
    fn = getattr(obj, name, None)
    return fn if callable(fn) else None


# ------------------------------------------------------------- resolution
def _known(cls: type) -> SendPath | None:
    """Clients recognised by their library (looked up by module, never imported)."""
    for klass in cls.__mro__:
        module = klass.__module__ or ""
        top = module.split(".")[0]
        if top == "openai" and "RealtimeConnection" in klass.__name__:
            return _dict_path("send", "send(dict)", f"openai SDK {klass.__name__}")
        if top == "websockets" and hasattr(klass, "send"):
            return _text_path("send", "send", f"websockets {klass.__name__}")
        if top == "aiohttp" and hasattr(klass, "send_str"):
            return _text_path("send_str", "send_str", f"aiohttp {klass.__name__}")
        if top in ("starlette", "fastapi") and hasattr(klass, "send_text"):
            return _text_path("send_text", "send_text", f"starlette {klass.__name__}")
        if top == "agents":
            raise NoSendPathError(
                f"{cls.__name__} (openai-agents) sends typed events, not dicts: pass "
                "ClientAdapter(lambda ev: model.send_event(RealtimeModelSendRawMessage("
                "message={'type': ev['type'], 'other_data': ...})))")
    return None


def _by_evidence(client: Any) -> tuple[SendPath | None, list[str]]:
    rejected: list[str] = []
    fn = _method(client, "send_event")
    if fn is not None:
        kind = _first_param_kind(fn)
        if kind in ("dict", "any", "none"):
            return _dict_path("send_event", "send_event", f"send_event(event: {kind})"), rejected
        if kind == "text":
            return _text_path("send_event", "send_event", "send_event(str)"), rejected
        rejected.append(f"send_event takes {kind} annotated value, not an event dict")
    create = _method(getattr(client, "response", None), "create")
    if create is not None:
        if _takes(create, "response", "event_id"):
            return SendPath("response.create", _sdk_send,
                            "response.create(response=, event_id=)"), rejected
        rejected.append("response.create does not take response= and event_id=")
    fn = _method(client, "send_json")
    if fn is not None:
        if _first_param_kind(fn) != "text":
            return _dict_path("send_json", "send_json", "send_json(data)"), rejected
        rejected.append("send_json is annotated to take text")
    for name, receive in (("send_str", "receive_str"), ("send_text", "receive_text")):
        fn = _method(client, name)
        if fn is None:
            continue
        kind, param = _first_param(fn)
        if kind in ("text", "none") and (_method(client, receive) is not None or param == "data"):
            why = f"{name}/{receive} pair" if param != "data" else f"{name}(data)"
            return _text_path(name, name, f"websocket {why}"), rejected
        if kind in ("text", "none", "any") and _body_evidence(fn, param) == "text":
            return _text_path(name, name, f"{name} json.loads its argument"), rejected
        rejected.append(f"{name}({param}) without {receive}: may send a chat message, not "
                        "a protocol event")
    fn = _method(client, "send")
    if fn is not None:
        kind, param = _first_param(fn)
        if kind in ("none", "any", "mixed"):
            kind = _body_evidence(fn, param) or kind
        if kind == "text":
            return _text_path("send", "send", "send(str)"), rejected
        if kind == "dict":
            return _dict_path("send", "send(dict)", "send(Mapping)"), rejected
        rejected.append(f"send(x) with a {kind} annotation: cannot tell JSON text from a "
                        "dict (annotate it `str` or `dict`)")
    return None, rejected


def resolve_path(client: Any) -> SendPath:
    """The send path for ``client`` (cached per class), or ``NoSendPathError``."""
    cls = type(client)
    path = _CACHE.get(cls)
    if path is not None:
        return path
    if isinstance(client, ClientAdapter):
        return _ADAPTER_PATH
    for klass in cls.__mro__:
        if klass in _REGISTERED:
            method, text = _REGISTERED[klass]
            make = _text_path if text else _dict_path
            path = make(method, method, f"register_send_path({klass.__name__})")
            break
    else:
        path = _known(cls)
        if path is None:
            path, rejected = _by_evidence(client)
            if path is None:
                found = "; ".join(rejected) or "no send method at all"
                raise NoSendPathError(
                    f"cannot send through {cls.__name__}: {found}. Pass "
                    "ClientAdapter(fn) (or ClientAdapter(fn, text=True)), or call "
                    "register_send_path(cls, 'method', text=...)")
    if _cacheable(cls, path):
        _CACHE[cls] = path
    return path


def _cacheable(cls: type, path: SendPath) -> bool:
    """Only paths read from the class (not from one instance's attributes)."""
    method = path.name.split("(")[0].split(".")[0]
    if method == "response":
        return True
    return callable(getattr(cls, method, None))


def resolve_sender(client: Any) -> tuple[str, Callable[[dict[str, Any]], Any]]:
    """Return ``(path_name, send)`` where ``send(event)`` may return an awaitable."""
    path = resolve_path(client)
    return path.name, lambda event: path.send(client, event)


async def send_via(client: Any, event: dict[str, Any]) -> str:
    """Send ``event`` through ``client``; return the path used (for logs)."""
    path = _CACHE.get(type(client)) or resolve_path(client)
    result = path.send(client, event)
    if result is not None and inspect.isawaitable(result):
        await result
    return path.name


def describe_path(client: Any) -> str:
    """Name of the send path ``client`` resolves to (diagnostics, docs, tests)."""
    return resolve_path(client).name

