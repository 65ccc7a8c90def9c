"""The eval files, run through the engine, real flake8 and real `respgate check`.

Each eval file marks its expected findings with a trailing `# RGT00x` comment; lines
without one must produce nothing. All three entry points must agree exactly.
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

from tests.engine.expectations import EVAL_DIR, eval_files, expected_findings

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


def test_eval_files_cover_every_rule_and_form() -> None:
    codes = {code for path in eval_files() for _, code in expected_findings(path)}
    assert codes == {"RGT001", "RGT002", "RGT003"}
    forms = set()
    for path in eval_files():
        source = path.read_text(encoding="utf-8")
        forms |= {f.form.value for f in analyze_source(source, Settings()).findings}
    assert {"dict-literal", "dict-call", "constant", "json-dumps", "json-text", "variable",
            "typed-class", "sdk-method", "event-constant"} <= forms


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], capture_output=True, text=True,
                          cwd=EVAL_DIR, env={"NO_COLOR": "1", "PATH": "/usr/bin:/bin"})


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


def test_check_and_flake8_report_identical_findings(flake8_output, check_output) -> None:
    assert sorted(flake8_output) == sorted(check_output)
    for name in flake8_output:
        assert sorted(flake8_output[name]) == sorted(check_output[name]), name


def test_columns_count_characters_after_non_ascii_text(check_output) -> None:
    source = (EVAL_DIR / "unicode_and_noqa.py").read_text(encoding="utf-8").splitlines()
    for line, col, code, _ in check_output["unicode_and_noqa.py"]:
        text = source[line - 1]
        assert text[col - 1:].startswith(("client.send_event", "ws.send")), (line, col, text)
