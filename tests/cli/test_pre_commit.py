"""The hooks for real: ``pre-commit try-repo`` against this repository's
``.pre-commit-hooks.yaml``, and the docs' own ``.pre-commit-config.yaml`` snippet run as pasted.

pre-commit installs the hook repository with pip into a fresh virtualenv (try-repo: on every
run; ``pre-commit run``: once per repo and rev in its cache). That install needs respgate's
dependencies from a package index (or a wheelhouse: ``PIP_NO_INDEX=1 PIP_FIND_LINKS=...``
pass through to it); measured at 2.5-3.5 min wall a time on a busy shared 2-CPU machine
(about 15 s of it CPU), so these tests are slow and share installs where they can. When
no index is reachable they skip and say so; they never pass without having run the hooks.

File names that look like options: pre-commit runs ``entry + args + filenames``, so a
committed script named ``--ignore=RGT`` or ``--exclude=*`` used to switch respgate off and
the hook printed Passed over a real bypass. The entries end with ``--pre-commit``
(respgate_lint/cli/hookargs.py) and every file name is read as a path.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path
from textwrap import dedent

import pytest

REPO = Path(__file__).resolve().parents[2]
DOCS = (REPO / "README.md", REPO / "docs" / "cli.md")

AGENT = dedent('''\
    class Bridge:
        async def trigger_response(self, reason, client, *, force=False, response=None):
            await client.send_event({"type": "response.create", "response": response})

        async def on_tool_done(self):
            await self.client.send_event({"type": "response.create"})

        async def greet(self, ws):
            await ws.send_event({"type": "response.create", "response": {"instructions": "Hi"}})
''')
CLEAN = dedent('''\
    class Bridge:
        async def trigger_response(self, reason, client, *, force=False):
            await client.send_event({"type": "response.create"})

        async def on_tool_done(self):
            await self.trigger_response("TOOL_DONE", self.client, force=False)
''')
# Executable scripts with a Python shebang: pre-commit's `types: [python]` selects them, and
# each name, read as an option, would switch respgate off (check and fix).
HOSTILE = ("--ignore=RGT", "--exclude=*")
SCRIPT = "#!/usr/bin/env python3\nprint('a script whose name looks like an option')\n"
_NO_INDEX = ("No matching distribution found", "Failed to establish a new connection",
             "Temporary failure in name resolution", "Network is unreachable",
             "Could not find a version that satisfies")


def _git(*args: str, cwd: Path) -> str:
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.com",
               GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.com")
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True,
                          text=True).stdout


def _hooks_committed() -> bool:
    if shutil.which("git") is None or not (REPO / ".git").exists():
        return False
    listed = subprocess.run(["git", "ls-files", ".pre-commit-hooks.yaml"], cwd=REPO,
                            capture_output=True, text=True, check=False)
    return listed.returncode == 0 and listed.stdout.strip() == ".pre-commit-hooks.yaml"


needs_git_checkout = pytest.mark.skipif(
    not _hooks_committed(), reason="needs git and a git checkout with .pre-commit-hooks.yaml "
    "committed")


def _user_repo(path: Path, files: dict[str, str]) -> Path:
    """A committed git repository holding ``files`` (option-like names made executable)."""
    path.mkdir()
    _git("init", "-q", ".", cwd=path)
    for name, text in files.items():
        (path / name).write_text(text)
        if name.startswith("-"):
            (path / name).chmod((path / name).stat().st_mode | stat.S_IXUSR)
    _git("add", "--", ".", cwd=path)
    _git("commit", "-q", "-m", "user code", cwd=path)
    return path


def _pre_commit(*args: str, cwd: Path, home: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PRE_COMMIT", "GIT_"))}
    env.update(PRE_COMMIT_HOME=str(home), NO_COLOR="1")
    done = subprocess.run([sys.executable, "-m", "pre_commit", *args, "--color", "never"],
                          cwd=cwd, env=env, capture_output=True, check=False, text=True, timeout=540)
    log = done.stdout + done.stderr
    if done.returncode == 3 and "pip" in log and any(m in log for m in _NO_INDEX):
        pytest.skip("pre-commit could not install the hook environment: respgate's "
                    "dependencies need a package index (or PIP_NO_INDEX=1 PIP_FIND_LINKS=<wheels>)")
    return done


def _hook_line(log: str, name: str) -> str:
    return next(line for line in log.splitlines() if line.startswith(name))


@pytest.mark.slow
@needs_git_checkout
def test_pre_commit_hooks_fail_fix_and_pass(tmp_path: Path) -> None:
    """Both hooks by try-repo (one install), on a bypass next to scripts named like options."""
    files = {"agent.py": AGENT, "README.txt": "not python\n", **dict.fromkeys(HOSTILE, SCRIPT)}
    work = _user_repo(tmp_path / "user-repo", files)
    home = tmp_path / "pre-commit-home"

    # 1. both hooks on the bypasses: check fails, fix rewrites the file; neither is
    #    switched off by the file names --ignore=RGT and --exclude=* on its command line
    first = _pre_commit("try-repo", str(REPO), "--all-files", cwd=work, home=home)
    log = first.stdout + first.stderr
    assert first.returncode == 1, log
    assert _hook_line(log, "respgate check").endswith("Failed"), log
    assert "agent.py:6:15: RGT001" in log
    assert _hook_line(log, "respgate fix").endswith("Failed"), log
    assert "files were modified by this hook" in log, log
    fixed = (work / "agent.py").read_text()
    assert 'await self.trigger_response("TOOL_DONE", self.client, force=False)' in fixed
    assert 'response={"instructions": "Hi"}' in fixed
    assert all((work / name).read_text() == SCRIPT for name in HOSTILE)

    # 2. the fixed code passes the check (pre-commit's own Passed is the README snippet test's:
    #    a second try-repo would install the hook environment once more)
    done = _respgate("check", "--pre-commit", *HOSTILE, "agent.py", cwd=work)
    assert done.returncode == 0, done.stdout + done.stderr


def _respgate(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, NO_COLOR="1")
    return subprocess.run([sys.executable, "-m", "respgate_lint", *args], cwd=cwd, env=env,
                          capture_output=True, check=False, text=True, timeout=120)


def test_hook_entries_read_option_like_file_names_as_paths(tmp_path: Path) -> None:
    """The command lines pre-commit builds (entry + args + files), run for real."""
    hooks = (REPO / ".pre-commit-hooks.yaml").read_text()
    entries = re.findall(r"^  entry: (.+)$", hooks, re.MULTILINE)
    assert entries == ["respgate check --pre-commit", "respgate fix --pre-commit"]
    work = tmp_path / "repo"
    work.mkdir()
    (work / "agent.py").write_text(AGENT)
    for name in HOSTILE:
        (work / name).write_text(SCRIPT)
    files = [*HOSTILE, "agent.py"]

    done = _respgate("check", "--pre-commit", *files, cwd=work)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "agent.py:6:15: RGT001" in done.stdout
    # the user's own args stay options, with or without a trailing --
    done = _respgate("check", "--pre-commit", "--select", "RGT003", *files, cwd=work)
    assert done.returncode == 0 and "RGT001" not in done.stdout, done.stdout + done.stderr
    done = _respgate("check", "--pre-commit", "--output-format", "json", "--", *files, cwd=work)
    assert done.returncode == 1 and '"code": "RGT001"' in done.stdout, done.stdout
    # an option's value that is a file (--baseline base.json) is not taken for a file name
    assert _respgate("baseline", "agent.py", "-o", "base.json", cwd=work).returncode == 0
    done = _respgate("check", "--pre-commit", "--baseline", "base.json", *files, cwd=work)
    assert done.returncode == 0 and "RGT001" not in done.stdout, done.stdout + done.stderr

    done = _respgate("fix", "--pre-commit", "--diff", *files, cwd=work)
    assert done.returncode == 1, done.stdout + done.stderr
    assert '+        await self.trigger_response("TOOL_DONE"' in done.stdout
    # outside a hook entry the marker means nothing special: click rejects it
    assert _respgate("check", "agent.py", "--pre-commit", cwd=work).returncode == 2


def _docs_snippets() -> list[tuple[Path, str]]:
    """Every ``.pre-commit-config.yaml`` block of README.md and docs/cli.md."""
    blocks = []
    for doc in DOCS:
        for block in re.findall(r"```yaml\n(.*?)```", doc.read_text(encoding="utf-8"), re.DOTALL):
            if block.startswith("# .pre-commit-config.yaml"):
                blocks.append((doc, block))
    return blocks


def _rev(block: str) -> str:
    (rev,) = re.findall(r"^\s*rev:\s*(\S+)", block, re.MULTILINE)
    return rev


def _has_commit(repo: Path, rev: str) -> bool:
    return subprocess.run(["git", "cat-file", "-e", f"{rev}^{{commit}}"], cwd=repo,
                          capture_output=True, check=False).returncode == 0


def _skip_if_rev_missing(repo: Path, rev: str) -> None:
    if _has_commit(repo, rev):
        return
    shallow = subprocess.run(["git", "rev-parse", "--is-shallow-repository"], cwd=repo,
                             capture_output=True, check=False, text=True).stdout.strip()
    if shallow == "true":
        pytest.skip(f"the docs' pre-commit rev {rev} is not in this shallow clone "
                    "(git fetch --unshallow to test it)")


@needs_git_checkout
def test_docs_pre_commit_snippets_name_a_commit_with_todays_hooks() -> None:
    """Every snippet's rev is a commit of this repository holding the current hook file."""
    snippets = _docs_snippets()
    assert {doc.name for doc, _ in snippets} == {"README.md", "cli.md"}
    for doc, block in snippets:
        rev = _rev(block)
        assert re.fullmatch(r"[0-9a-f]{40}", rev), f"{doc.name}: rev {rev!r} is not a commit hash"
        _skip_if_rev_missing(REPO, rev)
        assert _has_commit(REPO, rev), f"{doc.name}: rev {rev} is not a commit of this repository"
        at_rev = subprocess.run(["git", "show", f"{rev}:.pre-commit-hooks.yaml"], cwd=REPO,
                                capture_output=True, text=True, check=True).stdout
        assert at_rev == (REPO / ".pre-commit-hooks.yaml").read_text(), (
            f"{doc.name}: the hooks at rev {rev} are not today's; update the docs' rev")
        assert "git rev-parse HEAD" in doc.read_text(encoding="utf-8"), doc.name


@pytest.mark.slow
@needs_git_checkout
def test_readme_pre_commit_snippet_runs_as_pasted(tmp_path: Path) -> None:
    """The README's snippet, only its repo URL swapped for a full clone of this repository."""
    (doc, block), *_ = _docs_snippets()
    assert doc.name == "README.md"
    clone = tmp_path / "respgate-lint"
    subprocess.run(["git", "clone", "-q", str(REPO), str(clone)], check=True,
                   capture_output=True)
    rev = _rev(block)
    _skip_if_rev_missing(clone, rev)
    config = re.sub(r"^(\s*- repo:\s*)\S+", lambda m: m.group(1) + str(clone), block,
                    count=1, flags=re.MULTILINE)
    assert _rev(config) == rev and config.count(str(clone)) == 1
    home = tmp_path / "pre-commit-home"

    bad = _user_repo(tmp_path / "bad", {"agent.py": AGENT, ".pre-commit-config.yaml": config,
                                         **dict.fromkeys(HOSTILE, SCRIPT)})
    done = _pre_commit("run", "--all-files", cwd=bad, home=home)
    log = done.stdout + done.stderr
    assert done.returncode == 1, log
    assert _hook_line(log, "respgate check").endswith("Failed"), log
    assert "agent.py:6:15: RGT001" in log

    good = _user_repo(tmp_path / "good", {"agent.py": CLEAN, ".pre-commit-config.yaml": config})
    done = _pre_commit("run", "--all-files", cwd=good, home=home)
    log = done.stdout + done.stderr
    assert done.returncode == 0, log
    assert _hook_line(log, "respgate check").endswith("Passed"), log
