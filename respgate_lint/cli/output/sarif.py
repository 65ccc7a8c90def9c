"""``--output-format sarif``: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

One run: ``tool.driver.rules`` from the rule catalogue (help rendered by ``respgate explain``),
one result per finding with a region in 1-based lines and character columns
(``columnKind: unicodeCodePoints``), and, where the codemod would rewrite the site, a
``fixes`` entry whose replacement text comes from the real codemod's one rewrite of the file
(``respgate_lint.codemods.rewrite``, imported only here). Files that could not be checked become tool execution notifications.
A file name that is not valid UTF-8 (``caf\\xe9.py`` on Linux) is a percent-encoded URI of its
bytes (``caf%E9.py``, what RFC 3986 asks for) and U+FFFD in message text, so the document
stays valid JSON with every result in it.
"""

from __future__ import annotations

import hashlib
import json
import os
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
from ..terminal import replace_surrogates
from . import Report, display_path, fix_hint, plain_message

__all__ = ["SARIF_SCHEMA", "document", "render", "replacements_for", "site_fixes"]

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
    """The file's URI, percent-encoding its bytes (valid for any name, UTF-8 or not)."""
    shown = display_path(path)
    encoded = quote(os.fsencode(shown))
    if Path(shown).is_absolute():
        return {"uri": "file://" + encoded}
    return {"uri": encoded, "uriBaseId": SRCROOT}


def _region(line: int, col: int, end_line: int, end_col: int) -> dict[str, int]:
    return {"startLine": line, "startColumn": col + 1, "endLine": end_line,
            "endColumn": end_col + 1}


def _result(result: FileResult, finding: Finding, rule_index: dict[str, int],
            fixes: dict[int, Fix], lines: list[str]) -> dict[str, Any]:
    span = finding.span
    message = plain_message(finding)
    message += f" ({fix_hint(finding)})."
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
        call = span_text(lines, span)
        parts = (display_path(result.path), finding.code, str(finding.function),
                 " ".join(call.split()))
        digest = hashlib.sha256("\0".join(parts).encode("utf-8", "surrogateescape")).hexdigest()[:32]
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
Fix = tuple[Region, str]


def replacements_for(result: FileResult, settings: Settings) -> dict[tuple[int, int], Fix]:
    """(line, col) of each safely fixable site -> (statement region, replacement text).

    One run of the real rewrite over the file (the one ``respgate fix`` does), reusing the
    analysis when the result still holds its tree; each rewritten site keeps its statement's
    new text, which is the SARIF replacement, so applying every fix yields the code
    ``respgate fix`` writes. Unsafe fixes are not offered. A failure here costs only the
    fixes, never the SARIF document.
    """
    source = result.source
    if source is None or not any(f.safe_fix and f.code == "RGT001" for f in result.findings):
        return {}
    try:
        from respgate_lint.codemods.rewrite import rewrite_file, rewrite_source

        if result.tree is not None:
            whole = rewrite_file(result, settings, sites_only=True)
        else:
            whole = rewrite_source(source.data, source.text, source.encoding, settings,
                                   filename=str(result.path))
        if whole.error or whole.problem:
            raise ValueError(whole.error or whole.problem)
        out: dict[tuple[int, int], Fix] = {}
        for site in whole.sites:
            if site.status == "rewritten" and site.replacement is not None:
                span, text = site.replacement
                out[(site.line, site.col)] = ((span.line, span.col, span.end_line, span.end_col),
                                              text)
        return out
    except Exception as exc:  # noqa: BLE001 - fixes are optional; the report must still come out
        sys.stderr.write(f"respgate: no SARIF fixes for {display_path(result.path)}: {exc}\n")
        return {}


def site_fixes(result: FileResult, settings: Settings) -> dict[int, Fix]:
    """id(finding) -> its fix (computed while checking, or now)."""
    found = result.replacements
    if found is None:
        found = replacements_for(result, settings)
    return {id(f): found[(f.line, f.col)] for f in result.findings if (f.line, f.col) in found}


def document(report: Report) -> dict[str, Any]:
    rules = _rules()
    rule_index = {rule["id"]: i for i, rule in enumerate(rules)}
    results = []
    for result in report.results:
        fixes = site_fixes(result, report.settings_for(result.path)) if result.findings else {}
        lines = split_lines(result.source.text) if result.source is not None else []
        results += [_result(result, f, rule_index, fixes, lines) for f in result.findings]
    notifications = [
        {"level": "error", "message": {"text": replace_surrogates(r.problem.message)},
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
    text = json.dumps(document(report), indent=2, ensure_ascii=False)
    stream.write(replace_surrogates(text) + "\n")
