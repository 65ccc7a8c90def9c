"""Every output format, through click's runner and as a real process."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from respgate_lint.cli.output.github import escape_data, escape_property
from tests.cli.ptyrun import run_in_pty
from tests.modes import CLI_HOWS

from .conftest import BYPASSES, make_file, run_process

# a file only fails to parse when it is parsed: the prefilter skips files without a needle
BROKEN = 'E = "response.create"\ndef f(:\n'
SCHEMA = json.loads((Path(__file__).parent / "schemas" / "sarif-schema-2.1.0.json")
                    .read_text(encoding="utf-8"))


def validate_sarif(doc: dict) -> None:
    jsonschema.validate(doc, SCHEMA, cls=jsonschema.Draft4Validator,
                        format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)


# ---------------------------------------------------------------- text

@pytest.mark.parametrize("how", CLI_HOWS)
def test_text_plain_when_not_a_tty(project: Path, invoke, how: str) -> None:
    args = ["check", "src"]
    run = invoke(args, project) if how == "runner" else run_process(args, project)
    assert run.code == 1
    assert "\x1b" not in run.out + run.err
    lines = run.out.splitlines()
    assert "src/agent.py:6:15: RGT001 response.create sent outside the gate" in run.out
    # the source line and a caret underline of exactly the call
    at = lines.index(next(line for line in lines if line.startswith("src/agent.py:6:15")))
    assert lines[at + 1] == ' 6 |         await self.client.send_event({"type": "response.create"})'
    assert lines[at + 2] == "   |               " + "^" * len(
        'self.client.send_event({"type": "response.create"})')
    assert "not auto-fixable: no gate in reach" in run.out
    assert run.out.rstrip().endswith("Found 3 findings in 1 file (2 fixable with `respgate fix`).")
    assert not any(ch in run.out for ch in "─│┃━╭╮")  # no box drawing


def test_text_colour_on_a_tty_and_none_with_no_color(project: Path) -> None:
    coloured = run_in_pty(["check", "src"], project, {}, stderr_too=False)
    assert "\x1b[" in coloured
    assert "RGT001" in coloured
    plain = run_in_pty(["check", "src"], project, {"NO_COLOR": "1"}, stderr_too=False)
    assert "\x1b" not in plain
    assert "src/agent.py:6:15: RGT001" in plain


@pytest.mark.parametrize("how", CLI_HOWS)
def test_no_color_env_gives_plain_text(project: Path, invoke, how: str) -> None:
    args = ["check", "src"]
    env = {"NO_COLOR": "1"}
    run = invoke(args, project, env) if how == "runner" else run_process(args, project, env)
    assert run.code == 1 and "\x1b" not in run.out and "RGT001" in run.out


def test_text_clean_run_says_so(project: Path, invoke) -> None:
    run = invoke(["check", "src/gate.py"], project)
    assert run.code == 0
    assert run.out.strip() == "All checks passed (1 file checked)."


def test_text_reports_unparsable_and_missing_files_and_goes_on(project: Path, invoke) -> None:
    make_file(project, "src/broken.py", BROKEN)
    run = invoke(["check", "src", "nope.py"], project)
    assert run.code == 1
    assert "src/broken.py:1:1: E999 syntax error at line 2" in run.out
    assert "nope.py:1:1: E902 no such file or directory" in run.out
    assert "src/agent.py:6:15: RGT001" in run.out
    assert "2 files could not be checked" in run.out


# ---------------------------------------------------------------- json

@pytest.mark.parametrize("how", CLI_HOWS)
def test_json_schema(project: Path, invoke, how: str) -> None:
    make_file(project, "src/broken.py", BROKEN)
    args = ["check", "--output-format", "json", "src"]
    run = invoke(args, project) if how == "runner" else run_process(args, project)
    assert run.code == 1
    doc = json.loads(run.out)
    assert doc["version"] == 1 and doc["tool"]["name"] == "respgate"
    first = doc["findings"][0]
    assert first == {
        "path": "src/agent.py", "line": 6, "column": 15, "end_line": 6,
        "end_column": 15 + len('self.client.send_event({"type": "response.create"})'),
        "code": "RGT001",
        "message": "response.create sent outside the gate (dict-literal via `send_event`); "
                   "route it through `trigger_response(...)`",
        "form": "dict-literal", "fixable": True, "fix_safety": "safe", "unsafe_because": None,
        "why_not_fixable": None,
        "function": "on_tool_done", "class": "Bridge",
        "event": {"line": 6, "column": 15 + len("self.client.send_event("), "end_line": 6,
                  "end_column": 15 + len('self.client.send_event({"type": "response.create"}')},
    }
    multi = doc["findings"][1]
    assert (multi["line"], multi["end_line"], multi["form"]) == (9, 10, "json-dumps")
    sdk = doc["findings"][2]
    assert sdk["fixable"] is False and "no gate in reach" in sdk["why_not_fixable"]
    assert sdk["class"] is None and sdk["function"] == "retry"
    assert sdk["event"] is None   # conn.response.create(): no expression is the event
    assert doc["errors"] == [{"path": "src/broken.py", "kind": "syntax",
                              "message": doc["errors"][0]["message"]}]
    assert doc["summary"] == {"files_checked": 2, "findings": 3, "errors": 1,
                              "silenced_by_noqa": 0, "baselined": None, "baseline_fixed": 0}
    assert "statistics" not in doc


def test_json_columns_count_characters_not_bytes(tmp_path: Path, invoke) -> None:
    make_file(tmp_path, "heb.py", 'async def f(c):\n    x = "שלום🙂"; await c.response.create()\n')
    doc = json.loads(invoke(["check", "--output-format", "json", "heb.py"], tmp_path).out)
    line = 'x = "שלום🙂"; await c.response.create()'
    assert doc["findings"][0]["column"] == 4 + line.index("c.response") + 1


def test_json_clean(project: Path, invoke) -> None:
    run = invoke(["check", "--output-format", "json", "src/gate.py"], project)
    assert run.code == 0
    doc = json.loads(run.out)
    assert doc["findings"] == [] and doc["errors"] == []


# ---------------------------------------------------------------- github

@pytest.mark.parametrize("how", CLI_HOWS)
def test_github_annotations(project: Path, invoke, how: str) -> None:
    args = ["check", "--output-format", "github", "src"]
    run = invoke(args, project) if how == "runner" else run_process(args, project)
    assert run.code == 1
    lines = run.out.splitlines()
    assert len(lines) == 3
    assert lines[0].startswith(
        "::error file=src/agent.py,line=6,col=15,endLine=6,endColumn=65,title=RGT001::"
        "response.create sent outside the gate")
    # a call over two lines: GitHub accepts columns only on one line
    assert lines[1].startswith("::error file=src/agent.py,line=9,endLine=10,title=RGT001::")
    assert "(not auto-fixable: no gate in reach" in lines[2]


def test_github_escaping() -> None:
    assert escape_data("50% done\r\nnext") == "50%25 done%0D%0Anext"
    assert escape_property("a:b,c%d\n") == "a%3Ab%2Cc%25d%0A"


def test_github_escapes_odd_file_names(tmp_path: Path, invoke) -> None:
    make_file(tmp_path, "we,ird:name%.py", BYPASSES)
    run = invoke(["check", "--output-format", "github", "."], tmp_path)
    assert run.out.startswith("::error file=we%2Cird%3Aname%25.py,line=6,")


# ---------------------------------------------------------------- sarif

@pytest.mark.parametrize("how", CLI_HOWS)
def test_sarif_is_valid_and_complete(project: Path, invoke, how: str) -> None:
    make_file(project, "src/broken.py", BROKEN)
    args = ["check", "--output-format", "sarif", "src"]
    run = invoke(args, project) if how == "runner" else run_process(args, project)
    assert run.code == 1
    doc = json.loads(run.out)
    validate_sarif(doc)
    sarif_run = doc["runs"][0]
    rules = sarif_run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == ["RGT001", "RGT002", "RGT003"]
    assert rules[0]["shortDescription"]["text"].startswith("A response.create event is sent")
    assert "conversation_already_has_active_response" in rules[0]["fullDescription"]["text"]
    assert "```python" in rules[0]["help"]["markdown"]
    results = sarif_run["results"]
    assert [r["ruleId"] for r in results] == ["RGT001"] * 3
    loc = results[0]["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"] == {"uri": "src/agent.py", "uriBaseId": "%SRCROOT%"}
    assert loc["region"] == {"startLine": 6, "startColumn": 15, "endLine": 6, "endColumn": 66}
    assert "fixes" in results[0] and "fixes" in results[1]
    assert "fixes" not in results[2]  # no `self`: the codemod would not touch it
    notes = sarif_run["invocations"][0]["toolExecutionNotifications"]
    where = notes[0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert where["uri"] == "src/broken.py"


def _apply_sarif_fixes(text: str, results: list[dict]) -> str:
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    edits = []
    for result in results:
        for fix in result.get("fixes", []):
            for change in fix["artifactChanges"]:
                for rep in change["replacements"]:
                    reg = rep["deletedRegion"]
                    start = starts[reg["startLine"] - 1] + reg["startColumn"] - 1
                    end = starts[reg["endLine"] - 1] + reg["endColumn"] - 1
                    edits.append((start, end, rep["insertedContent"]["text"]))
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    return text


def test_sarif_fixes_are_what_respgate_fix_writes(project: Path, invoke) -> None:
    doc = json.loads(invoke(["check", "--output-format", "sarif", "src/agent.py"], project).out)
    fixed = _apply_sarif_fixes(BYPASSES, doc["runs"][0]["results"])
    assert 'await self.trigger_response("TOOL_DONE", self.client, force=False)' in fixed
    assert 'response={"modalities": ["audio"]}' in fixed
    compile(fixed, "fixed.py", "exec")
    make_file(project, "src/agent.py", fixed)
    after = json.loads(invoke(["check", "--output-format", "json", "src/agent.py"], project).out)
    assert [f["function"] for f in after["findings"]] == ["retry"]  # only the unfixable one left


def test_sarif_clean_run_is_valid(project: Path, invoke) -> None:
    run = invoke(["check", "--output-format", "sarif", "src/gate.py"], project)
    assert run.code == 0
    doc = json.loads(run.out)
    validate_sarif(doc)
    assert doc["runs"][0]["results"] == []
