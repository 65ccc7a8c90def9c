"""Reason names for rewritten sites: UPPER_SNAKE, ASCII, meaningful, unique within a file.

The reason is the gate's telemetry key, so it must say where the trigger came from. A
hand-made fix of this problem named most sites "unknown"; here the name comes from the
closest meaningful context, in this order:

1. the innermost string label of an enclosing branch (``if name == "save_lead_info"``,
   ``elif``, ``case "save_lead_info":``, ``if event["type"] == "response.done"``); a dotted
   event type contributes its tail (``SPEECH_STOPPED``, ``TRANSCRIPTION_COMPLETED``);
2. the innermost enclosing function whose name says something once leading underscores and
   generic prefixes (``handle_``, ``on_``, ``do_``, ``process_``, ``send_``) are removed;
   generic closure names (``inner``, ``wrapper``, ``callback``, ...) are skipped;
3. the enclosing class name, then ``RESPONSE``.

A label or name that has no ASCII letters left after transliteration (Hebrew, emoji) is
skipped in favour of the next context. ``_ERROR`` is appended inside an ``except`` block
(unless ``ERROR`` is already one of the name's words). The tool prefix
(``tool-reason-prefix``, default ``FUNCTION_``) is put in front of names taken from a
tool/function-call dispatcher branch (see ``is_tool_site``).
Uniqueness: against reasons already passed to gate calls in the file and against each
other, with ``_2``, ``_3`` ... in source order. Pure functions: same input, same names.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from respgate_lint.engine import Finding, SiteContext

__all__ = ["assign_reasons", "base_reason", "is_tool_site", "to_upper_snake"]

GENERIC_PREFIXES = ("handle_", "on_", "do_", "process_", "send_", "maybe_")
GENERIC_FUNCTIONS = frozenset({
    "inner", "wrapper", "wrapped", "callback", "cb", "fn", "func", "run", "task", "helper",
    "go", "main", "impl", "closure", "_", "f", "g", "handler", "handle", "process", "do",
    "send", "on", "worker", "runner", "coro", "job",
})
# Branch subjects that hold a tool / function name (`name`, `tool_call.function.name`, ...).
_TOOL_SUBJECT = re.compile(
    r"""(?ix)(?:^|[.\[\s'"])(?:name|function_name|func_name|fn_name|tool_name|tool|function|
        tool_call_name|function_call_name|call_name)['"\]]*$""")
_TYPE_SUBJECT = re.compile(r"""(?i)(?:type|kind|event|event_type|msg_type)['"\]]*$""")
_TOOL_FUNCTION = re.compile(r"(?i)function_?call|tool_?call|tool|function")
_EVENT_TYPE = re.compile(r"^[a-z_]+(?:\.[a-z_]+)+$")   # "input_audio_buffer.speech_stopped"
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def to_upper_snake(text: str) -> str:
    """``"save-lead Info"`` -> ``SAVE_LEAD_INFO``; non-ASCII transliterated or dropped."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    ascii_text = _CAMEL.sub("_", ascii_text)
    words = re.split(r"[^A-Za-z0-9]+", ascii_text)
    name = "_".join(w.upper() for w in words if w)
    return name if re.search(r"[A-Z]", name) else ""


def _function_base(name: str) -> str:
    if name.strip("_").lower() in GENERIC_FUNCTIONS:
        return ""
    bare = name.lstrip("_")
    lowered = bare.lower()
    for prefix in GENERIC_PREFIXES:
        if lowered.startswith(prefix) and len(bare) > len(prefix):
            bare = bare[len(prefix):].lstrip("_")
            break
    return to_upper_snake(bare)


def _label_text(label: str) -> str:
    """A dotted event type says what happened in its tail: the last segment when it is
    descriptive on its own (``input_audio_buffer.speech_stopped`` -> ``speech_stopped``),
    else the last two (``response.done``, ``...input_audio_transcription.completed``)."""
    if not _EVENT_TYPE.match(label):
        return label
    parts = label.split(".")
    return parts[-1] if "_" in parts[-1] else ".".join(parts[-2:])


def _meaningful(name: str) -> str:
    """A name that says nothing ("UNKNOWN", "DEFAULT", "_") is no name."""
    return "" if name in ("UNKNOWN", "DEFAULT", "OTHER", "NONE") else name


def is_tool_site(context: SiteContext) -> bool:
    """A site in a tool/function-call dispatcher branch gets the tool prefix.

    True when the branch subject holds a tool name (``name``, ``tool_name``,
    ``call["name"]``, ``tool_call.function.name``), or when the subject is not an event
    type/kind and an enclosing function's name mentions a function/tool call.
    """
    subject = (context.branch_subject or "").strip()
    if _TOOL_SUBJECT.search(subject):
        return True
    if subject and _TYPE_SUBJECT.search(subject):
        return False
    return any(_TOOL_FUNCTION.search(fn) for fn in context.functions)


def base_reason(finding: Finding, tool_prefix: str = "FUNCTION_") -> str:
    """The reason before uniqueness suffixes; never empty, never UNKNOWN."""
    context = finding.context or SiteContext()
    name = ""
    from_label = False
    for label in context.branch_labels:
        name = _meaningful(to_upper_snake(_label_text(label)))
        if name:
            from_label = True
            break
    if not name:
        for function in context.functions:
            name = _meaningful(_function_base(function))
            if name:
                break
    if not name and finding.class_name:
        name = to_upper_snake(finding.class_name)
    if not name or name == "UNKNOWN":
        name = "RESPONSE"
    if from_label and tool_prefix and is_tool_site(context) and not name.startswith(tool_prefix):
        name = tool_prefix + name
    if context.in_except and "ERROR" not in name.split("_"):
        name += "_ERROR"
    return name


def assign_reasons(findings: Iterable[Finding], taken: Iterable[str],
                   tool_prefix: str = "FUNCTION_") -> list[str]:
    """One unique reason per finding, in the order given (callers pass source order)."""
    used = set(taken)
    result = []
    for finding in findings:
        base = base_reason(finding, tool_prefix)
        name, n = base, 1
        while name in used:
            n += 1
            name = f"{base}_{n}"
        used.add(name)
        result.append(name)
    return result
