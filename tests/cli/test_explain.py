"""``respgate explain``: rendered from the rule objects; docs/rules.md kept in step."""

from __future__ import annotations

from pathlib import Path

import pytest

from respgate_lint.cli.explain import render_all_markdown, render_rule
from respgate_lint.rules import RULES

from tests.modes import CLI_HOWS

from .conftest import run_process

REPO = Path(__file__).resolve().parents[2]


def _indented(snippet: str) -> str:
    return "\n".join(("    " + line) if line else "" for line in snippet.rstrip("\n").splitlines())


@pytest.mark.parametrize("code", sorted(RULES))
@pytest.mark.parametrize("how", CLI_HOWS)
def test_explain_shows_why_forms_examples_and_fix(tmp_path: Path, invoke, code: str,
                                                  how: str) -> None:
    args = ["explain", code.lower()]
    run = invoke(args, tmp_path) if how == "runner" else run_process(args, tmp_path)
    assert run.code == 0
    assert "\x1b" not in run.out  # not a terminal: plain text
    rule = RULES[code]
    assert run.out.startswith(f"{code}  {rule.name}\n{rule.summary}\n")
    assert " ".join(rule.why.split()) in " ".join(run.out.split())
    for snippet in (*rule.valid, *rule.invalid, *(s for pair in rule.fixes for s in pair)):
        assert _indented(snippet) in run.out
    for form in rule.forms:
        assert " ".join(form.split()) in " ".join(run.out.split())
    if not rule.fixes:
        assert "Not fixed automatically" in run.out


def test_explain_unknown_code_lists_the_known_ones(tmp_path: Path, invoke) -> None:
    args = ["explain", "RGT999"]
    for run in (invoke(args, tmp_path), run_process(args, tmp_path)):
        assert run.code == 2
        assert run.err.strip() == ("respgate: unknown rule code 'RGT999' "
                                   "(known codes: RGT001, RGT002, RGT003)")


def test_explain_needs_a_code_or_all(tmp_path: Path, invoke) -> None:
    assert invoke(["explain"], tmp_path).code == 2
    everything = invoke(["explain", "--all"], tmp_path)
    assert everything.code == 0 and all(code in everything.out for code in RULES)


def test_markdown_has_fenced_examples() -> None:
    text = render_rule(RULES["RGT001"], "markdown")
    assert text.startswith("## RGT001: response-create-outside-gate\n")
    assert "```python\n" + RULES["RGT001"].fixes[0][1].rstrip("\n") + "\n```" in text


def test_docs_rules_md_is_up_to_date(tmp_path: Path, invoke) -> None:
    """Regenerate with: respgate explain --all --format markdown > docs/rules.md"""
    on_disk = (REPO / "docs" / "rules.md").read_text(encoding="utf-8")
    assert on_disk == render_all_markdown(), (
        "docs/rules.md is stale: run `respgate explain --all --format markdown > docs/rules.md`")
    assert invoke(["explain", "--all", "--format", "markdown"], tmp_path).out == on_disk
