"""``--output-format json``: a stable, versioned document for scripts and dashboards.

Schema (version 1; documented in docs/cli.md; new keys may be added, none renamed)::

    {
      "version": 1,
      "tool": {"name": "respgate", "version": "0.1.0"},
      "findings": [
        {"path": "src/agent.py", "line": 12, "column": 9, "end_line": 12, "end_column": 60,
         "code": "RGT001", "message": "response.create sent outside the gate ...",
         "form": "dict-literal", "fixable": true, "fix_safety": "safe", "unsafe_because": null,
         "why_not_fixable": null,
         "function": "on_tool_done", "class": "Bridge",
         "event": {"line": 12, "column": 24, "end_line": 12, "end_column": 59}}
      ],
      "errors": [{"path": "src/broken.py", "kind": "syntax", "message": "syntax error at ..."}],
      "summary": {"files_checked": 10, "findings": 1, "errors": 1, "silenced_by_noqa": 0,
                  "baselined": null, "baseline_fixed": 0},
      "statistics": [{"code": "RGT001", "count": 1, "fixable": 1}]   (only with --statistics)
    }

Lines and columns are 1-based and count characters (not bytes); ``end_column`` is the
column just after the call (exclusive, like SARIF's ``endColumn``). ``event`` is where the
event expression itself is (RGT001, when there is one expression for it), else null.
Paths are relative to the current folder when they lie inside it; an undecodable byte of
a file name (not UTF-8) becomes U+FFFD, so the document is always valid UTF-8 JSON.
"""

from __future__ import annotations

import json
from typing import Any, TextIO

from ... import __version__
from ...engine.findings import Finding, Span
from ...runner import FileResult
from ..terminal import replace_surrogates
from . import Report, display_path, fix_hint, plain_message

__all__ = ["JSON_VERSION", "finding_record", "render"]

JSON_VERSION = 1


def finding_record(result: FileResult, finding: Finding) -> dict[str, Any]:
    """One finding as the schema above describes it."""
    span = finding.span
    return {
        "path": display_path(result.path),
        "line": span.line,
        "column": span.col + 1,
        "end_line": span.end_line,
        "end_column": span.end_col + 1,
        "code": finding.code,
        "message": plain_message(finding),
        "form": finding.form.value,
        "fixable": finding.fixable,
        "fix_safety": finding.fix.safety.value if finding.fix else None,
        "unsafe_because": finding.fix.note if finding.fix else None,
        "why_not_fixable": None if finding.fixable else _why_not(finding),
        "function": finding.function,
        "class": finding.class_name,
        "event": _position(finding.event) if finding.event is not None else None,
    }


def _position(span: Span) -> dict[str, int]:
    return {"line": span.line, "column": span.col + 1, "end_line": span.end_line,
            "end_column": span.end_col + 1}


def _why_not(finding: Finding) -> str | None:
    """The engine's reason, or for the codes the codemod never fixes what to do by hand."""
    return fix_hint(finding) if finding.code != "RGT001" else finding.why_not


def document(report: Report) -> dict[str, Any]:
    findings = [finding_record(r, f) for r, f in report.findings]
    errors = [{"path": display_path(r.path), "kind": r.problem.kind, "message": r.problem.message}
              for r in report.problems if r.problem is not None]
    doc: dict[str, Any] = {
        "version": JSON_VERSION,
        "tool": {"name": "respgate", "version": __version__},
        "findings": findings,
        "errors": errors,
        "summary": {
            "files_checked": report.files_checked,
            "findings": len(findings),
            "errors": len(errors),
            "silenced_by_noqa": report.silenced,
            "baselined": report.baselined,
            "baseline_fixed": report.baseline_fixed,
        },
    }
    if report.statistics:
        counts = report.counts_by_code()
        doc["statistics"] = [
            {"code": code, "count": count,
             "fixable": sum(1 for _, f in report.findings if f.code == code and f.safe_fix)}
            for code, count in sorted(counts.items())
        ]
    return doc


def render(report: Report, stream: TextIO) -> None:
    text = json.dumps(document(report), indent=2, ensure_ascii=False)
    stream.write(replace_surrogates(text) + "\n")
