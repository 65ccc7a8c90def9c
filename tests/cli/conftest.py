"""Helpers to run ``respgate`` the two ways users do: click's runner and a real process."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from textwrap import dedent

import pytest
from click.testing import CliRunner

from respgate_lint.cli import cli

BYPASSES = dedent('''\
    import json
    from respgate_lint.runtime import GatedResponseMixin

    class Bridge(GatedResponseMixin):
        async def on_tool_done(self):
            await self.client.send_event({"type": "response.create"})

        async def greet(self, ws):
            await ws.send(json.dumps({"type": "response.create",
                                      "response": {"modalities": ["audio"]}}))


    async def retry(conn):
        await conn.response.create()
''')

CLEAN = dedent('''\
    class Bridge:
        async def trigger_response(self, reason, client, *, force=False):
            await client.send_event({"type": "response.create"})

        async def on_tool_done(self):
            await self.trigger_response("TOOL_DONE", self.client)
''')


@dataclass
class Run:
    code: int
    out: str
    err: str


def make_file(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def invoke(monkeypatch: pytest.MonkeyPatch):
    """``invoke(args, cwd)`` through click's CliRunner (stdout is not a TTY there)."""

    def run(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> Run:
        monkeypatch.chdir(cwd)
        result = CliRunner().invoke(cli, args, env=env, catch_exceptions=False)
        return Run(result.exit_code, result.stdout, result.stderr)

    return run


def run_process(args: list[str], cwd: Path, env: dict[str, str] | None = None,
                **kwargs) -> Run:
    """``python -m respgate_lint ARGS`` as a real process, output captured (not a TTY)."""
    full_env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    full_env.update(env or {})
    proc = subprocess.run([sys.executable, "-m", "respgate_lint", *args], cwd=cwd, env=full_env,
                          capture_output=True, text=True, timeout=120, **kwargs)
    return Run(proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A folder with one file of bypasses and one clean file, and an empty pyproject."""
    make_file(tmp_path, "pyproject.toml", "[project]\nname = 'demo'\n")
    make_file(tmp_path, "src/agent.py", BYPASSES)
    make_file(tmp_path, "src/gate.py", CLEAN)
    return tmp_path
