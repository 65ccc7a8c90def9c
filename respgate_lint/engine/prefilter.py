"""The byte-level "nothing to find here" decision, made before anything is parsed.

Most files of a repository contain no Realtime code. A file can only hold a finding if its
bytes contain an event type (``response.create``, which also covers ``conn.response.create``),
its snake-case spelling (``messages.response_create()``), its first word as a string
constant ending its line or as a prefix (``RESPONSE = "response"``, ``"response." + C``), a literal
that every configured constant or class name must contain (``RESPONSE_CREATE``,
``ResponseCreate``), or a gate name (RGT002/RGT003 sites). The same needles, compiled as one
regular expression, also tell the engine which lines deserve a closer look.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from ..config import Settings

__all__ = ["might_have_findings", "needle_regex", "needles", "required_literal"]


def required_literal(pattern: str) -> str | None:
    """The longest literal every match of ``pattern`` must contain, or None if unsure.

    Walks the top level of the parsed pattern; an alternation of the whole pattern or no
    literal at all means there is no safe needle and the prefilter must let every file
    through. An alternation between literals (``X_(?:EVENT|MSG)``) only ends a literal run.
    """
    try:
        import re._parser as sre_parse  # type: ignore[import-not-found]
    except ImportError:  # pragma: no cover - Python < 3.11 is not supported anyway
        return None
    try:
        parsed = sre_parse.parse(pattern)
    except re.error:
        return None
    flags = parsed.state.flags
    if flags & re.IGNORECASE:
        return None
    best, run = "", []
    for op, arg in parsed:
        name = str(op)
        if name == "LITERAL":
            run.append(chr(arg))
            continue
        if name == "BRANCH" and len(parsed) == 1:
            return None
        if len("".join(run)) > len(best):
            best = "".join(run)
        run = []
    if len("".join(run)) > len(best):
        best = "".join(run)
    return best or None


@lru_cache(maxsize=32)
def needles(settings: Settings) -> tuple[str, ...] | None:
    """Literal strings, one of which every relevant file contains; None disables the filter."""
    found: list[str] = list(settings.event_types) + list(settings.gate_functions)
    for event_type in settings.event_types:
        first = event_type.split(".")[0]
        found.append(event_type.replace(".", "_"))  # messages.response_create(...): a factory
        # The type spelled from constants needs its first word as a literal: a constant
        # (`RESPONSE = "response"` ends its line) or a prefix ("response." + CREATE).
        found += [f'"{first}"\n', f"'{first}'\n", f'"{first}"\r', f"'{first}'\r",
                  f'"{first}.', f"'{first}."]
    for pattern in (settings.constant_pattern, settings.event_constant_pattern,
                    settings.class_pattern):
        literal = required_literal(pattern)
        if literal is None:
            return None
        found.append(literal)
    unique = sorted(set(found), key=lambda s: (len(s), s))
    # A needle containing a shorter one adds nothing ("trigger_response_from_tool").
    minimal = [w for i, w in enumerate(unique) if not any(u in w for u in unique[:i])]
    return tuple(minimal)


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in words)


@lru_cache(maxsize=32)
def needle_regex(settings: Settings) -> re.Pattern[str] | None:
    """The needles as one text regex (line-level hot spots), or None when disabled."""
    words = needles(settings)
    return re.compile(_alternation(words)) if words else None


# A plan: (anchor, needles that contain it); a needle with no shared anchor is its own.
_Plan = tuple[tuple[str, tuple[str, ...]], ...]


@lru_cache(maxsize=32)
def _plan(settings: Settings) -> _Plan | None:
    """Needles grouped under a word they share (the event type's first word, "response"),
    so that a file without that word costs one scan for the whole group, not one per needle."""
    words = needles(settings)
    if words is None:
        return None
    anchors = sorted({t.split(".")[0] for t in settings.event_types if t.split(".")[0]})
    groups: dict[str, list[str]] = {}
    for word in words:
        anchor = next((a for a in anchors if a in word), word)
        groups.setdefault(anchor, []).append(word)
    return tuple((anchor, tuple(group)) for anchor, group in groups.items())


@lru_cache(maxsize=32)
def _byte_plan(settings: Settings) -> tuple[tuple[bytes, tuple[bytes, ...]], ...] | None:
    plan = _plan(settings)
    if plan is None:
        return None
    return tuple((a.encode("utf-8"), tuple(w.encode("utf-8") for w in group))
                 for a, group in plan)


def might_have_findings(data: bytes | str, settings: Settings) -> bool:
    """False only when the file certainly has nothing to report.

    Works on raw bytes (``respgate check``) or on text (the flake8 plugin). Needles are ASCII,
    so for a file in an ASCII-compatible encoding the byte search is exact; a UTF-16 file
    has NUL bytes between the letters and is let through to be decoded properly.
    """
    # Substring tests run at memchr speed, several times faster than one alternation regex.
    if isinstance(data, str):
        plan = _plan(settings)
        return plan is None or any(
            anchor in data and any(w in data for w in group) for anchor, group in plan)
    byte_plan = _byte_plan(settings)
    if byte_plan is None or any(
            anchor in data and any(w in data for w in group) for anchor, group in byte_plan):
        return True
    return data[:2] in (b"\xff\xfe", b"\xfe\xff")
