"""A valid `elif` chain of thousands of branches, end to end: `respgate check`, real flake8 and
`respgate fix` report and rewrite the send in its last branch; the LibCST command, which
cannot print such a tree, skips the file with the reason. No E999, no RecursionError."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from respgate_lint.engine.chains import flat_source

from .helpers import run_cli


def _chain(branches: int) -> str:
    lines = ["class Bridge:",
             "    async def trigger_response(self, reason, client, force=False):",
             "        await client.send_event({'type': 'response.create'})",
             "",
             "    async def on_tool(self, name):",
             "        if name == 'b0':",
             "            pass"]
    for i in range(1, branches - 1):
        lines += [f"        elif name == 'b{i}':", "            pass"]
    lines += ["        elif name == 'save_lead_info':",
              '            await self.client.send_event({"type": "response.create"})',
              "        else:",
              "            pass"]
    return "\n".join(lines) + "\n"


def _flake8_branches() -> int:
    """3,000, or as many as this CPython's own ast.parse builds (flake8 parses the file
    itself: Python 3.12 stops at about 2,990 branches whatever the recursion limit)."""
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(20_000)
    try:
        ast.parse(_chain(3000))
        return 3000
    except (RecursionError, MemoryError):
        return 2900
    finally:
        sys.setrecursionlimit(old)


def _compiles(text: str) -> None:
    """Compile the module (raising the limit for 3.11's compiler, restored); where CPython's
    compiler has a fixed depth (3.12), compile its flat spelling: the same statements."""
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(20_000)
    try:
        compile(text, "deep.py", "exec")
    except (RecursionError, MemoryError):
        flat = flat_source(text)
        assert flat is not None
        compile(flat, "deep.py", "exec")
    finally:
        sys.setrecursionlimit(old)


SEND_LINE = 2 * 3000 + 5   # the line of the send in the last branch of _chain(3000)


@pytest.mark.parametrize("mode", [pytest.param("process", marks=pytest.mark.slow), "runner"])
def test_check_reports_the_send_in_branch_3000(tmp_path: Path, mode: str) -> None:
    (tmp_path / "deep.py").write_text(_chain(3000))
    run = run_cli(mode, ["check", "deep.py"], tmp_path)
    assert run.code == 1 and "E999" not in run.out and "Recursion" not in run.out, run.out
    assert [line.split(" ")[0] for line in run.out.splitlines() if " RGT001 " in line] == [
        f"deep.py:{SEND_LINE}:19:"]


@pytest.mark.slow
def test_flake8_reports_the_send_in_a_deep_chain(tmp_path: Path) -> None:
    branches = _flake8_branches()
    (tmp_path / "deep.py").write_text(_chain(branches))
    proc = subprocess.run([sys.executable, "-m", "flake8", "--isolated", "--select", "RGT",
                           "deep.py"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert proc.stdout.splitlines() == [
        f"deep.py:{2 * branches + 5}:19: RGT001 response.create sent outside the gate "
        "(dict-literal via `send_event`); route it through `trigger_response(...)`"], (
        proc.stdout + proc.stderr)[-2000:]


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["process", "runner"])
def test_fix_rewrites_the_send_in_branch_3000(tmp_path: Path, mode: str) -> None:
    path = tmp_path / "deep.py"
    before = _chain(3000)
    path.write_text(before)
    run = run_cli(mode, ["fix", "deep.py"], tmp_path)
    assert run.code == 0 and "internal error" not in run.out, run.out
    after = path.read_text()
    changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines()) if a != b]
    assert changed == [(
        '            await self.client.send_event({"type": "response.create"})',
        '            await self.trigger_response("FUNCTION_SAVE_LEAD_INFO", self.client, '
        'force=False)')]
    assert after.splitlines()[SEND_LINE - 1] == changed[0][1]
    _compiles(after)


@pytest.mark.slow
def test_libcst_command_skips_a_deep_chain_with_its_reason(tmp_path: Path) -> None:
    path = tmp_path / "deep.py"
    path.write_text(_chain(1000))
    proc = subprocess.run([sys.executable, "-m", "libcst.tool", "codemod", "--no-format", "-x",
                           "respgate_lint.codemods.gate_response_create.GateResponseCreateCommand",
                           "deep.py"], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    out = proc.stdout + proc.stderr
    assert "Skipped 1 files" in out and "too deeply nested for LibCST" in out, out[-2000:]
    assert "Traceback" not in out and path.read_text() == _chain(1000)
