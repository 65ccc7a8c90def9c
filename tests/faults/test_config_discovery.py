"""Which pyproject.toml governs a file: the nearest one that has ``[tool.respgate]`` (as ruff
does with ``[tool.ruff]``), up to the repository root; folders that the governing config
excludes are never read for config. ``respgate check``/``fix``/``baseline``, the flake8
plugin and the LibCST command all resolve through the one ``SettingsResolver``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from respgate_lint.config import ConfigError, find_pyproject, load_settings
from respgate_lint.runner import SettingsResolver

from .helpers import run_cli

# A send inside the project's own gate, named `gate` in the root config: legal there, and a
# bypass (and a rewrite of the gate into a call of a method that does not exist) under the
# defaults.
GATED = (b"class Bridge:\n"
         b"    async def gate(self, reason, client):\n"
         b"        await client.send_event({\"type\": \"response.create\"})\n")
ROOT_CONFIG = '[tool.respgate]\ngate-functions = ["gate"]\nexclude = ["tests/fixtures", "legacy"]\n'
BROKEN = "[tool.respgate\ngate-functions = [\n"


def _repo(tmp_path: Path) -> Path:
    """repo/ (.git) with the root config, a sub-package whose own pyproject has no
    [tool.respgate], an excluded fixtures folder holding a broken pyproject, and legacy/."""
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "pyproject.toml").write_text(ROOT_CONFIG)
    sub = repo / "packages" / "voice"
    (sub / "voice").mkdir(parents=True)
    (sub / "pyproject.toml").write_text('[project]\nname = "voice"\nversion = "1"\n')
    (sub / "voice" / "bridge.py").write_bytes(GATED)
    fixtures = repo / "tests" / "fixtures" / "broken"
    fixtures.mkdir(parents=True)
    (fixtures / "pyproject.toml").write_text(BROKEN)
    (fixtures / "case.py").write_bytes(GATED.replace(b"def gate", b"def other"))
    (repo / "legacy").mkdir()
    (repo / "legacy" / "pyproject.toml").write_text("[project]\nname = 'legacy'\n")
    (repo / "legacy" / "old.py").write_bytes(GATED.replace(b"def gate", b"def other"))
    return repo


def _flake8(cwd: Path, *paths: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "flake8", "--select", "RGT", *paths],
                          capture_output=True, text=True, cwd=cwd, timeout=120)


def test_subpackage_pyproject_without_the_table_does_not_reset_to_defaults(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    bridge = repo / "packages" / "voice" / "voice" / "bridge.py"
    assert find_pyproject(bridge) == repo / "pyproject.toml"
    assert load_settings(bridge.parent).gate_functions == ("gate",)
    assert SettingsResolver().for_path(bridge).gate_functions == ("gate",)


@pytest.mark.parametrize("mode", ["process", "runner"])
def test_check_fix_and_baseline_follow_the_governing_config(tmp_path: Path, mode: str) -> None:
    repo = _repo(tmp_path)
    check = run_cli(mode, ["check", "."], repo)
    assert check.code == 0 and "RGT" not in check.out, check.out
    fix = run_cli(mode, ["fix", "."], repo)
    assert fix.code == 0, fix.out
    assert (repo / "packages/voice/voice/bridge.py").read_bytes() == GATED   # the gate kept
    assert b"def other" in (repo / "legacy/old.py").read_bytes()
    assert b"trigger_response" not in (repo / "legacy/old.py").read_bytes()  # excluded
    base = run_cli(mode, ["baseline", ".", "-o", "base.json"], repo)
    assert base.code == 0 and "Wrote 0 findings" in base.out, base.out


def test_flake8_agrees_with_check(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    proc = _flake8(repo, "packages")
    assert proc.returncode == 0 and proc.stdout == "", proc.stdout + proc.stderr


def test_broken_pyproject_in_an_excluded_folder_is_never_read(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    resolver = SettingsResolver()
    case = repo / "tests/fixtures/broken/case.py"
    assert resolver.is_excluded(case)
    assert resolver.for_path(case).gate_functions == ("gate",)   # the root's, not the broken one
    for args in (["check", "."], ["fix", "--diff", "."], ["baseline", ".", "-o", "b.json"],
                 ["check", "tests/fixtures/broken/case.py"]):
        run = run_cli("runner", args, repo)
        assert run.code == 0 and "invalid TOML" not in run.out, (args, run.out)
    proc = _flake8(repo, "tests/fixtures/broken/case.py")   # flake8 excludes by its own rules
    assert "invalid TOML" not in proc.stdout + proc.stderr and proc.returncode in (0, 1)
    assert "RGT000" not in proc.stdout


def test_broken_pyproject_that_governs_is_an_error_everywhere(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    (repo / "packages/voice/pyproject.toml").write_text(
        '[tool.respgate]\ngate-functoins = ["gate"]\n')
    run = run_cli("process", ["check", "."], repo)
    assert run.code == 2, run.out
    lines = run.out.strip().splitlines()
    assert len(lines) == 1 and "packages/voice/pyproject.toml" in lines[0]
    assert "gate-functoins" in lines[0] and "internal error" not in lines[0]
    fix = run_cli("process", ["fix", "."], repo)
    assert fix.code == 2 and "gate-functoins" in fix.out
    assert (repo / "packages/voice/voice/bridge.py").read_bytes() == GATED
    # flake8: the same error, reported on the file it governs, never the defaults' findings
    proc = _flake8(repo, "packages")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    out = proc.stdout.strip().splitlines()
    assert len(out) == 1 and out[0].startswith("packages/voice/voice/bridge.py:1:1: RGT000 ")
    assert "gate-functoins" in out[0] and "pyproject.toml" in out[0]


def test_search_stops_at_the_repository_root(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.respgate]\ngate-functions = ["outer"]\n')
    repo = tmp_path / "repo"
    (repo / "src").mkdir(parents=True)
    (repo / ".git").write_text("gitdir: /elsewhere/.git/worktrees/repo\n")   # a worktree
    (repo / "src" / "m.py").write_bytes(GATED)
    assert find_pyproject(repo / "src" / "m.py") is None
    assert SettingsResolver().for_path(repo / "src" / "m.py").gate_functions[0] == "trigger_response"
    (repo / ".git").unlink()
    assert SettingsResolver().for_path(repo / "src" / "m.py").gate_functions == ("outer",)


def test_pyproject_mentioning_respgate_must_parse(tmp_path: Path) -> None:
    """A pyproject that never mentions respgate is not read as TOML (a sub-package's broken
    or binary file is not ours); one that does, and does not parse, is an error."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "pyproject.toml").write_text('[tool.respgate]\ngate-functions = ["root"]\n')
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "pyproject.toml").write_bytes(b"\xff\xfe[broken \x00")
    assert SettingsResolver().for_path(sub / "m.py").gate_functions == ("root",)
    (sub / "pyproject.toml").write_text("[tool.respgate\n")
    with pytest.raises(ConfigError, match="invalid TOML"):
        SettingsResolver().for_path(sub / "m.py")


def test_config_option_excludes_folders_below_it(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    resolver = SettingsResolver(config_file=repo / "pyproject.toml")
    assert resolver.is_excluded(repo / "tests/fixtures/broken/case.py")
    assert resolver.is_excluded(repo / "legacy/old.py")
    assert not resolver.is_excluded(repo / "packages/voice/voice/bridge.py")


@pytest.mark.slow
def test_libcst_command_uses_the_governing_config(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    bridge = repo / "packages/voice/voice/bridge.py"
    proc = subprocess.run(
        [sys.executable, "-m", "libcst.tool", "codemod", "-x", "--no-format",
         "respgate_lint.codemods.gate_response_create.GateResponseCreateCommand", str(bridge)],
        capture_output=True, text=True, cwd=repo, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert bridge.read_bytes() == GATED
