"""Text to reason words: UPPER_SNAKE, ASCII, short. Shared by ``evidence`` and ``reasons``.

Every name part a reason is built from (a label, an error code, a condition, an exception
class) goes through here, so the same text always gives the same words.
"""

from __future__ import annotations

import ast
import re
import unicodedata

__all__ = ["GENERIC_EXCEPTIONS", "GENERIC_WORDS", "TOOL_SUBJECT", "code_words",
           "free_text_words", "function_base",
           "predicate_words", "to_upper_snake", "words_of_identifier"]

GENERIC_EXCEPTIONS = frozenset({"Exception", "BaseException", "Error"})
# Branch subjects that hold a tool / function name (`name`, `tool_call.function.name`, ...).
TOOL_SUBJECT = re.compile(
    r"""(?ix)(?:^|[.\[\s'"(])(?:name|function_name|func_name|fn_name|tool_name|tool|function|
        tool_call_name|function_call_name|call_name)['"\])]*$""")
GENERIC_PREFIXES = ("handle_", "on_", "do_", "process_", "send_", "maybe_")
GENERIC_FUNCTIONS = frozenset({
    "inner", "wrapper", "wrapped", "callback", "cb", "fn", "func", "run", "task", "helper",
    "go", "main", "impl", "closure", "_", "f", "g", "handler", "handle", "process", "do",
    "send", "on", "worker", "runner", "coro", "job",
})
MAX_CODE_WORDS = 5     # "conversation_already_has_active_response"
MAX_TEXT_WORDS = 4     # free text: "could not reach calendar" from a sentence
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_IDENTIFIER_LIKE = re.compile(r"^[A-Za-z][A-Za-z0-9_.:-]*$")
_STOP = frozenset({"A", "AN", "THE", "IS", "ARE", "WAS", "WERE", "BE", "TO", "OF", "ON", "IN",
                   "AT", "FOR", "WITH", "THIS", "THAT", "AND", "BY", "FROM", "IT", "PLEASE"})
GENERIC_WORDS = frozenset({"SEND", "SENDS", "SENDING", "SENT", "RESPONSE", "RESPONSES", "CREATE",
                           "EVENT", "TRIGGER", "TRIGGERS", "REQUEST", "ASK", "MODEL", "NEW",
                           "NOW", "AI", "GET", "LET", "MAKE", "ANSWER", "REPLY", "SPEAK", "SAY",
                           "USER", "CALLER", "HERE", "THEN", "AGAIN", "JUST"})
_PREDICATE_HEADS = frozenset({"IS", "ARE", "WAS", "WERE", "SHOULD", "CAN", "MUST", "DID", "DOES"})
_HAVE_HEADS = frozenset({"HAS", "HAVE", "HAD"})
_ADJECTIVES = frozenset({"OK", "SUCCESS", "VALID", "READY", "ENABLED", "ACTIVE", "AVAILABLE",
                         "CONNECTED", "ALLOWED", "FREE", "DONE", "OPEN", "ALIVE", "SET"})


def to_upper_snake(text: str) -> str:
    """``"save-lead Info"`` -> ``SAVE_LEAD_INFO``; non-ASCII transliterated or dropped."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    ascii_text = _CAMEL.sub("_", ascii_text)
    words = re.split(r"[^A-Za-z0-9]+", ascii_text)
    name = "_".join(w.upper() for w in words if w)
    return name if re.search(r"[A-Z]", name) else ""


def function_base(name: str) -> str:
    """``_handle_greeting`` -> GREETING; "" for a generic closure name (``inner``)."""
    if name.strip("_").lower() in GENERIC_FUNCTIONS:
        return ""
    bare = name.lstrip("_")
    lowered = bare.lower()
    for prefix in GENERIC_PREFIXES:
        if lowered.startswith(prefix) and len(bare) > len(prefix):
            bare = bare[len(prefix):].lstrip("_")
            break
    return to_upper_snake(bare)


def words_of_identifier(name: str) -> tuple[str, ...]:
    """``_appointment_created_this_session`` -> ("APPOINTMENT", "CREATED", "THIS", "SESSION")."""
    snake = to_upper_snake(name)
    return tuple(w for w in snake.split("_") if w and w != "SELF")


def _latin_only(text: str) -> bool:
    """Free text is used only when it is Latin script (a Hebrew sentence is skipped, not
    turned into the one English word it happens to contain)."""
    for char in unicodedata.normalize("NFKD", text):
        if char.isalpha() and not char.isascii():
            return False
    return True


def free_text_words(text: str) -> tuple[str, ...]:
    if not _latin_only(text):
        return ()
    words = [w for w in to_upper_snake(text).split("_") if w and w not in _STOP]
    words = [w for w in words if not w.isdigit()]
    return tuple(words[:MAX_TEXT_WORDS])


def code_words(node: ast.AST | None, *, free_text: bool) -> tuple[str, ...]:
    """Words of a literal that names an outcome: ``"slot_unavailable"``,
    ``ErrorCode.SLOT_TAKEN``; with ``free_text`` also a short sentence or the literal start of
    an f-string (``f"unknown tool {name}"`` -> UNKNOWN_TOOL). () for runtime values."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        text = node.value.strip()
        if _IDENTIFIER_LIKE.match(text):
            if not _latin_only(text):
                return ()
            return tuple(w for w in to_upper_snake(text).split("_") if w)[:MAX_CODE_WORDS]
        return free_text_words(text) if free_text else ()
    if isinstance(node, ast.Attribute) and node.attr.isupper():
        return words_of_identifier(node.attr)[:MAX_CODE_WORDS]
    if isinstance(node, ast.Name) and node.id.isupper() and len(node.id) > 1:
        return words_of_identifier(node.id)[:MAX_CODE_WORDS]
    if free_text and isinstance(node, ast.JoinedStr):
        prefix = ""
        for part in node.values:
            if not (isinstance(part, ast.Constant) and isinstance(part.value, str)):
                break
            prefix += part.value
        return free_text_words(prefix)
    return ()


def predicate_words(name: str, negate: bool) -> tuple[str, ...]:
    """A condition on one name: ``business_id`` / negated -> NO_BUSINESS_ID,
    ``is_connected`` / negated -> NOT_CONNECTED, ``has_slots`` / negated -> NO_SLOTS."""
    words = words_of_identifier(name)
    if not words:
        return ()
    head = words[0]
    base = words[1:] if head in _PREDICATE_HEADS | _HAVE_HEADS and len(words) > 1 else words
    if not negate:
        return base if head in _PREDICATE_HEADS else words
    if head in _HAVE_HEADS:
        return ("NO", *base)
    last = words[-1]
    if head in _PREDICATE_HEADS or last in _ADJECTIVES or last.endswith(("ED", "ABLE", "ING")):
        return ("NOT", *base)
    return ("NO", *words)
