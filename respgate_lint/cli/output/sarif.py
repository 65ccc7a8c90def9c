"""``--output-format sarif``: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

One run: ``tool.driver.rules`` from the rule catalogue (help rendered by ``respgate explain``),
one result per finding with a region in 1-based lines and character columns
(``columnKind: unicodeCodePoints``), and, where the codemod would rewrite the site, a
``fixes`` entry whose replacement text comes from the real codemod (``codemods.rewrite``,
imported only here). Files that could not be checked become tool execution notifications.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote

from ... import __version__
from ...config import Settings
from ...engine.findings import Finding
from ...rules import RULES
from ...runner import FileResult
from ...sourcetext import span_text, split_lines
from . import Report, display_path, plain_message

__all__ = ["SARIF_SCHEMA", "document", "render", "site_fixes"]

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"


def _rules() -> list[dict[str, Any]]:
    from ..explain import render_rule

    return [
        {
            "id": rule.code,
            "name": rule.name,
            "shortDescription": {"text": rule.summary},
            "fullDescription": {"text": rule.why},
            "help": {"text": render_rule(rule, "text"), "markdown": render_rule(rule, "markdown")},
            "defaultConfiguration": {"level": "error"},
            "properties": {"tags": ["respgate", "realtime"]},
        }
        for rule in (RULES[code] for code in sorted(RULES))
    ]


def _artifact(path: Path) -> dict[str, str]:
    shown = display_path(path)
    if Path(shown).is_absolute():
        return {"uri": Path(shown).as_uri()}
    return {"uri": quote(shown), "uriBaseId": SRCROOT}


def _region(line: int, col: int, end_line: int, end_col: int) -> dict[str, int]:
    return {"startLine": line, "startColumn": col + 1, "endLine": end_line,
            "endColumn": end_col + 1}


def _result(result: FileResult, finding: Finding, rule_index: dict[str, int],
            fixes: dict[int, tuple[tuple[int, int, int, int], str]]) -> dict[str, Any]:
    span = finding.span
    message = plain_message(finding)
    if not finding.fixable and finding.why_not:
        message += f" Not auto-fixable: {finding.why_not}."
    out: dict[str, Any] = {
        "ruleId": finding.code,
        "level": "error",
        "message": {"text": message},
        "locations": [{"physicalLocation": {
            "artifactLocation": _artifact(result.path),
            "region": _region(span.line, span.col, span.end_line, span.end_col),
        }}],
    }
    if finding.code in rule_index:
        out["ruleIndex"] = rule_index[finding.code]
    if result.source is not None:
        call = span_text(split_lines(result.source.text), span)
        parts = (display_path(result.path), finding.code, str(finding.function),
                 " ".join(call.split()))
        digest = hashlib.sha256("\0".join(parts).encode()).hexdigest()[:32]
        out["partialFingerprints"] = {"respgateCallFingerprint/v1": digest}
    fix = fixes.get(id(finding))
    if fix is not None:
        (line, col, end_line, end_col), text = fix
        out["fixes"] = [{
            "description": {"text": "Route the send through the gate (respgate fix)."},
            "artifactChanges": [{
                "artifactLocation": _artifact(result.path),
                "replacements": [{
                    "deletedRegion": _region(line, col, end_line, end_col),
                    "insertedContent": {"text": text},
                }],
            }],
        }]
    return out


Region = tuple[int, int, int, int]


def site_fixes(result: FileResult, settings: Settings) -> dict[int, tuple[Region, str]]:
    """id(finding) -> ((line, col, end_line, end_col) 0-based cols, replacement text).

    The adapter to the codemod. Each site is rewritten on its own (``selected``), and its
    reason is then set to the one a whole-file ``respgate fix`` would give it, so applying
    every fix yields the same code as ``respgate fix``. Any failure here costs only the fixes,
    never the SARIF document.
    """
    source = result.source
    fixable = [f for f in result.findings if f.fixable and f.code == "RGT001"]
    if source is None or not fixable:
        return {}
    try:
        from respgate_lint.codemods.rewrite import rewrite_source

        whole = rewrite_source(source.data, source.text, source.encoding, settings,
                               filename=str(result.path))
        reason_at = {(s.line, s.col): s.reason for s in whole.sites if s.status == "rewritten"}
        fixes = {}
        for finding in fixable:
            key = (finding.line, finding.col)
            single = rewrite_source(source.data, source.text, source.encoding, settings,
                                    filename=str(result.path),
                                    selected=lambda f, key=key: (f.line, f.col) == key)
            if not single.changed or single.error:
                continue
            site_reason = next((s.reason for s in single.sites
                                if s.status == "rewritten" and (s.line, s.col) == key), None)
            new_text = single.data.decode(source.encoding)
            region, inserted = _statement_change(source.text, new_text, finding)
            wanted = reason_at.get(key)
            if site_reason and wanted and wanted != site_reason:
                inserted = inserted.replace(f'"{site_reason}"', f'"{wanted}"', 1)
            fixes[id(finding)] = (region, inserted)
        return fixes
    except Exception as exc:  # noqa: BLE001 - fixes are optional; the report must still come out
        sys.stderr.write(f"respgate: no SARIF fixes for {display_path(result.path)}: {exc}\n")
        return {}


def _offset(lines: list[str], line: int, col: int) -> int:
    return sum(len(text) for text in lines[:line - 1]) + col


def _statement_change(old: str, new: str, finding: Finding
                      ) -> tuple[tuple[int, int, int, int], str]:
    """The whole rewritten statement as the replacement (readable in a SARIF viewer)."""
    region, inserted = _changed_region(old, new)
    lines = split_lines(old)
    stmt = finding.statement
    start, end = _offset(lines, stmt.line, stmt.col), _offset(lines, stmt.end_line, stmt.end_col)
    changed_start = _offset(lines, region[0], region[1])
    changed_end = _offset(lines, region[2], region[3])
    if not start <= changed_start <= changed_end <= end:
        return region, inserted
    return ((stmt.line, stmt.col, stmt.end_line, stmt.end_col),
            new[start:end + len(new) - len(old)])


def _changed_region(old: str, new: str) -> tuple[tuple[int, int, int, int], str]:
    """The smallest (line, col, end_line, end_col) of ``old`` and its replacement in ``new``."""
    prefix = 0
    limit = min(len(old), len(new))
    while prefix < limit and old[prefix] == new[prefix]:
        prefix += 1
    suffix = 0
    while (suffix < limit - prefix and old[len(old) - 1 - suffix] == new[len(new) - 1 - suffix]):
        suffix += 1
    start, end = prefix, len(old) - suffix
    return (*_position(old, start), *_position(old, end)), new[prefix:len(new) - suffix]


def _position(text: str, offset: int) -> tuple[int, int]:
    lines = split_lines(text[:offset])
    if not lines:
        return 1, 0
    last = lines[-1]
    if last.endswith(("\n", "\r")):
        return len(lines) + 1, 0
    return len(lines), len(last)


def document(report: Report) -> dict[str, Any]:
    rules = _rules()
    rule_index = {rule["id"]: i for i, rule in enumerate(rules)}
    results = []
    for result in report.results:
        fixes = site_fixes(result, report.settings_for(result.path)) if result.findings else {}
        results += [_result(result, f, rule_index, fixes) for f in result.findings]
    notifications = [
        {"level": "error", "message": {"text": r.problem.message},
         "locations": [{"physicalLocation": {"artifactLocation": _artifact(r.path)}}]}
        for r in report.problems if r.problem is not None
    ]
    base = Path.cwd().as_uri().rstrip("/") + "/"
    run: dict[str, Any] = {
        "tool": {"driver": {
            "name": "respgate",
            "version": __version__,
            "semanticVersion": __version__,
            "informationUri": "https://pypi.org/project/respgate-lint/",
            "rules": rules,
        }},
        "originalUriBaseIds": {SRCROOT: {"uri": base}},
        "columnKind": "unicodeCodePoints",
        "invocations": [{
            "executionSuccessful": not notifications,
            "toolExecutionNotifications": notifications,
            "workingDirectory": {"uri": base},
        }],
        "results": results,
    }
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


def render(report: Report, stream: TextIO) -> None:
    json.dump(document(report), stream, indent=2, ensure_ascii=False)
    stream.write("\n")
