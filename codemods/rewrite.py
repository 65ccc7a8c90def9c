"""The statement-level rewrite shared by ``respgate fix``, SARIF and the LibCST command.

Driven only by engine findings: the engine decided what is a send, whether and into which
gate call it can be rewritten (``Finding.fix``). This module names the reasons, writes each
gate call's text from the spans the fix gives (``gate_call.py``), and splices the new bytes
over the statement's bytes. Bytes outside rewritten statements are never decoded and
re-encoded, so CRLF, BOM, the coding cookie and a missing final newline survive. The whole
new module is compiled before anything is returned as "changed". Each site keeps its
replacement text, which is what SARIF reports as the site's fix.
"""

from __future__ import annotations

import ast
import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from respgate_lint.config import Settings
from respgate_lint.engine import Finding, Safety, Span, parse_source, user_code_warnings_silenced
from respgate_lint.engine.chains import flat_source
from respgate_lint.engine.parsing import decode_source
from respgate_lint.files import SourceFile
from respgate_lint.runner import FileResult, check_source
from respgate_lint.sourcetext import ByteOffsets, first_newline, normalize_newlines

if TYPE_CHECKING:
    from .reasons import Reason

# Reason naming, gate-call rendering and the mixin (and what they import) load only once a
# file has a site to rewrite: a tree with nothing to fix never pays for them.

__all__ = ["NOQA_WHY", "RewriteResult", "Site", "gc_paused", "rewrite_file", "rewrite_source"]

NOQA_WHY = "silenced with # noqa"


@dataclass(frozen=True)
class Site:
    """What happened to one RGT001 site."""

    line: int
    col: int
    status: str                 # "rewritten" | "unsafe" (withheld) | "not-fixed" | "noqa" | "internal"
    reason: str | None = None   # the reason name given (also for a withheld unsafe fix)
    why: str | None = None      # why not rewritten; for an unsafe fix, why it is unsafe
    unsafe: bool = False        # rewritten with --unsafe-fixes
    replacement: tuple[Span, str] | None = None  # the statement's span and its new text
    evidence: tuple[str, ...] = ()  # what the reason was named from (--explain-reasons)


@dataclass
class RewriteResult:
    """The new bytes (``data is original`` when nothing changed) and one ``Site`` per site."""

    data: bytes
    changed: bool = False
    sites: list[Site] = field(default_factory=list)
    notes: list[tuple[int, str]] = field(default_factory=list)  # (line, text): warnings
    error: str | None = None    # internal error: the rewritten module did not compile
    problem: str | None = None  # the file could not be analysed (syntax error, ...)
@dataclass(frozen=True)
class _Splice:
    start: int
    end: int
    data: bytes


@contextmanager
def gc_paused() -> Iterator[None]:
    """The cyclic collector off for a block (restored after). While a file's tree is alive,
    every collection walks all its nodes: with thousands of sites, rewriting allocates enough
    to trigger many, which made the rewrite grow faster than the file. Nothing here builds
    reference cycles, so pausing changes nothing but the time (``check_source`` does the same)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def rewrite_source(data: bytes, text: str, encoding: str, settings: Settings, *,
                   filename: str = "<unknown>", add_mixin: bool = False,
                   unsafe_fixes: bool = False) -> RewriteResult:
    """Analyse text through the one pipeline and rewrite it (the LibCST command, tests)."""
    source = SourceFile(Path(filename), data, text, encoding)
    result = check_source(source, settings, add_mixin=add_mixin, keep=True)
    return rewrite_file(result, settings, unsafe_fixes=unsafe_fixes)


def rewrite_file(result: FileResult, settings: Settings, *, unsafe_fixes: bool = False,
                 sites_only: bool = False) -> RewriteResult:
    """Apply the fixes of one analysed file (``check_source(..., keep=True)``).

    ``sites_only``: name the reasons and write each site's replacement, but build no new
    module (SARIF needs only the replacements, each checked to parse on its own).
    """
    with gc_paused():
        return _rewrite(result, settings, unsafe_fixes, sites_only)


def _rewrite(result: FileResult, settings: Settings, unsafe_fixes: bool,
             sites_only: bool) -> RewriteResult:
    source = result.source
    if result.problem is not None or source is None:
        problem = result.problem.message if result.problem else None
        return RewriteResult(data=source.data if source else b"", problem=problem)
    out = RewriteResult(data=source.data)
    findings = [f for f in result.findings if f.code == "RGT001"]
    silenced = [f for f in result.noqa if f.code == "RGT001"]
    if not findings and not silenced:
        return out
    from .reasons import assign_reasons

    offsets = ByteOffsets(source.data, source.text, source.encoding)
    with_fix = sorted((f for f in findings if f.fix is not None),
                      key=lambda f: (f.statement.line, f.statement.col))
    reasons = assign_reasons(with_fix, result.gate_reasons, settings.tool_reason_prefix,
                             tree=result.tree, text=source.text)
    sites: dict[int, Site] = {}
    splices: list[_Splice] = []
    applied: list[Finding] = []
    for finding, reason in zip(with_fix, reasons):
        sites[id(finding)] = _apply_one(finding, reason, offsets, splices, applied, unsafe_fixes)
    for finding in findings:
        if id(finding) not in sites:
            sites[id(finding)] = Site(finding.line, finding.col, "not-fixed", why=finding.why_not)
    for finding in silenced:
        sites[id(finding)] = Site(finding.line, finding.col, "noqa", why=NOQA_WHY)
    out.sites = sorted(sites.values(), key=lambda s: (s.line, s.col))
    if sites_only:
        return out
    mixin = [f for f in applied if f.fix is not None and f.fix.add_mixin_to]
    if mixin and result.tree is not None:
        from .mixin import mixin_splices, observe_note

        for start, insert in mixin_splices(result.tree, source.text, offsets, mixin):
            splices.append(_Splice(start, start, insert))
        for finding in _one_per_class(mixin):
            note = observe_note(result.tree, finding)
            if note is not None:
                out.notes.append(note)
    if not splices:
        return out
    new_data = _apply(source.data, splices)
    problem = _verify(new_data, source.data, str(source.path))
    if problem is not None:
        out.error = (f"internal error: the rewritten module does not compile ({problem}); "
                     "file left alone")
        return out
    out.data = new_data
    out.changed = new_data != source.data
    return out


def _apply_one(finding: Finding, named: Reason, offsets: ByteOffsets, splices: list[_Splice],
               applied: list[Finding], unsafe_fixes: bool) -> Site:
    fix = finding.fix
    assert fix is not None
    unsafe = fix.safety is Safety.UNSAFE
    reason, evidence = named.name, named.evidence
    splice, new_text = _rewrite_statement(finding, reason, offsets)
    problem = _statement_error(new_text)
    if problem is not None:
        return Site(finding.line, finding.col, "internal",
                    why=f"internal error: the rewrite does not parse ({problem}); left alone")
    replacement = (finding.statement, new_text)
    if unsafe and not unsafe_fixes:
        return Site(finding.line, finding.col, "unsafe", reason=reason, why=fix.note,
                    replacement=replacement, evidence=evidence)
    if splices and splice.start < splices[-1].end:
        return Site(finding.line, finding.col, "not-fixed",
                    why="shares a statement with another rewritten send")
    splices.append(splice)
    applied.append(finding)
    return Site(finding.line, finding.col, "rewritten", reason=reason, unsafe=unsafe,
                replacement=replacement, evidence=evidence)


def _one_per_class(findings: list[Finding]) -> list[Finding]:
    seen: dict[str | None, Finding] = {}
    for finding in findings:
        seen.setdefault(finding.fix.add_mixin_to if finding.fix else None, finding)
    return list(seen.values())


def _statement_error(text: str) -> str | None:
    """None if one rewritten statement parses on its own (continuation lines keep their
    indentation, which is free inside the call's parentheses)."""
    try:
        with user_code_warnings_silenced():
            ast.parse(text)
        return None
    except (SyntaxError, ValueError) as exc:
        return str(exc)


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
    except (RecursionError, MemoryError):
        return _deep_compile_error(new_data, filename)
    try:
        compile(old_data, filename, "exec", dont_inherit=True)
    except (SyntaxError, ValueError):
        try:
            parse_source(new_data, filename)
            return None
        except (SyntaxError, ValueError) as exc:
            error = exc
    return str(error)


def _deep_compile_error(new_data: bytes, filename: str) -> str | None:
    """A module too deep for CPython's compiler (an ``elif`` chain of thousands of
    branches): its flat spelling (``chains.flat_source``, the same statements) is compiled."""
    text = decode_source(new_data)
    flat = flat_source(text) if text is not None else None
    if flat is None:
        return "the rewritten module is too deeply nested for Python's compiler to check"
    try:
        compile(flat, filename, "exec", dont_inherit=True)
        return None
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        return str(exc)


def _apply(data: bytes, splices: list[_Splice]) -> bytes:
    parts = []
    pos = 0
    for splice in sorted(splices, key=lambda s: (s.start, s.end)):
        parts.append(data[pos:splice.start])
        parts.append(splice.data)
        pos = splice.end
    parts.append(data[pos:])
    return b"".join(parts)


def _rewrite_statement(finding: Finding, reason: str, offsets: ByteOffsets) -> tuple[_Splice, str]:
    """The bytes that replace one statement with the gate call, and the new text."""
    from .gate_call import render_gate_call, statement_comments

    fix = finding.fix
    assert fix is not None
    stmt = finding.statement
    segment = offsets.text_between(stmt)
    newline = first_newline(segment) or offsets.newline
    normalized = normalize_newlines(segment)
    line_text = offsets.text_lines.text(stmt.line)
    indent = line_text[:len(line_text) - len(line_text.lstrip(" \t"))]
    new_text = render_gate_call(
        fix, reason, lambda span: normalize_newlines(offsets.text_between(span)),
        statement_comments(normalized, stmt), finding.span.line != finding.span.end_line, indent)
    if newline != "\n":
        new_text = new_text.replace("\n", newline)
    encoded = offsets.encode(new_text)
    return _Splice(offsets.byte_offset(stmt.line, stmt.col),
                   offsets.byte_offset(stmt.end_line, stmt.end_col), encoded), new_text
