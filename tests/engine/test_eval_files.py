"""The eval files, run through the engine, real flake8 and real `respgate check`.

Each eval file marks its expected findings with a trailing `# RGT00x` comment (`# RGT001: 12`
also pins the 1-based column); lines without one must produce nothing. All three entry
points must agree exactly. Every send form of the catalogue (forms.py) must be the form of
some expected finding, and have its row there.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from respgate_lint.config import Settings
from respgate_lint.engine import analyze_source, split_suppressed
from respgate_lint.forms import FORM_DOCS, Form
from tests.engine.expectations import (
    EVAL_DIR,
    eval_files,
    expected_columns,
    expected_findings,
)

_LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<code>[A-Z]+\d+) (?P<msg>.*)$")


def _parse(output: str, strict: bool = True) -> dict[str, list[tuple[int, int, str, str]]]:
    """``path:line:col: CODE message`` lines; ``strict``: nothing else may be printed."""
    by_file: dict[str, list[tuple[int, int, str, str]]] = defaultdict(list)
    for line in output.splitlines():
        match = _LINE.match(line)
        if not match and not strict:
            continue  # the text format's source snippets and summary
        assert match, f"unexpected output line: {line!r}"
        by_file[Path(match["path"]).name].append(
            (int(match["line"]), int(match["col"]), match["code"], match["msg"]))
    return by_file


@pytest.mark.parametrize("path", eval_files(), ids=lambda p: p.name)
def test_engine_matches_eval_comments(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    findings, _ = split_suppressed(analyze_source(source, Settings()).findings, source)
    assert {(f.line, f.code) for f in findings} == expected_findings(path)
    columns = {(f.line, f.code): f.col + 1 for f in findings}
    for key, column in expected_columns(path).items():
        assert columns[key] == column, key


def _expected_forms() -> dict[Form, list[str]]:
    """Form -> where an expected finding of that form is (the engine says which form)."""
    found: dict[Form, list[str]] = {}
    for path in eval_files():
        source = path.read_text(encoding="utf-8")
        expected = expected_findings(path)
        for finding in analyze_source(source, Settings()).findings:
            if (finding.line, finding.code) in expected:
                found.setdefault(finding.form, []).append(f"{path.name}:{finding.line}")
    return found


def test_eval_files_cover_every_rule() -> None:
    codes = {code for path in eval_files() for _, code in expected_findings(path)}
    assert codes == {"RGT001", "RGT002", "RGT003"}


def test_every_form_has_an_expected_finding_in_the_eval_files() -> None:
    """Adding a Form without an eval case fails here (CONTRIBUTING.md, "Adding a send form")."""
    missing = set(Form) - {Form.GATE_CALL} - set(_expected_forms())
    assert not missing, f"no eval case reports these forms: {sorted(f.value for f in missing)}"


def test_every_form_has_exactly_one_docs_row() -> None:
    rows = [doc.form for doc in FORM_DOCS]
    assert sorted(rows) == sorted(Form), "each Form needs one FormDoc row in forms.py"
    for doc in FORM_DOCS:
        assert doc.what and doc.example
        assert doc.by_hand is None or doc.by_hand.endswith("rewrite it by hand")


def test_forms_list_of_the_rule_is_the_catalogue() -> None:
    from respgate_lint.rules import RGT001

    assert len(RGT001.forms) == len(FORM_DOCS) - 1  # the gate call is not a send form
    for doc in FORM_DOCS:
        if doc.form is not Form.GATE_CALL:
            assert any(doc.example in line for line in RGT001.forms), doc.form


_APIS = Settings().replace(apis=("realtime", "responses-ws"))
_RESPONSES_WS = re.compile(r"#\s*(responses-ws)\s*$")


def _responses_ws_lines(path: Path) -> set[tuple[int, str]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return {(n, "RGT001") for n, text in enumerate(lines, 1) if _RESPONSES_WS.search(text)}


_API_FILES = [p for p in eval_files() if _responses_ws_lines(p)]


@pytest.mark.parametrize("path", _API_FILES, ids=lambda p: p.name)
def test_responses_ws_sends_are_reported_when_apis_asks(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    with_setting = {(f.line, f.code) for f in analyze_source(source, _APIS).findings}
    assert with_setting == expected_findings(path) | _responses_ws_lines(path)
    only = Settings().replace(apis=("responses-ws",))
    assert {(f.line, f.code) for f in analyze_source(source, only).findings} == (
        _responses_ws_lines(path))


def test_apis_setting_through_flake8_and_pyproject(tmp_path: Path) -> None:
    assert _API_FILES
    for path in _API_FILES:
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    want = {path.name: expected_findings(path) | _responses_ws_lines(path) for path in _API_FILES}
    proc = subprocess.run([sys.executable, "-m", "flake8", "--select", "RGT", "--isolated",
                           "--respgate-apis=realtime,responses-ws", "."],
                          capture_output=True, text=True, cwd=tmp_path, check=False)
    got = _parse(proc.stdout)
    assert {name: {(line, code) for line, _, code, _ in got.get(name, [])} for name in want} == want
    (tmp_path / "pyproject.toml").write_text(
        '[tool.respgate]\napis = ["realtime", "responses-ws"]\n', encoding="utf-8")
    proc = _run_in(tmp_path, "respgate_lint", "check", ".")
    got = _parse(proc.stdout, strict=False)
    assert {name: {(line, code) for line, _, code, _ in got.get(name, [])} for name in want} == want


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return _run_in(EVAL_DIR, *args)


def _run_in(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], capture_output=True, text=True,
                          cwd=cwd, env={"NO_COLOR": "1", "PATH": "/usr/bin:/bin"}, check=False)


@pytest.fixture(scope="module")
def flake8_output() -> dict[str, list[tuple[int, int, str, str]]]:
    proc = _run("flake8", "--select", "RGT", "--isolated", ".")
    assert proc.returncode == 1, proc.stderr
    return _parse(proc.stdout)


@pytest.fixture(scope="module")
def check_output() -> dict[str, list[tuple[int, int, str, str]]]:
    proc = _run("respgate_lint", "check", ".")
    assert proc.returncode == 1, proc.stderr
    return _parse(proc.stdout, strict=False)


@pytest.mark.parametrize("path", eval_files(), ids=lambda p: p.name)
def test_real_flake8_reports_the_expected_findings(path: Path, flake8_output) -> None:
    reported = {(line, code) for line, _, code, _ in flake8_output.get(path.name, [])}
    assert reported == expected_findings(path)
    columns = {(line, code): col for line, col, code, _ in flake8_output.get(path.name, [])}
    for key, column in expected_columns(path).items():
        assert columns[key] == column, key


def test_check_and_flake8_report_identical_findings(flake8_output, check_output) -> None:
    assert sorted(flake8_output) == sorted(check_output)
    for name in flake8_output:
        assert sorted(flake8_output[name]) == sorted(check_output[name]), name


def test_columns_count_characters_after_non_ascii_text(check_output) -> None:
    source = (EVAL_DIR / "unicode_and_noqa.py").read_text(encoding="utf-8").splitlines()
    for line, col, code, _ in check_output["unicode_and_noqa.py"]:
        text = source[line - 1]
        assert text[col - 1:].startswith(("client.send_event", "ws.send")), (line, col, text)
