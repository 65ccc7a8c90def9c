"""`respgate fix` as users run it: click's runner and a subprocess; and the libcst tool."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from respgate_lint.cli import cli
from respgate_lint.rules import RGT001

GOOD = RGT001.fixes[0][0]
GOOD_AFTER = RGT001.fixes[0][1]
UNFIXABLE = 'async def greet(ws):\n    await ws.send_event({"type": "response.create"})\n'
CLEAN = "x = 1\n"


def _tree(tmp_path: Path, **files: str) -> Path:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    return tmp_path


def _run(*args: str) -> "object":
    return CliRunner().invoke(cli, ["fix", *args], catch_exceptions=False)


def test_fix_writes_and_exits_0(tmp_path: Path) -> None:
    _tree(tmp_path, **{"a.py": GOOD, "c.py": CLEAN})
    result = _run(str(tmp_path))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "a.py").read_text() == GOOD_AFTER
    assert "a.py:8:19: rewritten as FUNCTION_SAVE_LEAD_INFO" in result.output
    assert "Files changed" in result.output and "1 of 2" in result.output
    assert "\x1b[" not in result.output


def test_diff_writes_nothing_and_exits_1(tmp_path: Path) -> None:
    _tree(tmp_path, **{"a.py": GOOD})
    result = CliRunner().invoke(cli, ["fix", "--diff", str(tmp_path)])
    assert result.exit_code == 1
    assert (tmp_path / "a.py").read_text() == GOOD
    assert result.stdout.startswith("--- a/") and "+            await self.trigger_response(" in result.stdout
    assert "would rewrite as FUNCTION_SAVE_LEAD_INFO" in result.stderr


def test_diff_on_clean_tree_exits_0(tmp_path: Path) -> None:
    _tree(tmp_path, **{"c.py": CLEAN})
    assert _run("--diff", str(tmp_path)).exit_code == 0


def test_not_fixed_sites_exit_1_and_are_listed(tmp_path: Path) -> None:
    _tree(tmp_path, **{"u.py": UNFIXABLE, "a.py": GOOD})
    result = _run(str(tmp_path))
    assert result.exit_code == 1
    assert "u.py:2:11: not fixed: no gate in reach" in result.output
    assert (tmp_path / "a.py").read_text() == GOOD_AFTER
    assert (tmp_path / "u.py").read_text() == UNFIXABLE


def test_summary_counts_line_up_whatever_the_length_of_a_reason(tmp_path: Path) -> None:
    _tree(tmp_path, **{"u.py": UNFIXABLE, "a.py": GOOD})
    lines = _run(str(tmp_path)).output.splitlines()
    start = lines.index(next(line for line in lines if line.startswith("Files changed")))
    headline = [line for line in lines[start:] if line and not line.startswith(" ")]
    reasons = [line for line in lines[start:] if line.startswith("  ")]
    assert len(headline) >= 4 and reasons
    assert any("no gate in reach" in line for line in reasons)
    # every headline count starts in the same column, two spaces after the longest label
    columns = {len(line) - len(line.split("  ")[-1].lstrip()) for line in headline}
    assert columns == {len("Sites rewritten") + 2}


def test_unparsable_file_skipped_others_fixed(tmp_path: Path) -> None:
    bad = 'def f(:\n    ws.send({"type": "response.create"})\n'
    _tree(tmp_path, **{"bad.py": bad, "a.py": GOOD})
    result = CliRunner().invoke(cli, ["fix", str(tmp_path)])
    assert result.exit_code == 1
    assert "bad.py: syntax error at line 1" in result.stderr
    assert (tmp_path / "a.py").read_text() == GOOD_AFTER
    assert (tmp_path / "bad.py").read_text() == bad


GATELESS = ("class Bridge:\n    async def pump(self):\n        async for event in self.client:\n"
            "            self.last = event.type\n\n    async def greet(self):\n"
            "        await self.client.send_event({'type': 'response.create'})\n")


def test_add_mixin_option(tmp_path: Path) -> None:
    _tree(tmp_path, **{"a.py": GATELESS})
    plain = _run(str(tmp_path / "a.py"))
    assert plain.exit_code == 1 and "not fixed: no gate in reach" in plain.output
    result = _run("--add-mixin", str(tmp_path / "a.py"))
    text = (tmp_path / "a.py").read_text()
    assert text.startswith("from respgate_lint.runtime import GatedResponseMixin\nclass Bridge(GatedResponseMixin):")
    # the codemod cannot wire the gate's observe(): it says exactly where, and exits 1
    assert result.exit_code == 1
    assert ("a.py:3:1: warning: class Bridge now uses GatedResponseMixin, whose gate must see "
            "every server event: add `self.response_gate.observe(event)` as the first line of "
            "this loop") in result.output
    (tmp_path / "a.py").write_text(text.replace(
        "async for event in self.client:\n",
        "async for event in self.client:\n            self.response_gate.observe(event)\n"))
    assert _run("--add-mixin", str(tmp_path / "a.py")).exit_code == 0


def test_config_error_exits_2(tmp_path: Path) -> None:
    _tree(tmp_path, **{"a.py": GOOD, "pyproject.toml": "[tool.respgate]\nbogus = 1\n"})
    result = CliRunner().invoke(cli, ["fix", str(tmp_path)])
    assert result.exit_code == 2 and "bogus" in result.stderr


def test_jobs_give_same_output_in_same_order(tmp_path: Path) -> None:
    for i in range(6):
        (tmp_path / f"m{i}.py").write_text(GOOD if i % 2 else UNFIXABLE)  # noqa: RGT001 (a file)
    copy = tmp_path.parent / (tmp_path.name + "_copy")
    shutil.copytree(tmp_path, copy)
    one = _run("--jobs", "1", str(tmp_path))
    two = _run("--jobs", "2", str(copy))
    assert one.exit_code == two.exit_code == 1
    assert one.output.replace(str(tmp_path), "X") == two.output.replace(str(copy), "X")
    assert all((copy / p.name).read_text() == p.read_text() for p in tmp_path.glob("*.py"))


@pytest.mark.slow
def test_subprocess_run(tmp_path: Path) -> None:
    _tree(tmp_path, **{"a.py": GOOD})
    env = {**os.environ, "NO_COLOR": "1"}
    exe = Path(sys.executable).parent / "respgate"
    proc = subprocess.run([str(exe), "fix", "--diff", "a.py"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1 and "+            await self.trigger_response(" in proc.stdout
    assert "\x1b[" not in proc.stdout + proc.stderr
    proc = subprocess.run([str(exe), "fix", "a.py"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (tmp_path / "a.py").read_text() == GOOD_AFTER
    proc = subprocess.run([str(exe), "check", "a.py"], cwd=tmp_path, capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stdout


@pytest.mark.slow
def test_compiler_warnings_about_user_code_are_not_printed(tmp_path: Path) -> None:
    """`1(2)` and a bad escape make the parser and compiler warn; the user sees findings only."""
    odd = GOOD + 'ODD = 1(2) if False else "\\d"\nPATTERN = "\\d"\n'
    _tree(tmp_path, **{"a.py": odd})
    exe = Path(sys.executable).parent / "respgate"
    env = {**os.environ, "PYTHONWARNINGS": "default"}
    proc = subprocess.run([str(exe), "check", "a.py"], cwd=tmp_path, capture_output=True,
                          text=True, timeout=60, env=env)
    assert proc.returncode == 1 and "RGT001" in proc.stdout, proc.stdout + proc.stderr
    assert "Warning" not in proc.stdout + proc.stderr, proc.stderr
    proc = subprocess.run([str(exe), "fix", "a.py"], cwd=tmp_path, capture_output=True,
                          text=True, timeout=60, env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Warning" not in proc.stdout + proc.stderr, proc.stderr
    assert "await self.trigger_response(" in (tmp_path / "a.py").read_text()


@pytest.mark.slow
def test_libcst_tool_codemod_from_checkout(tmp_path: Path, repo_root: Path) -> None:
    target = tmp_path / "a.py"
    target.write_text(RGT001.fixes[1][0] + UNFIXABLE)
    env = {**os.environ, "PYTHONPATH": str(repo_root)}
    proc = subprocess.run(
        [sys.executable, "-m", "libcst.tool", "codemod", "gate_response_create.GateResponseCreateCommand",
         str(target)], cwd=repo_root, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert target.read_text() == RGT001.fixes[1][1] + UNFIXABLE
    assert "not fixed: no gate in reach" in proc.stderr
    assert "Transformed 1 files successfully" in proc.stderr


@pytest.mark.slow
def test_libcst_tool_uses_the_same_settings_and_selection_as_fix(tmp_path: Path) -> None:
    """`ignore = ["RGT001"]` leaves the file alone through every entry point."""
    (tmp_path / "pyproject.toml").write_text('[tool.respgate]\nignore = ["RGT001"]\n')
    target = tmp_path / "a.py"
    target.write_text(GOOD)
    proc = subprocess.run(
        [sys.executable, "-m", "libcst.tool", "codemod", "--no-format", "-x",
         "respgate_lint.codemods.gate_response_create.GateResponseCreateCommand", str(target)],
        cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert target.read_text() == GOOD
    assert _run(str(target)).exit_code == 0 and target.read_text() == GOOD
    (tmp_path / "pyproject.toml").write_text("[tool.respgate]\n")
    proc = subprocess.run(
        [sys.executable, "-m", "libcst.tool", "codemod", "--no-format", "-x",
         "respgate_lint.codemods.gate_response_create.GateResponseCreateCommand", str(target)],
        cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert target.read_text() == GOOD_AFTER, proc.stderr


@pytest.mark.slow
@pytest.mark.parametrize("flag", [[], ["--no-format"]])
def test_libcst_tool_leaves_clean_file_alone(tmp_path: Path, repo_root: Path, flag: list[str]) -> None:
    target = tmp_path / "c.py"
    target.write_text(CLEAN)
    mtime = target.stat().st_mtime_ns
    proc = subprocess.run(
        [sys.executable, "-m", "libcst.tool", "codemod", *flag,
         "gate_response_create.GateResponseCreateCommand", str(target)],
        cwd=repo_root, env={**os.environ, "PYTHONPATH": str(repo_root)},
        capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert target.read_text() == CLEAN and target.stat().st_mtime_ns == mtime
