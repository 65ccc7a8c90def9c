"""The statement-level rewrite shared by ``respgate fix`` and the libcst codemod command.

Driven only by engine findings: the engine decides what is a send and whether it can be
rewritten; this module only transforms. For each fixable RGT001 finding it cuts the bytes of
the finding's statement out of the file, parses just that statement with libcst (so the
comments inside the call survive), builds the gate call, and splices the new bytes back.
Bytes outside rewritten statements are never decoded and re-encoded, so CRLF, BOM, the
coding cookie and a missing final newline survive. The whole new module is parsed again
before anything is returned as "changed".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import libcst as cst

from respgate_lint.config import Settings
from respgate_lint.engine import (
    Finding,
    analyze,
    parse_source,
    split_suppressed,
    user_code_warnings_silenced,
)
from respgate_lint.engine.scopes import LineIndex

from .mixin import MIXIN_NAME, enclosing_class, mixin_splices
from .payload import PayloadError, build_gate_call
from .reasons import assign_reasons

__all__ = ["NOQA_WHY", "RewriteResult", "Site", "rewrite_source"]

NOQA_WHY = "silenced with # noqa"
_NEWLINE_BYTES = re.compile(rb"\r\n?|\n")
_NEWLINE_TEXT = re.compile(r"\r\n?|\n")


@dataclass(frozen=True)
class Site:
    """What happened to one RGT001 site."""

    line: int
    col: int
    status: str                 # "rewritten" | "not-fixed" | "noqa" | "internal"
    reason: str | None = None   # the reason name given, when rewritten
    why: str | None = None      # why not, otherwise
    evidence: tuple[str, ...] = ()  # what the reason was named from (--explain-reasons)


@dataclass
class RewriteResult:
    """The new bytes (``data is original`` when nothing changed) and one ``Site`` per site."""

    data: bytes
    changed: bool = False
    sites: list[Site] = field(default_factory=list)
    notes: list[tuple[int, str]] = field(default_factory=list)  # (line, text): class warnings
    error: str | None = None    # internal error: the rewritten module did not parse


@dataclass(frozen=True)
class _Splice:
    start: int
    end: int
    data: bytes


class _Offsets:
    """(line, character column) -> byte offset in the original bytes, and back to text."""

    def __init__(self, data: bytes, text: str, encoding: str) -> None:
        self.data = data
        self.text_lines = LineIndex(text)
        self.encoding = "utf-8" if encoding == "utf-8-sig" else encoding
        bom = 3 if data.startswith(b"\xef\xbb\xbf") else 0
        self.byte_starts = [bom] + [m.end() for m in _NEWLINE_BYTES.finditer(data, bom)]
        self.newline = _first_newline(text) or "\n"

    def char_offset(self, line: int, col: int) -> int:
        return self.text_lines.starts[line - 1] + col

    def byte_offset(self, line: int, col: int) -> int:
        prefix = self.text_lines.text(line)[:col]
        return self.byte_starts[line - 1] + len(prefix.encode(self.encoding))

    def line_start_byte(self, line: int) -> int:
        if line > len(self.byte_starts):
            return len(self.data)
        return self.byte_starts[line - 1]

    def encode(self, text: str) -> bytes:
        return text.encode(self.encoding)


def _first_newline(text: str) -> str | None:
    match = _NEWLINE_TEXT.search(text)
    return match.group() if match else None


def rewrite_source(data: bytes, text: str, encoding: str, settings: Settings, *,
                   filename: str = "<unknown>", add_mixin: bool = False,
                   selected: Callable[[Finding], bool] | None = None) -> RewriteResult:
    """Rewrite every fixable RGT001 site of one file. Raises SyntaxError if it does not parse."""
    tree = parse_source(text, filename)
    analysis = analyze(text, tree, settings)
    findings = [f for f in analysis.findings
                if f.code == "RGT001" and (selected is None or selected(f))]
    result = RewriteResult(data=data)
    if not findings:
        return result
    kept, silenced = split_suppressed(findings, text)
    offsets = _Offsets(data, text, encoding)
    fixable = sorted((f for f in kept if f.fixable), key=lambda f: (f.statement.line, f.statement.col))
    # reasons (issue 13): named from the evidence around each site, read from the same tree
    reasons = assign_reasons(fixable, analysis.gate_reasons, settings.tool_reason_prefix,
                             tree=tree, text=text)
    by_site: dict[int, Site] = {}
    splices: list[_Splice] = []
    rewritten: list[Finding] = []
    gate = settings.gate_functions[0]
    for finding, reason in zip(fixable, reasons):
        try:
            splice = _rewrite_statement(finding, reason.name, gate, offsets)
        except PayloadError as exc:
            by_site[id(finding)] = Site(finding.line, finding.col, "internal", why=str(exc))
            continue
        if splices and splice.start < splices[-1].end:
            by_site[id(finding)] = Site(finding.line, finding.col, "not-fixed",
                                        why="shares a statement with another rewritten send")
            continue
        splices.append(splice)
        rewritten.append(finding)
        by_site[id(finding)] = Site(finding.line, finding.col, "rewritten", reason=reason.name,
                                    evidence=reason.evidence)
    for finding in findings:
        if id(finding) in by_site:
            continue
        if any(finding is s for s in silenced):
            by_site[id(finding)] = Site(finding.line, finding.col, "noqa", why=NOQA_WHY)
        else:
            by_site[id(finding)] = Site(finding.line, finding.col, "not-fixed", why=finding.why_not)
    result.sites = sorted(by_site.values(), key=lambda s: (s.line, s.col))
    missing = [f for f in rewritten if f.context is not None and f.context.class_gate == "missing"]
    if missing and add_mixin:
        for start, insert in mixin_splices(tree, text, offsets, missing):
            splices.append(_Splice(start, start, insert))
    elif missing:
        seen: set[str | None] = set()
        for f in missing:
            if f.class_name not in seen:
                seen.add(f.class_name)
                what = f"class {f.class_name}" if f.class_name else "the enclosing class"
                node = enclosing_class(tree, f)
                result.notes.append((node.lineno if node else f.line, (
                    f"{what} defines no `{gate}` and has no base class: "
                    f"`{(f.context.self_name if f.context else None) or 'self'}.{gate}(...)` will "
                    f"fail at run time; add a gate or run with --add-mixin ({MIXIN_NAME})")))
    if not splices:
        return result
    new_data = _apply(data, splices)
    problem = _verify(new_data, data, filename)
    if problem is not None:
        result.error = f"internal error: the rewritten module does not parse ({problem}); file left alone"
        return result
    result.data = new_data
    result.changed = new_data != data
    return result


def _verify(new_data: bytes, old_data: bytes, filename: str) -> str | None:
    """None if the new module compiles. Compiling to bytecode is faster than building an AST;
    only if that fails for a reason the original shares (``return`` outside a function) is
    the new module merely parsed. The compiler's warnings about the user's code (``1(2)``,
    invalid escapes) are not ours to print."""
    with user_code_warnings_silenced():
        return _compile_error(new_data, old_data, filename)


def _compile_error(new_data: bytes, old_data: bytes, filename: str) -> str | None:
    try:
        compile(new_data, filename, "exec", dont_inherit=True)
        return None
    except (SyntaxError, ValueError) as exc:
        error = exc
    try:
        compile(old_data, filename, "exec", dont_inherit=True)
    except (SyntaxError, ValueError):
        try:
            parse_source(new_data, filename)
            return None
        except (SyntaxError, ValueError) as exc:
            error = exc
    return str(error)


def _apply(data: bytes, splices: list[_Splice]) -> bytes:
    parts = []
    pos = 0
    for splice in sorted(splices, key=lambda s: (s.start, s.end)):
        parts.append(data[pos:splice.start])
        parts.append(splice.data)
        pos = splice.end
    parts.append(data[pos:])
    return b"".join(parts)


def _rewrite_statement(finding: Finding, reason: str, gate: str, offsets: _Offsets) -> _Splice:
    """The bytes that replace one statement (an awaited send) with the gate call."""
    stmt = finding.statement
    start = offsets.char_offset(stmt.line, stmt.col)
    end = offsets.char_offset(stmt.end_line, stmt.end_col)
    segment = offsets.text_lines.source[start:end]
    newline = _first_newline(segment) or offsets.newline
    normalized = _NEWLINE_TEXT.sub("\n", segment)
    line_text = offsets.text_lines.text(stmt.line)
    indent = line_text[:len(line_text) - len(line_text.lstrip(" \t"))]
    self_name = (finding.context.self_name if finding.context else None) or "self"
    try:
        node = cst.parse_expression(normalized)
    except cst.ParserSyntaxError as exc:
        raise PayloadError(f"internal error: libcst cannot parse the statement: {exc}") from None
    new_code = build_gate_call(node, normalized, finding, reason, gate, self_name, indent)
    if newline != "\n":
        new_code = new_code.replace("\n", newline)
    try:
        encoded = offsets.encode(new_code)
    except UnicodeEncodeError as exc:
        raise PayloadError(f"internal error: cannot encode the rewrite: {exc}") from None
    return _Splice(offsets.byte_offset(stmt.line, stmt.col),
                   offsets.byte_offset(stmt.end_line, stmt.end_col), encoded)
