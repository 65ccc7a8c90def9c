"""``respgate check -`` / ``respgate fix -`` (and ``flake8 -``): source on stdin, named by
``--stdin-filename``, with that name's configuration, excludes and per-file ignores."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from textwrap import dedent

import pytest
from click.testing import CliRunner, Result

from respgate_lint.cli import cli

from .conftest import BYPASSES, make_file, run_process

OWN_GATE = dedent('''\
    class Bridge:
        async def my_gate(self, reason):
            await self.client.send_event({"type": "response.create"})
''')

BROKEN = 'def f(:\n    c.send_event({"type": "response.create"})\n'   # parsed: it mentions the event


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A root without [tool.respgate] and a package with its own configuration."""
    make_file(tmp_path, "pyproject.toml", "[project]\nname = 'demo'\n")
    make_file(tmp_path, "pkg/pyproject.toml", dedent('''\
        [tool.respgate]
        gate-functions = ["my_gate"]
        exclude = ["gen_*.py"]
        per-file-ignores = { "legacy_*.py" = ["RGT001"] }
    '''))
    return tmp_path


@pytest.fixture
def feed(monkeypatch: pytest.MonkeyPatch):
    """``feed(args, cwd, text)``: respgate through click's runner with ``text`` on stdin."""

    def run(args: list[str], cwd: Path, text: str) -> Result:
        monkeypatch.chdir(cwd)
        return CliRunner().invoke(cli, args, input=text.encode("utf-8"), catch_exceptions=False)

    return run


def test_check_stdin_reports_under_dash(tree: Path, feed) -> None:
    run = feed(["check", "-"], tree, BYPASSES)
    assert run.exit_code == 1
    assert run.stdout.startswith("-:6:15: RGT001 ")
    assert "Found 3 findings in 1 file" in run.stdout


def test_check_stdin_filename_names_findings_and_picks_the_nearest_config(
        tree: Path, feed) -> None:
    # the root has no gate-functions: the send inside my_gate is a bypass there...
    root = feed(["check", "--stdin-filename", "agent.py", "-"], tree,
                         OWN_GATE)
    assert root.exit_code == 1 and root.stdout.startswith("agent.py:3:15: RGT001")
    # ...and the gate itself under pkg/ (whose config names my_gate); the file need not exist
    pkg = feed(["check", "--stdin-filename", "pkg/new_agent.py", "-"], tree,
                        OWN_GATE)
    assert pkg.exit_code == 0, pkg.stdout
    assert not (tree / "pkg" / "new_agent.py").exists()


def test_check_stdin_per_file_ignores_and_excludes_apply_to_the_name(
        tree: Path, feed) -> None:
    named = feed(["check", "--stdin-filename", "pkg/agent.py", "-"], tree,
                          BYPASSES)
    assert named.exit_code == 1 and named.stdout.startswith("pkg/agent.py:6:15: RGT001")
    ignored = feed(["check", "--stdin-filename", "pkg/legacy_a.py", "-"],
                            tree, BYPASSES)
    assert ignored.exit_code == 0 and "RGT001" not in ignored.stdout
    excluded = feed(["check", "--stdin-filename", "pkg/gen_a.py", "-"], tree,
                             BYPASSES)
    assert excluded.exit_code == 0 and "0 files checked" in excluded.stdout
    cli_excluded = feed(["check", "--exclude", "agent.py", "--stdin-filename",
                                          "pkg/agent.py", "-"], tree, BYPASSES)
    assert cli_excluded.exit_code == 0


def test_stdin_filename_alone_means_stdin_and_dash_does_not_mix(tree: Path, feed) -> None:
    alone = feed(["check", "--stdin-filename", "x.py"], tree, BYPASSES)
    assert alone.exit_code == 1 and alone.stdout.startswith("x.py:6:15:")
    mixed = feed(["check", "-", "pkg"], tree, BYPASSES)
    assert mixed.exit_code == 2 and "cannot be combined" in mixed.stderr
    needs_dash = feed(["check", "--stdin-filename", "x.py", "pkg"], tree,
                               BYPASSES)
    assert needs_dash.exit_code == 2


def test_check_stdin_json_and_syntax_error(tree: Path, feed) -> None:
    import json

    run = feed(["check", "--output-format", "json", "--stdin-filename",
                                 "a/b.py", "-"], tree, BYPASSES)
    paths = {f["path"] for f in json.loads(run.stdout)["findings"]}
    assert paths == {"a/b.py"}
    broken = feed(["check", "--stdin-filename", "a/b.py", "-"], tree, BROKEN)
    assert broken.exit_code == 1 and broken.stdout.startswith("a/b.py:1:1: E999 syntax error")


def test_fix_stdin_writes_the_fixed_source_to_stdout_and_the_report_to_stderr(
        tree: Path, feed) -> None:
    run = feed(["fix", "--stdin-filename", "bridge.py", "-"], tree, BYPASSES)
    assert run.exit_code == 1  # the retry() send has no gate in reach: left, exit 1
    assert 'await self.trigger_response("TOOL_DONE", self.client, force=False)' in run.stdout
    compile(run.stdout, "fixed", "exec")
    assert "bridge.py:6:15: rewritten as TOOL_DONE" in run.stderr
    assert "rewritten" not in run.stdout and not (tree / "bridge.py").exists()


def test_fix_stdin_diff_names_the_file(tree: Path, feed) -> None:
    run = feed(["fix", "--diff", "--stdin-filename", "app/bridge.py", "-"], tree, BYPASSES)
    assert run.stdout.startswith("--- a/app/bridge.py\n+++ b/app/bridge.py\n@@ ")
    assert "+        await self.trigger_response(" in run.stdout
    assert run.exit_code == 1 and "would rewrite" in run.stderr


@pytest.mark.parametrize("name,source", [("pkg/gen_a.py", BYPASSES), ("x.py", BROKEN),
                                         ("pkg/legacy_a.py", BYPASSES)])
def test_fix_stdin_never_loses_the_input(tree: Path, feed, name: str,
                                         source: str) -> None:
    run = feed(["fix", "--stdin-filename", name, "-"], tree, source)
    assert run.stdout == source
    assert run.exit_code == (1 if source == BROKEN else 0)


@pytest.mark.slow
def test_check_and_fix_stdin_as_a_process(tree: Path) -> None:
    check = run_process(["check", "--stdin-filename", "pkg/agent.py", "-"], tree,
                        input=BYPASSES)
    assert check.code == 1 and check.out.startswith("pkg/agent.py:6:15: RGT001")
    fixed = run_process(["fix", "--stdin-filename", "app/agent.py", "-"], tree, input=BYPASSES)
    assert "self.trigger_response(" in fixed.out and "rewritten as" in fixed.err
    compile(fixed.out, "fixed", "exec")
    diff = run_process(["fix", "--diff", "-"], tree, input=BYPASSES)
    assert diff.out.startswith("--- a/-\n+++ b/-\n") and diff.code == 1


@pytest.mark.slow
def test_flake8_reads_stdin_with_the_display_names_config(tree: Path) -> None:
    def flake8(name: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "flake8", "--select", "RGT", "-",
                               "--stdin-display-name", name], cwd=tree, input=OWN_GATE,
                              capture_output=True, text=True, timeout=120, check=False)

    root = flake8("agent.py")
    assert root.returncode == 1 and root.stdout.startswith("agent.py:3:15: RGT001"), root
    pkg = flake8("pkg/agent.py")  # pkg's [tool.respgate] names my_gate a gate
    assert pkg.returncode == 0 and pkg.stdout == "", pkg
