"""Exit codes, options and configuration of ``respgate check``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.modes import CLI_HOWS

from .conftest import BYPASSES, CLEAN, make_file, run_process

TWO_CODES = BYPASSES + '''

class Other(GatedResponseMixin):
    async def on_done(self):
        self.trigger_response("DONE", self.client)
'''


def _codes(out: str) -> list[str]:
    return [f["code"] for f in json.loads(out)["findings"]]


# ---------------------------------------------------------------- exit codes

@pytest.mark.parametrize("how", CLI_HOWS)
@pytest.mark.parametrize("args, expected", [
    (["check", "src/gate.py"], 0),
    (["check", "src"], 1),
    (["check", "--exit-zero", "src"], 0),
    (["check", "missing.py"], 1),
    (["check", "--output-format", "xml", "src"], 2),
    (["check", "--no-such-option"], 2),
    (["check", "--select", "rgt-1", "src"], 2),
    (["check", "--config", "nowhere.toml", "src"], 2),
    (["check", "--baseline", "nowhere.json", "src"], 2),
])
def test_exit_codes(project: Path, invoke, how: str, args: list[str], expected: int) -> None:
    run = invoke(args, project) if how == "runner" else run_process(args, project)
    assert run.code == expected, run.out + run.err
    if expected == 2:
        assert len(run.err.strip().splitlines()) <= 4 and "Traceback" not in run.err


@pytest.mark.parametrize("how", CLI_HOWS)
def test_unparsable_file_exits_1_even_without_findings(tmp_path: Path, invoke, how: str) -> None:
    make_file(tmp_path, "broken.py", 'E = "response.create"\ndef f(:\n')
    args = ["check", "."]
    run = invoke(args, tmp_path) if how == "runner" else run_process(args, tmp_path)
    assert run.code == 1 and "E999" in run.out


def test_exit_zero_still_fails_on_config_errors(project: Path, invoke) -> None:
    make_file(project, "pyproject.toml", "[tool.respgate]\ngate-function = ['x']\n")
    assert invoke(["check", "--exit-zero", "src"], project).code == 2


def test_internal_error_is_one_line_and_exit_2(project: Path, invoke,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    # a failure deep inside a library (here: the JSON encoder) must not print a traceback
    def boom(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(json, "dumps", boom)
    run = invoke(["check", "--output-format", "json", "src"], project)
    assert run.code == 2
    assert len(run.err.strip().splitlines()) == 1
    assert run.err.startswith("respgate: internal error: RuntimeError: disk on fire (a bug in "
                              "respgate: please report it; RESPGATE_DEBUG=1 shows the traceback)")


# ---------------------------------------------------------------- config

@pytest.mark.parametrize("how", CLI_HOWS)
def test_unknown_config_key_is_named(project: Path, invoke, how: str) -> None:
    make_file(project, "pyproject.toml", "[tool.respgate]\ngate-function = ['my_gate']\n")
    args = ["check", "src"]
    run = invoke(args, project) if how == "runner" else run_process(args, project)
    assert run.code == 2
    assert "unknown key 'gate-function'" in run.err
    assert "pyproject.toml" in run.err
    assert len(run.err.strip().splitlines()) == 1


def test_config_found_by_walking_up_from_the_target(tmp_path: Path, invoke) -> None:
    make_file(tmp_path, "repo/pyproject.toml", "[tool.respgate]\ngate-functions = ['safe_send']\n")
    make_file(tmp_path, "repo/pkg/deep/mod.py", '''\
async def safe_send(client):
    await client.send_event({"type": "response.create"})
''')
    # run from outside the repository: the config is found from the file, not the cwd
    assert invoke(["check", "repo/pkg"], tmp_path).code == 0
    make_file(tmp_path, "other/mod.py", (tmp_path / "repo/pkg/deep/mod.py").read_text())
    assert invoke(["check", "other"], tmp_path).code == 1


def test_explicit_config_file(tmp_path: Path, invoke) -> None:
    make_file(tmp_path, "mod.py",
              'async def safe_send(c):\n    await c.send_event({"type": "response.create"})\n')
    make_file(tmp_path, "conf/alt.toml", "[tool.respgate]\ngate-functions = ['safe_send']\n")
    assert invoke(["check", "mod.py"], tmp_path).code == 1
    assert invoke(["check", "--config", "conf/alt.toml", "mod.py"], tmp_path).code == 0


def test_select_and_ignore_by_prefix(tmp_path: Path, invoke) -> None:
    make_file(tmp_path, "mod.py", TWO_CODES)
    base = ["check", "--output-format", "json", "mod.py"]
    assert sorted(set(_codes(invoke(base, tmp_path).out))) == ["RGT001", "RGT002"]
    assert set(_codes(invoke(base + ["--select", "RGT002"], tmp_path).out)) == {"RGT002"}
    assert set(_codes(invoke(base + ["--select", "RGT"], tmp_path).out)) == {"RGT001", "RGT002"}
    assert set(_codes(invoke(base + ["--ignore", "RGT00"], tmp_path).out)) == set()
    assert set(_codes(invoke(base + ["--ignore", "rgt001"], tmp_path).out)) == {"RGT002"}
    assert set(_codes(invoke(base + ["--select", "RGT001,RGT002", "--ignore", "RGT001"],
                             tmp_path).out)) == {"RGT002"}


def test_cli_flags_override_pyproject(tmp_path: Path, invoke) -> None:
    make_file(tmp_path, "pyproject.toml", "[tool.respgate]\nselect = ['RGT002']\n")
    make_file(tmp_path, "mod.py", TWO_CODES)
    base = ["check", "--output-format", "json", "mod.py"]
    assert set(_codes(invoke(base, tmp_path).out)) == {"RGT002"}
    assert set(_codes(invoke(base + ["--select", "RGT001"], tmp_path).out)) == {"RGT001"}


def test_per_file_ignores(tmp_path: Path, invoke) -> None:
    make_file(tmp_path, "pyproject.toml", '''\
[tool.respgate.per-file-ignores]
"legacy/*" = ["RGT001"]
"tests/test_*.py" = ["RGT"]
''')
    make_file(tmp_path, "legacy/old.py", TWO_CODES)
    make_file(tmp_path, "tests/test_bridge.py", TWO_CODES)
    make_file(tmp_path, "app/new.py", TWO_CODES)
    doc = json.loads(invoke(["check", "--output-format", "json", "."], tmp_path).out)
    seen = {(f["path"], f["code"]) for f in doc["findings"]}
    assert seen == {("legacy/old.py", "RGT002"), ("app/new.py", "RGT001"), ("app/new.py", "RGT002")}


def test_exclude(project: Path, invoke) -> None:
    assert invoke(["check", "--exclude", "agent.py", "src"], project).code == 0
    assert invoke(["check", "--exclude", "src/agent.py", "."], project).code == 0
    assert invoke(["check", "--exclude", "gate.py", "src"], project).code == 1


def test_pyproject_exclude(project: Path, invoke) -> None:
    make_file(project, "pyproject.toml", "[tool.respgate]\nexclude = ['agent.py']\n")
    assert invoke(["check", "src"], project).code == 0


# ---------------------------------------------------------------- statistics

def test_statistics_text(tmp_path: Path, invoke) -> None:
    make_file(tmp_path, "mod.py", TWO_CODES)
    run = invoke(["check", "--statistics", "mod.py"], tmp_path)
    assert run.code == 1
    lines = run.out.splitlines()
    assert lines[0] == "3  RGT001  response-create-outside-gate  (2 fixable)"
    assert lines[1] == "1  RGT002  gate-call-not-awaited  (0 fixable)"
    assert "mod.py:" not in run.out  # counts instead of each finding, as ruff does


def test_statistics_json(tmp_path: Path, invoke) -> None:
    make_file(tmp_path, "mod.py", TWO_CODES)
    doc = json.loads(invoke(["check", "--statistics", "--output-format", "json", "mod.py"],
                            tmp_path).out)
    assert doc["statistics"] == [{"code": "RGT001", "count": 3, "fixable": 2},
                                 {"code": "RGT002", "count": 1, "fixable": 0}]


def test_noqa_is_counted(tmp_path: Path, invoke) -> None:
    make_file(tmp_path, "mod.py", BYPASSES.replace(
        '"response.create"})\n', '"response.create"})  # noqa: RGT001\n', 1))
    run = invoke(["check", "mod.py"], tmp_path)
    assert "Found 2 findings" in run.out and "1 silenced by # noqa" in run.out


# ---------------------------------------------------------------- entry points

def test_help_and_version() -> None:
    out = subprocess.run([sys.executable, "-m", "respgate_lint", "--help"], capture_output=True,
                         text=True, check=True).stdout
    for command in ("check", "explain", "baseline", "fix"):
        assert command in out
    assert "Exit codes" in out
    check_help = subprocess.run([sys.executable, "-m", "respgate_lint", "check", "--help"],
                                capture_output=True, text=True, check=True).stdout
    for option in ("--output-format", "--statistics", "--exit-zero", "--select", "--ignore",
                   "--exclude", "--config", "--baseline", "--add-noqa"):
        assert option in check_help
    version = subprocess.run([sys.executable, "-m", "respgate_lint", "--version"],
                             capture_output=True, text=True, check=True).stdout
    assert version.startswith("respgate, version ")


@pytest.mark.parametrize("argv, heavy", [
    # a clean tree: rich, libcst and the codemods are never needed
    (["check", "."], ("rich", "libcst", "respgate_lint.codemods")),
    # the pre-commit call on files with no send: not even click or dataclasses (start-up)
    (["check", "--pre-commit", "b.py"],
     ("rich", "libcst", "respgate_lint.codemods", "click", "dataclasses", "inspect")),
])
def test_clean_check_imports_only_what_it_needs(tmp_path: Path, argv: list[str],
                                               heavy: tuple[str, ...]) -> None:
    make_file(tmp_path, "a.py", CLEAN.replace("response.create", "conversation.item.create"))
    make_file(tmp_path, "b.py", "import os\nprint(os.sep)\n")
    make_file(tmp_path, "c.py", CLEAN)
    probe = (
        "import sys\n"
        "before = set(sys.modules)\n"
        "from respgate_lint.cli import main\n"
        "try:\n"
        f"    main({argv!r})\n"
        "except SystemExit as exc:\n"
        "    code = exc.code\n"
        "new = set(sys.modules) - before\n"
        f"print('RESULT', code, sorted(m for m in new if m.startswith({heavy!r})))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True,
                         text=True, check=True).stdout
    assert "RESULT 0 []" in out


def test_text_findings_do_not_import_libcst(project: Path) -> None:
    probe = (
        "import sys\n"
        "from respgate_lint.cli import main\n"
        "try:\n"
        "    main(['check', 'src'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('HEAVY', sorted(m for m in sys.modules\n"
        "                      if m.split('.')[0] == 'libcst'\n"
        "                      or m.startswith('respgate_lint.codemods')))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], cwd=project, capture_output=True,
                         text=True).stdout
    assert "HEAVY []" in out
    assert run_process(["check", "src"], project).code == 1
