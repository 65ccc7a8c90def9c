"""The example as users meet it: ``check`` lists its bypasses, ``fix`` makes the fixed file.

``examples/phone_bridge_fixed.py`` must be exactly what ``respgate fix
--add-mixin`` leaves from ``examples/phone_bridge.py`` (regenerate with
``python -m examples.regenerate``).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from respgate_lint.cli import cli

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
ORIGINAL = EXAMPLES / "phone_bridge.py"
FIXED = EXAMPLES / "phone_bridge_fixed.py"
FINDING = re.compile(r"^(?P<path>\S+?):(?P<line>\d+):(?P<col>\d+): (?P<code>RGT\d{3}) ", re.M)
SEND_FORMS = {"dict-literal", "json-dumps", "sdk-method"}


def respgate(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    """Run the installed ``respgate`` script the way a user does."""
    script = Path(sys.executable).with_name("respgate")
    cmd = [str(script)] if script.exists() else [sys.executable, "-m", "respgate_lint"]
    return subprocess.run([*cmd, *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def test_fixing_a_copy_of_the_original_gives_the_fixed_file_byte_for_byte(tmp_path: Path) -> None:
    copy = tmp_path / ORIGINAL.name
    shutil.copyfile(ORIGINAL, copy)
    done = respgate("fix", "--add-mixin", "--config", str(REPO / "pyproject.toml"), str(copy))
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"^Sites rewritten\s+7$", done.stdout, re.M), done.stdout
    assert copy.read_bytes() == FIXED.read_bytes(), (
        "examples/phone_bridge_fixed.py is stale: run `python -m examples.regenerate`")


def test_fix_through_click_matches_too(tmp_path: Path) -> None:
    copy = tmp_path / ORIGINAL.name
    shutil.copyfile(ORIGINAL, copy)
    result = CliRunner().invoke(cli, ["fix", "--add-mixin", "--config",
                                      str(REPO / "pyproject.toml"), str(copy)])
    assert result.exit_code == 0, result.output
    assert copy.read_bytes() == FIXED.read_bytes()


def test_regenerate_check_agrees() -> None:
    from examples import regenerate

    assert regenerate.main(["--check"]) == 0


def test_fixing_the_fixed_file_changes_nothing(tmp_path: Path) -> None:
    copy = tmp_path / FIXED.name
    shutil.copyfile(FIXED, copy)
    done = respgate("fix", "--add-mixin", str(copy))
    assert done.returncode == 0, done.stdout + done.stderr
    assert copy.read_bytes() == FIXED.read_bytes()


def test_check_reports_every_bypass_of_the_original() -> None:
    result = CliRunner().invoke(cli, ["check", str(ORIGINAL)])
    assert result.exit_code == 1, result.output
    found = [m.groupdict() for m in FINDING.finditer(result.output)]
    assert len(found) == 7 and {f["code"] for f in found} == {"RGT001"}
    assert all(f"({form} via" in result.output for form in SEND_FORMS)
    lines = ORIGINAL.read_text().splitlines()
    for f in found:  # each finding points at the send call of a statement
        assert lines[int(f["line"]) - 1].lstrip().startswith(("await self.client.", "await ws."))


def test_check_finds_nothing_left_in_the_fixed_file() -> None:
    result = CliRunner().invoke(cli, ["check", str(FIXED)])
    assert result.exit_code == 0, result.output
    assert not FINDING.search(result.output)


def test_check_on_the_examples_folder_flags_the_originals_only() -> None:
    done = respgate("check", "examples/")
    assert done.returncode == 1, done.stderr
    paths = {Path(m["path"]).name for m in FINDING.finditer(done.stdout)}
    assert paths == {"phone_bridge.py", "own_gate.py"}


def test_fix_diff_on_the_examples_folder_shows_the_rewrite_and_writes_nothing() -> None:
    before = {p: p.read_bytes() for p in EXAMPLES.glob("*.py")}
    plain = respgate("fix", "--diff", str(ORIGINAL))  # the example has no gate of its own
    assert plain.returncode == 1 and plain.stdout == "", plain.stdout
    assert "not fixed: no gate in reach" in plain.stderr
    done = respgate("fix", "--diff", "--add-mixin", "examples/")
    assert done.returncode == 1, done.stderr
    assert '+        await self.trigger_response(' in done.stdout
    assert "would rewrite as CALL_STARTED" in done.stdout + done.stderr
    assert {p: p.read_bytes() for p in EXAMPLES.glob("*.py")} == before


def test_own_gate_example_is_fixed_into_calls_its_gate_accepts(tmp_path: Path) -> None:
    copy = tmp_path / "own_gate.py"
    shutil.copyfile(EXAMPLES / "own_gate.py", copy)
    done = respgate("fix", str(copy))
    assert done.returncode == 1, done.stdout + done.stderr   # one unsafe fix withheld
    assert "sends with `self.client` when no client is passed; this site sends with " \
        "`self.ws`" in done.stdout + done.stderr
    assert len(re.findall(r"(?m)^ +await self\.trigger_response\(\"[A-Z_]+\"",
                          copy.read_text())) == 2
    done = respgate("fix", "--unsafe-fixes", str(copy))
    assert done.returncode == 0, done.stdout + done.stderr
    text = copy.read_text()
    assert len(re.findall(r"(?m)^ +await self\.trigger_response\(\"[A-Z_]+\"", text)) == 3
    assert 'await self.trigger_response("SILENCE_TIMEOUT", force=False)' in text
    assert "response=" not in text.split("async def on_event")[1]
    assert respgate("check", str(copy)).returncode == 0


@pytest.mark.parametrize("path, expected", [(ORIGINAL, 7), (FIXED, 0)])
def test_flake8_plugin_agrees(path: Path, expected: int) -> None:
    done = subprocess.run([sys.executable, "-m", "flake8", "--select", "RGT", str(path)],
                          capture_output=True, text=True, timeout=60)
    assert done.stdout.count(" RGT001 ") == expected, done.stdout + done.stderr
