"""The plain ``respgate check PATH...`` runs without click, and says exactly what click says.

``cli.main`` sends a command line that sets no option straight to ``run_check``
(``cli/fastpath.py``). These tests pin the two halves of that promise: which command lines
take the short way, and that for each of them the output and exit code are byte for byte
those of the click command.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from respgate_lint.cli.envelope import guarded
from respgate_lint.cli.fastpath import plain_check_paths
from respgate_lint.config import ConfigError

from .conftest import BYPASSES, CLEAN, make_file

# The same command line through the click group, as main() sent every one before.
THROUGH_CLICK = (
    "import sys\n"
    "from respgate_lint.cli.group import COMMANDS, cli\n"
    "from respgate_lint.cli.hookargs import hook_argv\n"
    "cli.main(args=hook_argv(sys.argv[1:], COMMANDS), prog_name='respgate')\n"
)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    make_file(tmp_path, "src/bad.py", BYPASSES)
    make_file(tmp_path, "src/good.py", CLEAN)
    make_file(tmp_path, "-odd.py", BYPASSES)
    make_file(tmp_path, "--ignore=RGT", "#!/usr/bin/env python\n" + BYPASSES)
    (tmp_path / "latin.py").write_bytes(b"x = '\xe9'  # response.create\n")
    (tmp_path / "docs").mkdir()
    make_file(tmp_path, "docs/notes.txt", "no python here\n")
    return tmp_path


@pytest.mark.parametrize("argv, expected", [
    (["check"], []),
    (["check", "a.py", "src"], ["a.py", "src"]),
    (["check", "--", "-odd.py", "--"], ["-odd.py", "--"]),
    (["check", "a.py", "--", "-odd.py"], ["a.py", "-odd.py"]),
    (["check", "--select", "RGT001", "a.py"], None),
    (["check", "a.py", "-v"], None),
    (["check", "--help"], None),
    (["check", "-"], None),
    (["check", "--", "-"], None),
    (["fix", "a.py"], None),
    (["baseline"], None),
    ([], None),
    (["--version"], None),
])
def test_which_command_lines_are_plain(argv: list[str], expected: list[str] | None,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RESPGATE_OUTPUT_FORMAT", raising=False)
    got = plain_check_paths(argv)
    assert got == (None if expected is None else [Path(p) for p in expected])


def test_hook_command_lines_are_plain_only_when_every_word_is_a_file(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project)
    monkeypatch.delenv("RESPGATE_OUTPUT_FORMAT", raising=False)
    files = ["src/bad.py", "--ignore=RGT", "-odd.py"]
    assert plain_check_paths(["check", "--pre-commit", *files]) == [Path(f) for f in files]
    # a user's own args: click decides what they mean
    assert plain_check_paths(["check", "--pre-commit", "--select", "RGT001", *files]) is None
    assert plain_check_paths(["check", "--pre-commit", "--", *files]) == [Path(f) for f in files]


def test_an_option_set_by_the_environment_is_not_plain(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RESPGATE_OUTPUT_FORMAT", "json")
    assert plain_check_paths(["check", "a.py"]) is None


def _run(argv: list[str], cwd: Path, *, through_click: bool) -> tuple[int, str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("NO_COLOR", "FORCE_COLOR", "RESPGATE_OUTPUT_FORMAT")}
    prefix = ["-c", THROUGH_CLICK] if through_click else ["-m", "respgate_lint"]
    proc = subprocess.run([sys.executable, *prefix, *argv], check=False, cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)
    return proc.returncode, proc.stdout, proc.stderr


@pytest.mark.parametrize("argv", [
    ["check"],
    ["check", "src/bad.py", "src/good.py"],
    ["check", "src/good.py"],
    ["check", "missing.py", "src/good.py"],
    ["check", "docs"],
    ["check", "latin.py"],
    ["check", "--", "-odd.py"],
    ["check", "--pre-commit", "src/bad.py", "--ignore=RGT", "-odd.py"],
], ids=lambda argv: " ".join(argv))
def test_plain_check_says_what_click_says(project: Path, argv: list[str],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project)
    monkeypatch.delenv("RESPGATE_OUTPUT_FORMAT", raising=False)
    assert plain_check_paths(argv) is not None   # the short way is the one under test
    fast = _run(argv, project, through_click=False)
    slow = _run(argv, project, through_click=True)
    assert fast == slow
    assert fast[0] in (0, 1)


def test_a_broken_config_is_one_line_and_exit_2_either_way(project: Path) -> None:
    make_file(project, "pyproject.toml", "[tool.respgate]\nselect = 3\n")
    fast = _run(["check", "src"], project, through_click=False)
    assert fast == _run(["check", "src"], project, through_click=True)
    code, out, err = fast
    assert code == 2 and out == ""
    assert err.startswith("respgate: ") and "select" in err and err.count("\n") == 1


@pytest.mark.parametrize("error, code, line", [
    (ConfigError("pyproject.toml: 'select' must be a list"), 2,
     "respgate: pyproject.toml: 'select' must be a list"),
    (KeyboardInterrupt(), 1, "Aborted!"),
    (RuntimeError("boom"), 2, "respgate: internal error: RuntimeError: boom"),
])
def test_the_envelope_turns_a_failure_into_one_line_and_an_exit_code(
        error: BaseException, code: int, line: str, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RESPGATE_DEBUG", raising=False)

    def fail() -> None:
        raise error

    with pytest.raises(SystemExit) as exit_info:
        guarded(fail)
    assert exit_info.value.code == code
    assert line in capsys.readouterr().err


def test_the_envelope_lets_through_what_it_is_told_to_and_returns_the_result() -> None:
    class Passing(Exception):
        pass

    def fail() -> None:
        raise Passing

    with pytest.raises(Passing):
        guarded(fail, passthrough=(Passing,))
    assert guarded(lambda: 7) == 7
