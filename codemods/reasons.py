"""Reason names for rewritten sites: UPPER_SNAKE, ASCII, meaningful, unique within a file.

The reason is the gate's telemetry key: it must say which code path asked for a response,
and keep saying it when the file changes. A name is a **stem** (where: the tool or event
branch, else the function, else the class) plus the site's **nearest distinguishing
evidence** (which path: the error code told to the model, retry / graceful failure, the
``if`` / ``except`` it sits in), gathered by ``evidence``:

1. stem: the innermost string label of an enclosing branch (``if name == "book"``,
   ``case "book":``; a dotted event type gives its tail), with the tool prefix in a tool
   dispatcher; else the innermost meaningful function name; else the class; else RESPONSE.
   A label of three characters or fewer (``"k"``) is not a stem on its own: it follows the
   function or class name (``KEY_PRESS_K``).
2. first evidence, in this order: the error code / error text / status of the
   ``function_call_output`` sent just before (a success output means the plain stem);
   retry / fallback / graceful-failure words in the branch; the nearest ``if`` condition or
   specific ``except`` class; a failed output; the negation of an ``else``; a generic
   ``except`` (ERROR).
3. only when two sites of the file (or a reason already in use) would get the same name,
   each of them takes its next piece of evidence that tells them apart (then enclosing
   functions, then the class). An ordinal suffix (``_2``) is the last resort, for sites
   that share every piece of evidence.

A name depends on its own site's context only, never on how many sites precede it; a new
site changes another's name only if both would otherwise read the same. Words already in
the stem are not repeated; a name is cut on word boundaries to ``MAX_REASON_LENGTH``.
Pure functions: same input, same names.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from respgate_lint.engine import Finding, SiteContext

from .evidence import Item, Label, SiteEvidence, gather_evidence
from .words import TOOL_SUBJECT, function_base, to_upper_snake, words_of_identifier

__all__ = ["MAX_REASON_LENGTH", "Reason", "assign_reasons", "base_reason", "is_tool_site",
           "to_upper_snake"]

MAX_REASON_LENGTH = 56
MIN_REASON_LENGTH = 4
_TYPE_SUBJECT = re.compile(r"""(?i)(?:type|kind|event|event_type|msg_type)['"\])]*$""")
_TOOL_FUNCTION = re.compile(r"(?i)function_?call|tool_?call|tool|function")
_EVENT_TYPE = re.compile(r"^[a-z_]+(?:\.[a-z_]+)+$")   # "input_audio_buffer.speech_stopped"
_CONNECTORS = frozenset({"NO", "NOT", "OR", "HAS", "IS"})


@dataclass(frozen=True)
class Reason:
    """A reason name and the evidence it was made from (for ``--explain-reasons``)."""

    name: str
    evidence: tuple[str, ...] = ()


@dataclass
class _Stem:
    words: tuple[str, ...]
    sources: tuple[str, ...]


@dataclass
class _Naming:
    """One site on its way to a unique name."""

    order: int
    stem: _Stem
    items: list[Item]
    chosen: list[Item] = field(default_factory=list)
    pos: int = 0
    suffix: int = 0

    def name(self) -> str:
        return _render(self.stem.words, [i.words for i in self.chosen]) + (
            f"_{self.suffix}" if self.suffix else "")

    def words_used(self) -> set[str]:
        used = set(self.stem.words)
        for item in self.chosen:
            used.update(item.words)
        return used


# -- the stem ------------------------------------------------------------------------------
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


def _is_tool(subject: str, functions: Sequence[str]) -> bool:
    subject = subject.strip()
    if TOOL_SUBJECT.search(subject):
        return True
    if subject and _TYPE_SUBJECT.search(subject):
        return False
    return any(_TOOL_FUNCTION.search(fn) for fn in functions)


def is_tool_site(context: SiteContext) -> bool:
    """A site in a tool/function-call dispatcher branch gets the tool prefix.

    True when the branch subject holds a tool name (``name``, ``tool_name``,
    ``call["name"]``, ``tool_call.function.name``), or when the subject is not an event
    type/kind and an enclosing function's name mentions a function/tool call.
    """
    return _is_tool(context.branch_subject or "", context.functions)


def _label_name(values: Sequence[str]) -> str:
    names = [n for n in (_meaningful(to_upper_snake(_label_text(v))) for v in values) if n]
    return "_OR_".join(names[:2])


def _stem(labels: Sequence[Label], functions: Sequence[str], class_name: str | None,
          tool_prefix: str) -> _Stem:
    function_name, function_source = "", ""
    for function in functions:
        function_name = _meaningful(function_base(function))
        if function_name:
            function_source = f"function {function}"
            break
    class_words = words_of_identifier(class_name) if class_name else ()
    for label in labels:
        name = _label_name(label.values)
        if not name:
            continue
        shown = " | ".join(f'"{v}"' for v in label.values[:2])
        if all(len(_label_name([v]) or "") <= 3 for v in label.values):
            # "k" says nothing alone: it follows the function (or class) it is handled in
            use_function = len(function_name) >= 3
            context = function_name if use_function else "_".join(class_words)
            words = tuple(w for w in f"{context}_{name}".split("_") if w)
            where = function_source if use_function else f"class {class_name}"
            return _fix_short(_Stem(words, (where, f"branch {shown}") if context else
                                    (f"branch {shown}",)), class_words)
        tool = bool(tool_prefix) and _is_tool(label.subject, functions)
        if tool and not name.startswith(tool_prefix):
            name = tool_prefix + name
        source = f"tool {shown}" if tool else f"branch {shown}"
        return _fix_short(_Stem(tuple(name.split("_")), (source,)), class_words)
    if function_name:
        return _fix_short(_Stem(tuple(function_name.split("_")), (function_source,)), class_words)
    if class_words:
        return _fix_short(_Stem(class_words, (f"class {class_name}",)), ())
    return _Stem(("RESPONSE",), ("no branch, function or class name",))


def _fix_short(stem: _Stem, class_words: tuple[str, ...]) -> _Stem:
    """A stem of three characters or fewer (``on_x`` -> X) takes the class name in front,
    else RESPONSE behind: a reason must say something on a dashboard."""
    if len("_".join(stem.words)) > 3:
        return stem
    if class_words and not set(class_words) & set(stem.words):
        return _Stem((*class_words, *stem.words), stem.sources)
    return _Stem((*stem.words, "RESPONSE"), stem.sources)


def base_reason(finding: Finding, tool_prefix: str = "FUNCTION_") -> str:
    """The stem of a site from the engine's context alone; never empty, never UNKNOWN."""
    context = finding.context or SiteContext()
    return "_".join(_stem(_context_labels(context), context.functions, finding.class_name,
                          tool_prefix).words)


def _context_labels(context: SiteContext) -> list[Label]:
    return [Label((label,), context.branch_subject or "" if i == 0 else "")
            for i, label in enumerate(context.branch_labels)]


# -- rendering -----------------------------------------------------------------------------
def _merge(used: Sequence[str], words: Sequence[str]) -> tuple[str, ...]:
    """The words a qualifier adds: without its leading/trailing words already in the name,
    unless what would remain is only a connector or a fragment (``NOT``, ``ID``)."""
    start, end = 0, len(words)
    while start < end and words[start] in used:
        start += 1
    while end > start and words[end - 1] in used:
        end -= 1
    fresh = tuple(words[start:end])  # only edges: CONNECTION_OR_TIMEOUT_ERROR keeps its middle
    if not fresh:
        return ()
    if len(fresh) < len(words) and (set(fresh) <= _CONNECTORS or len("_".join(fresh)) <= 2):
        return tuple(words)
    return fresh


def _render(stem: Sequence[str], qualifiers: Sequence[Sequence[str]]) -> str:
    stem_words = list(stem)
    quals: list[list[str]] = []
    used = list(stem_words)
    for qualifier in qualifiers:
        added = list(_merge(used, qualifier))
        if added:
            quals.append(added)
            used += added
    return _shorten(stem_words, quals)


def _shorten(stem: list[str], quals: list[list[str]]) -> str:
    """Cut to ``MAX_REASON_LENGTH`` on word boundaries, keeping what tells sites apart: long
    qualifiers lose their tail words first, then the stem its tail (never its first two)."""
    def length() -> int:
        return len("_".join(stem + [w for q in quals for w in q]))

    for limit in (3, 2, 1):
        for qualifier in quals:
            while len(qualifier) > limit and length() > MAX_REASON_LENGTH:
                qualifier.pop()
        while len(stem) > 2 and length() > MAX_REASON_LENGTH and limit == 2:
            stem.pop()
    name = "_".join(stem + [w for q in quals for w in q])
    if len(name) > MAX_REASON_LENGTH:
        name = name[:MAX_REASON_LENGTH].rsplit("_", 1)[0]
    return name


# -- assignment ----------------------------------------------------------------------------
def _adds(naming: _Naming, item: Item) -> bool:
    return bool(_merge(sorted(naming.words_used()), item.words))


def _choose_first(naming: _Naming) -> None:
    """The primary evidence: the first item that says something the stem does not."""
    for i, item in enumerate(naming.items):
        if item.kind in ("where", "extra"):  # only to tell colliding sites apart
            naming.pos = i
            return
        if item.kind == "success":
            naming.chosen = [item]
            naming.pos = i + 1
            return
        if _adds(naming, item):
            naming.chosen = [item]
            naming.pos = i + 1
            return
    naming.pos = len(naming.items)


def _next_item(naming: _Naming, allow_where: bool) -> Item | None:
    while naming.pos < len(naming.items):
        item = naming.items[naming.pos]
        if item.kind == "where" and not allow_where:
            return None
        if item.kind != "success" and _adds(naming, item):
            return item
        naming.pos += 1
    return None


def _extend(group: list[_Naming], allow_where: bool) -> bool:
    """Give every member of a colliding group its next distinguishing evidence. Evidence
    they all share is skipped. False when nobody has anything left."""
    while True:
        candidates = [_next_item(n, allow_where) for n in group]
        if all(c is None for c in candidates):
            return False
        if len(group) > 1 and len({c.words if c else None for c in candidates}) == 1:
            for naming in group:
                naming.pos += 1
            continue
        for naming, candidate in zip(group, candidates):
            if candidate is not None:
                naming.chosen.append(candidate)
                naming.pos += 1
        return True


def _collisions(namings: list[_Naming], taken: set[str]) -> list[tuple[list[_Naming], bool]]:
    by_name: dict[str, list[_Naming]] = {}
    for naming in namings:
        by_name.setdefault(naming.name(), []).append(naming)
    return [(group, len(group) > 1) for name, group in sorted(by_name.items())
            if len(group) > 1 or name in taken]


def _unique(namings: list[_Naming], taken: set[str]) -> None:
    """Extend colliding names with more evidence until they differ; then, for sites that
    share every piece of evidence, ordinal suffixes in source order (the first keeps the
    name unless a gate call already uses it)."""
    stuck: set[frozenset[int]] = set()
    for _ in range(64):
        progress = False
        for group, several in _collisions(namings, taken):
            key = frozenset(n.order for n in group)
            if key in stuck:
                continue
            if _extend(group, allow_where=several):
                progress = True
            else:
                stuck.add(key)
        if not progress:
            break
    used = set(taken) | {n.name() for n in namings}
    for group, _ in _collisions(namings, taken):
        group.sort(key=lambda n: n.order)
        base = group[0].name()
        number = 2  # every number below the last one given is in use: the search goes on
        for naming in group[1:] if base not in taken else group:
            while f"{base}_{number}" in used:
                number += 1
            naming.suffix = number
            used.add(naming.name())


def _fallback_evidence(finding: Finding) -> SiteEvidence:
    context = finding.context or SiteContext()
    items = [Item(("ERROR",), "except", "except")] if context.in_except else []
    return SiteEvidence(labels=_context_labels(context), functions=list(context.functions),
                        class_name=finding.class_name, items=items)


def assign_reasons(findings: Iterable[Finding], taken: Iterable[str],
                   tool_prefix: str = "FUNCTION_", *, tree: ast.Module | None = None,
                   text: str | None = None) -> list[Reason]:
    """One unique reason per finding, in the order given (callers pass source order).

    With the parsed ``tree`` and ``text`` the names use the evidence around each site;
    without them, only the engine's context (branch label, function, class)."""
    findings = list(findings)
    taken_set = set(taken)
    gathered = (gather_evidence(findings, tree, text) if tree is not None and text is not None
                else [SiteEvidence() for _ in findings])
    namings = []
    for order, (finding, evidence) in enumerate(zip(findings, gathered)):
        if not evidence.found:
            evidence = _fallback_evidence(finding)
        stem = _stem(evidence.labels, evidence.functions,
                     evidence.class_name or finding.class_name, tool_prefix)
        naming = _Naming(order, stem, evidence.items)
        _choose_first(naming)
        namings.append(naming)
    _unique(namings, taken_set)
    reasons = []
    for naming in namings:
        sources = [*naming.stem.sources, *(i.source for i in naming.chosen)]
        if naming.suffix:
            sources.append(f"ordinal _{naming.suffix}: same evidence as another site")
        reasons.append(Reason(naming.name(), tuple(sources)))
    return reasons
