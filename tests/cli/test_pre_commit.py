"""The real ``pre-commit try-repo`` against this repository's ``.pre-commit-hooks.yaml``.

try-repo installs the hook repository (its committed HEAD plus uncommitted changes to
tracked files) into a fresh virtualenv with pip each time it runs (~30 s here, from the
configured package index), so the whole newcomer story is one test with two installs:
a bypass makes respgate-check fail while respgate-fix rewrites it, and the fixed code then
passes respgate-check.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from textwrap import dedent

import pytest

REPO = Path(__file__).resolve().parents[2]

AGENT = dedent('''\
    class Bridge:
        async def trigger_response(self, reason, client, *, force=False, response=None):
            await client.send_event({"type": "response.create", "response": response})

        async def on_tool_done(self):
            await self.client.send_event({"type": "response.create"})

        async def greet(self, ws):
            await ws.send_event({"type": "response.create", "response": {"instructions": "Hi"}})
''')


def _git(*args: str, cwd: Path) -> str:
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.com",
               GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.com")
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True,
                          text=True).stdout


def _hooks_committed() -> bool:
    if shutil.which("git") is None or not (REPO / ".git").exists():
        return False
    listed = subprocess.run(["git", "ls-files", ".pre-commit-hooks.yaml"], cwd=REPO,
                            capture_output=True, text=True)
    return listed.returncode == 0 and listed.stdout.strip() == ".pre-commit-hooks.yaml"


def _try_repo(workdir: Path, *hook: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PRE_COMMIT", "GIT_"))}
    env["PRE_COMMIT_HOME"] = str(workdir.parent / "pre-commit-home")
    env["NO_COLOR"] = "1"
    return subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(REPO), *hook,
                           "--all-files", "--color", "never"],
                          cwd=workdir, env=env, capture_output=True, text=True, timeout=540)


@pytest.mark.slow
@pytest.mark.skipif(not _hooks_committed(),
                    reason="needs git and a git checkout with .pre-commit-hooks.yaml committed")
def test_pre_commit_hooks_fail_fix_and_pass(tmp_path: Path) -> None:
    work = tmp_path / "user-repo"
    work.mkdir()
    _git("init", "-q", ".", cwd=work)
    (work / "agent.py").write_text(AGENT)
    (work / "README.txt").write_text("not python\n")
    _git("add", ".", cwd=work)
    _git("commit", "-q", "-m", "bypasses", cwd=work)

    # 1. both hooks on the bypasses: check fails, fix rewrites the file
    first = _try_repo(work)
    log = first.stdout + first.stderr
    assert first.returncode == 1, log
    check_line = next(line for line in log.splitlines() if line.startswith("respgate check"))
    fix_line = next(line for line in log.splitlines() if line.startswith("respgate fix"))
    assert check_line.endswith("Failed"), log
    assert "agent.py:6:15: RGT001" in log
    assert fix_line.endswith("Failed") and "files were modified by this hook" in log, log
    fixed = (work / "agent.py").read_text()
    assert 'await self.trigger_response("TOOL_DONE", self.client, force=False)' in fixed
    assert 'response={"instructions": "Hi"}' in fixed

    # 2. the fixed code passes respgate-check
    _git("commit", "-q", "-am", "fixed", cwd=work)
    second = _try_repo(work, "respgate-check")
    log = second.stdout + second.stderr
    assert second.returncode == 0, log
    assert next(line for line in log.splitlines()
                if line.startswith("respgate check")).endswith("Passed"), log
