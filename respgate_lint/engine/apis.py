"""Which API a ``response.create`` belongs to: the Realtime API, or the Responses API's
websocket mode (``/v1/responses``), which uses the same event name for another thing.

The Responses API's ``response.create`` is a whole request (``model``, ``input``,
``previous_response_id`` at the top level); the Realtime event never carries those keys
(its options sit under ``response``). A module that connects to ``/v1/responses`` (by URL,
or through the SDK's ``client.responses.connect()``) and never mentions the Realtime API talks
to the Responses API only, whatever its events look like.
Such sends are reported only when the ``apis`` setting lists ``responses-ws``.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable

__all__ = ["REALTIME", "RESPONSES_WS", "event_api", "talks_only_to_responses_ws"]

REALTIME = "realtime"
RESPONSES_WS = "responses-ws"

_RESPONSES_KEYS = frozenset({"model", "input", "previous_response_id"})
_RESPONSES_URL = re.compile(r"/v1/responses\b|wss?://[^\s'\"]*/responses\b")
_RESPONSES_CONNECT = re.compile(r"\.responses\s*\.\s*connect\s*\(")   # the SDK's websocket
_REALTIME = re.compile(r"realtime", re.IGNORECASE)


def event_api(keys: Iterable[str], default: str = REALTIME) -> str:
    """The API an event with these top-level keys is for."""
    return RESPONSES_WS if _RESPONSES_KEYS.intersection(keys) else default


def talks_only_to_responses_ws(source: str, tree: ast.Module) -> bool:
    """True when the module names a ``/v1/responses`` websocket (its URL, or the SDK's
    ``.responses.connect(``) and nothing of the Realtime API (no string, name or import with
    "realtime"; comments and docstrings, which may say "not Realtime", do not count)."""
    if "responses" not in source or not (_RESPONSES_URL.search(source)
                                         or _RESPONSES_CONNECT.search(source)):
        return False
    if not _REALTIME.search(source):
        return True
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef,
                                       ast.AsyncFunctionDef))
                  and node.body and isinstance(node.body[0], ast.Expr)
                  and isinstance(node.body[0].value, ast.Constant)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value if id(node) not in docstrings else ""
        elif isinstance(node, ast.Name):
            text = node.id
        elif isinstance(node, ast.Attribute):
            text = node.attr
        elif isinstance(node, ast.alias):
            text = node.name
        elif isinstance(node, ast.ImportFrom):
            text = node.module or ""
        else:
            continue
        if _REALTIME.search(text):
            return False
    return True
