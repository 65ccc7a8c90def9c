"""Every malformed configuration or baseline is one line naming the file (and the key), exit
2, never "internal error" or a traceback; and a user regex that can backtrack
catastrophically is refused before it can hang ``check`` or flake8."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from respgate_lint.config import (
    MAX_NAME_LENGTH,
    ConfigError,
    NamePattern,
    Settings,
    backtracking_problem,
    settings_from_mapping,
)
from respgate_lint.engine import analyze_source

from .helpers import GOOD, RESPGATE, run_cli

# (pyproject.toml bytes, what the one line must name)
CONFIGS: dict[str, tuple[bytes, str]] = {
    "wrong-type-list": (b'[tool.respgate]\ngate-functions = 5\n', "gate-functions"),
    "wrong-item-type": (b'[tool.respgate]\ngate-functions = [1, 2]\n', "gate-functions"),
    "table-for-list": (b'[tool.respgate]\ngate-functions = {a = 1}\n', "gate-functions"),
    "huge-int": (b'[tool.respgate]\nevent-types = 99999999999999999999999999999999\n',
                 "event-types"),
    "unknown-key": (b'[tool.respgate]\ngate-function = ["g"]\n', "gate-function"),
    "unknown-subtable": (b'[tool.respgate.extra]\na = 1\n', "extra"),
    "bad-regex": (b'[tool.respgate]\nconstant-pattern = "(["\n', "constant-pattern"),
    "regex-not-string": (b'[tool.respgate]\nclass-pattern = ["x"]\n', "class-pattern"),
    "pfi-number": (b'[tool.respgate]\nper-file-ignores = 5\n', "per-file-ignores"),
    "pfi-list": (b'[tool.respgate]\nper-file-ignores = ["tests/*"]\n', "per-file-ignores"),
    "pfi-value-number": (b'[tool.respgate.per-file-ignores]\n"tests/*" = 5\n', "per-file-ignores"),
    "pfi-value-items": (b'[tool.respgate.per-file-ignores]\n"tests/*" = [1]\n', "per-file-ignores"),
    "pfi-bad-code": (b'[tool.respgate.per-file-ignores]\n"tests/*" = ["nope!"]\n',
                     "per-file-ignores"),
    "pfi-text-no-colon": (b'[tool.respgate]\nper-file-ignores = "tests/* RGT001"\n',
                          "per-file-ignores"),
    "respgate-not-table": (b'[tool]\nrespgate = 5\n', "[tool.respgate]"),
    "respgate-array": (b'tool.respgate = [1, 2]\n', "[tool.respgate]"),
    "tool-not-table": (b'tool = "respgate"\n', "'tool'"),
    "invalid-toml": (b'[tool.respgate\ngate-functions = ["g"]\n', "invalid TOML"),
    "deep-toml": (b'[tool.respgate]\nexclude = ' + b"[" * 5000 + b"]" * 5000 + b"\n",
                  "invalid TOML"),
    "binary": (b'[tool.respgate]\n\xff\xfe\x00\x01\x02 gate-functions', "UTF-8"),
    "exclude-numbers": (b'[tool.respgate]\nexclude = [1]\n', "exclude"),
    "apis-unknown": (b'[tool.respgate]\napis = ["nope"]\n', "apis"),
    "select-number": (b'[tool.respgate]\nselect = 5\n', "select"),
    "select-no-rule": (b'[tool.respgate]\nselect = ["XYZ999"]\n', "select"),
    "prefix-type": (b'[tool.respgate]\ntool-reason-prefix = 1\n', "tool-reason-prefix"),
    "param-not-identifier": (b'[tool.respgate]\ngate-reason-param = "not one"\n',
                             "gate-reason-param"),
    "event-types-empty": (b'[tool.respgate]\nevent-types = []\n', "event-types"),
    "nested-quantifier": (b'[tool.respgate]\nconstant-pattern = \'^(a+)+$\'\n', "constant-pattern"),
    "repeated-alternation": (b'[tool.respgate]\nsend-pattern = \'^(a|aa)+$\'\n', "send-pattern"),
}


def _baseline_entry(**changes: object) -> dict[str, object]:
    entry: dict[str, object] = {"path": "m.py", "code": "RGT001", "function": "f",
                                "call": "ws.send(x)", "count": 1}
    entry.update(changes)
    return {key: value for key, value in entry.items() if value is not ...}


def _document(*entries: object, version: object = 1) -> bytes:
    return json.dumps({"version": version, "tool": "respgate", "findings": list(entries)}).encode()


# (baseline file bytes, what the one line must name)
BASELINES: dict[str, tuple[bytes, str]] = {
    "invalid-json": (b'{"version": 1, "findings": [', "not valid JSON"),
    "empty": (b"", "not valid JSON"),
    "not-utf8": (b'{"version": 1, "findings": ["\xff"]}', "UTF-8"),
    "top-level-list": (b"[]", "JSON object"),
    "top-level-string": (b'"baseline"', "JSON object"),
    "top-level-number": (b"12", "JSON object"),
    "no-version": (b'{"findings": []}', "'version'"),
    "version-2": (_document(version=2), "'version'"),
    "version-string": (_document(version="1"), "'version'"),
    "version-true": (_document(version=True), "'version'"),
    "findings-object": (b'{"version": 1, "findings": {"a": 1}}', "'findings'"),
    "findings-number": (b'{"version": 1, "findings": 5}', "'findings'"),
    "entry-not-object": (_document("m.py"), "findings[0]"),
    "entry-missing-call": (_document(_baseline_entry(call=...)), "'call'"),
    "entry-code-number": (_document(_baseline_entry(code=5)), "'code'"),
    "entry-path-null": (_document(_baseline_entry(path=None)), "'path'"),
    "count-string": (_document(_baseline_entry(count="2")), "'count'"),
    "count-negative": (_document(_baseline_entry(count=-1)), "'count'"),
    "count-zero": (_document(_baseline_entry(count=0)), "'count'"),
    "count-float": (_document(_baseline_entry(count=1.5)), "'count'"),
    "count-bool": (_document(_baseline_entry(count=True)), "'count'"),
    "count-huge": (_document(_baseline_entry(count=10**40)), "'count'"),
    "count-enormous": (_document(_baseline_entry()).replace(b'"count": 1', b'"count": ' + b"9" * 5000),
                       "'count'"),
    "count-overflow-float": (_document(_baseline_entry()).replace(b'"count": 1', b'"count": 1e400'),
                             "'count'"),
    "count-nan": (_document(_baseline_entry()).replace(b'"count": 1', b'"count": NaN'), "'count'"),
    "deep-json": (b"[" * 100_000 + b"]" * 100_000, "not valid JSON"),
    "second-entry-bad": (_document(_baseline_entry(), _baseline_entry(function=[])),
                         "findings[1]"),
}


def _config_tree(tmp_path: Path, data: bytes) -> Path:
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "pyproject.toml").write_bytes(data)
    (tree / "m.py").write_bytes(GOOD)
    return tree


def _assert_one_line(out: str, code: int, path_part: str, names: str) -> None:
    lines = [line for line in out.splitlines() if line.strip()]
    assert code == 2, out
    assert len(lines) == 1, out
    assert path_part in lines[0] and names in lines[0], out
    assert "internal error" not in out and "Traceback" not in out, out


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_malformed_config_is_one_line_naming_file_and_key(tmp_path: Path, name: str) -> None:
    data, names = CONFIGS[name]
    tree = _config_tree(tmp_path, data)
    for args in (["check", "."], ["fix", "--diff", "."], ["baseline", ".", "-o", "b.json"]):
        run = run_cli("runner", args, tree)
        _assert_one_line(run.out, run.code, "pyproject.toml", names)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_malformed_config_through_the_cli_and_flake8(tmp_path: Path, name: str) -> None:
    data, names = CONFIGS[name]
    tree = _config_tree(tmp_path, data)
    run = run_cli("process", ["check", "m.py"], tree)
    _assert_one_line(run.out, run.code, str(tree / "pyproject.toml"), names)
    proc = subprocess.run([sys.executable, "-m", "flake8", "--select", "RGT", "m.py"],
                          capture_output=True, text=True, cwd=tree, timeout=120)
    out = proc.stdout + proc.stderr
    assert proc.returncode in (1, 2) and "Traceback" not in out and names in out, out
    assert "m.py:7:" not in out   # never checked with the defaults instead


@pytest.mark.parametrize("name", sorted(BASELINES))
def test_malformed_baseline_is_one_line_naming_file_and_key(tmp_path: Path, name: str) -> None:
    data, names = BASELINES[name]
    (tmp_path / "m.py").write_bytes(GOOD)
    (tmp_path / "base.json").write_bytes(data)
    run = run_cli("runner", ["check", "--baseline", "base.json", "m.py"], tmp_path)
    _assert_one_line(run.out, run.code, "base.json", names)


@pytest.mark.slow
def test_malformed_baselines_through_the_cli(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_bytes(GOOD)
    for name, (data, names) in sorted(BASELINES.items()):
        (tmp_path / f"{name}.json").write_bytes(data)
        proc = subprocess.run([RESPGATE, "check", "--baseline", f"{name}.json", "m.py"],
                              capture_output=True, text=True, cwd=tmp_path, timeout=120)
        _assert_one_line(proc.stdout + proc.stderr, proc.returncode, f"{name}.json", names)


def test_baseline_that_is_a_folder(tmp_path: Path) -> None:
    """click refuses it as a usage error (its own wording: usage, then the error)."""
    (tmp_path / "m.py").write_bytes(GOOD)
    (tmp_path / "base.json").mkdir()
    run = run_cli("runner", ["check", "--baseline", "base.json", "m.py"], tmp_path)
    assert run.code == 2 and "'base.json' is a directory" in run.out, run.out


# -- catastrophic backtracking ---------------------------------------------------------------
@pytest.mark.parametrize("pattern", [
    r"^(a+)+$", r"^(a*)*$", r"(\w+)*x", r"^(a|aa)+$", r"^(?:[A-Z]+_?)+$", r"^(a{1,3})+$",
    r"(?=(a+)+b)", r"^((ab)*c+)*$",
])
def test_nested_quantifiers_are_refused(pattern: str) -> None:
    assert backtracking_problem(pattern)
    with pytest.raises(ConfigError) as info:
        settings_from_mapping({"class-pattern": pattern}, source="pyproject.toml")
    assert "'class-pattern'" in str(info.value) and "\n" not in str(info.value)


@pytest.mark.parametrize("pattern", [
    Settings().constant_pattern, Settings().event_constant_pattern, Settings().class_pattern,
    Settings().send_pattern, r"^(?>a+)+$", r"^(?:a++)+$", r"^(?:ab)+$", r"^(a{2})+$",
    r"^(?:[A-Z0-9_]*_)?START$", r"^x(?:y|z)+$",
])
def test_linear_patterns_are_accepted(pattern: str) -> None:
    assert backtracking_problem(pattern) is None
    settings_from_mapping({"constant-pattern": pattern})


def test_catastrophic_pattern_is_a_fast_clear_error(tmp_path: Path) -> None:
    """Before: `check` and flake8 spent exponential time on a long name. The subprocess bound
    is a hang detector, generous enough never to be timing luck."""
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "pyproject.toml").write_text("[tool.respgate]\nconstant-pattern = '^(a+)+$'\n")
    (tree / "m.py").write_text("async def f(ws):\n    await ws.send_event({'type': "
                               + "a" * 60 + "b})\n")
    proc = subprocess.run([RESPGATE, "check", "m.py"], capture_output=True, text=True,
                          cwd=tree, timeout=60)
    _assert_one_line(proc.stdout + proc.stderr, proc.returncode, "pyproject.toml",
                     "'constant-pattern'")
    assert "nested quantifier" in proc.stderr
    flake8 = subprocess.run([sys.executable, "-m", "flake8", "--select", "RGT",
                             "--respgate-constant-pattern=^(a+)+$", "m.py"],
                            capture_output=True, text=True, cwd=tree, timeout=60)
    assert flake8.returncode == 2 and "constant-pattern" in flake8.stderr, flake8.stderr


def test_names_are_matched_with_a_length_bound() -> None:
    """A pattern of adjacent quantifiers is polynomial, not exponential; with names bounded
    at MAX_NAME_LENGTH, a generated 100,000-character name costs nothing."""
    pattern = NamePattern(r"^a*a*a*a*b$")
    assert pattern.match("a" * 10 + "b")
    assert pattern.match("a" * 100_000) is None and pattern.search("a" * 100_000) is None
    assert pattern.match("a" * (MAX_NAME_LENGTH - 1) + "b")
    settings = settings_from_mapping({"constant-pattern": r"^[A-Z_]*RESPONSE_CREATE$"})
    long_name = "X" * 100_000 + "_RESPONSE_CREATE"
    source = f"async def f(ws):\n    await ws.send_event({{'type': {long_name}}})\n"
    assert analyze_source(source, settings).findings == []
    assert len(analyze_source(source.replace("X" * 100_000 + "_", ""), settings).findings) == 1
