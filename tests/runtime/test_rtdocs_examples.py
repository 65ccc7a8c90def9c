"""docs/runtime.md: its python blocks pass the project's own linter and run as written."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "runtime.md"


def _program() -> str:
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)
    assert len(blocks) >= 5, "the runtime docs lost their examples"
    return "\n\n".join(blocks)


@pytest.fixture(scope="module")
def program(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("docs") / "runtime_md_examples.py"
    path.write_text(_program(), encoding="utf-8")
    return path


def _respgate(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).with_name("respgate")
    cmd = [str(script)] if script.exists() else [sys.executable, "-m", "respgate_lint"]
    return subprocess.run([*cmd, *args], cwd=cwd, capture_output=True, text=True, timeout=120, check=False)


def test_the_examples_pass_respgate_check(program: Path) -> None:
    done = _respgate("check", str(program), cwd=program.parent)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "RGT" not in done.stdout


def test_the_examples_run_as_written(program: Path) -> None:
    done = subprocess.run([sys.executable, str(program)], cwd=program.parent,
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    expected = re.search(r"```text\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)
    assert expected is not None
    assert done.stdout == expected.group(1)  # the output shown in the docs is the real one
    assert done.stderr == ""
