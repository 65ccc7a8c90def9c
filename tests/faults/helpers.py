"""Shared pieces of the fault tests: a small tree around one bad file, and running the CLI
both ways users do (a real subprocess, and click's CliRunner in-process)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner

from respgate_lint.cli import cli

__all__ = ["GOOD", "CLEAN", "Run", "run_cli", "make_tree", "unprivileged_prefix", "RESPGATE"]

RESPGATE = str(Path(sys.executable).parent / "respgate")

GOOD = (b"class Handler:\n"
        b"    async def trigger_response(self, reason, client, force=False):\n"
        b"        pass\n        await client.send_event({'type': 'response.create'})\n\n"
        b"    async def on_tool(self):\n"
        b"        await self.client.send_event({\"type\": \"response.create\"})\n")
CLEAN = b"import json\n\n\ndef f(x):\n    return json.dumps(x)\n"


@dataclass
class Run:
    code: int
    out: str          # stdout and stderr together, as a user sees them in a terminal

    def lines_naming(self, name: str) -> list[str]:
        return [line for line in self.out.splitlines() if name in line]


def run_cli(mode: str, args: list[str], cwd: Path, prefix: list[str] | None = None) -> Run:
    """``respgate ARGS`` in ``cwd``: ``mode`` is "process" (subprocess) or "runner" (CliRunner)."""
    if mode == "process":
        proc = subprocess.run([*(prefix or []), RESPGATE, *args], cwd=cwd, capture_output=True,
                              text=True, timeout=120,
                              env={**os.environ, "NO_COLOR": "1", "COLUMNS": "200"})
        return Run(proc.returncode, proc.stdout + proc.stderr)
    old = Path.cwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(cli, args, catch_exceptions=False)
    finally:
        os.chdir(old)
    return Run(result.exit_code, result.output)


def make_tree(root: Path) -> Path:
    """``root/tree`` holding good.py (one fixable send) and clean.py (nothing to find)."""
    tree = root / "tree"
    tree.mkdir(parents=True)
    (tree / "good.py").write_bytes(GOOD)
    (tree / "clean.py").write_bytes(CLEAN)
    return tree


def unprivileged_prefix() -> list[str] | None:
    """A command prefix under which mode bits apply: [] when not root; as root, setpriv
    drops the capabilities that bypass them (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH), so the
    process stays the owner of the test files yet is refused what their modes refuse; None
    if that is not possible here (the caller skips and says so)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return None
    caps = "-dac_override,-dac_read_search"
    prefix = [setpriv, f"--inh-caps={caps}", f"--bounding-set={caps}"]
    try:
        probe = subprocess.run([*prefix, RESPGATE, "--version"], capture_output=True, timeout=60)
    except OSError:
        return None
    return prefix if probe.returncode == 0 else None
