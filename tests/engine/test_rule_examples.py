"""Every VALID/INVALID snippet of the rule catalogue, through the engine.

The same objects render `respgate explain`, so docs and behaviour cannot drift apart.
"""

from __future__ import annotations

import ast

import pytest

from respgate_lint.config import Settings
from respgate_lint.engine import analyze_source
from respgate_lint.rules import RULES

VALID = [(code, i, src) for code, rule in RULES.items() for i, src in enumerate(rule.valid)]
INVALID = [(code, i, src) for code, rule in RULES.items() for i, src in enumerate(rule.invalid)]


@pytest.mark.parametrize("code,index,source", VALID, ids=lambda v: str(v)[:12])
def test_valid_examples_have_no_finding(code: str, index: int, source: str) -> None:
    ast.parse(source)
    codes = [f.code for f in analyze_source(source, Settings()).findings]
    assert code not in codes


@pytest.mark.parametrize("code,index,source", INVALID, ids=lambda v: str(v)[:12])
def test_invalid_examples_have_exactly_one_finding(code: str, index: int, source: str) -> None:
    codes = [f.code for f in analyze_source(source, Settings()).findings]
    assert codes.count(code) == 1, codes


def test_every_rule_has_examples_and_text() -> None:
    for rule in RULES.values():
        assert rule.valid and rule.invalid and rule.why and rule.summary
        assert rule.format(form="x", method="y", gate="z", function="f", problem="p").startswith(rule.code)


@pytest.mark.parametrize("before,after", RULES["RGT001"].fixes)
def test_fix_examples_are_findings_before_and_clean_after(before: str, after: str) -> None:
    assert [f.code for f in analyze_source(before, Settings()).findings] == ["RGT001"]
    assert all(f.fixable for f in analyze_source(before, Settings()).findings)
    assert analyze_source(after, Settings()).findings == []
