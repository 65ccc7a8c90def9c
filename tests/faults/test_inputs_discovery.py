"""Discovery against odd and hostile trees: git-ignored folders, FIFOs, devices, huge files,
broken and looping symlinks, very deep folders. Each: one line naming the file, the run goes
on, nothing hangs, nothing ignored is rewritten."""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from pathlib import Path

import pytest

from respgate_lint.files import FileProblem, discover, read_source
from respgate_lint.runner import SettingsResolver, check_paths

from tests.modes import CLI_MODES

from .helpers import CLEAN, GOOD, RESPGATE, Run, make_tree, run_cli

GIT = shutil.which("git")
needs_git = pytest.mark.skipif(GIT is None, reason="git is not installed")


def _respgate(args: list[str], cwd: Path, *, timeout: float = 30,
              env: dict[str, str] | None = None) -> Run:
    """A real subprocess with a short timeout: a hang fails the test instead of stalling it."""
    proc = subprocess.run([RESPGATE, *args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, "NO_COLOR": "1", "COLUMNS": "200",
                                                **(env or {})})
    return Run(proc.returncode, proc.stdout + proc.stderr)


def _reported(run: Run) -> set[str]:
    return {line.split(":", 1)[0] for line in run.out.splitlines() if " RGT001 " in line}


def _git_repo(root: Path) -> Path:
    """A repository: src/app.py (tracked), vendor/ and *.gen.py ignored, one of each."""
    assert GIT is not None
    subprocess.run([GIT, "init", "-q", str(root)], check=True)
    (root / ".gitignore").write_text("vendor/\n*.gen.py\nnew/ignored.py\n")
    for name in ("src/app.py", "vendor/lib/v.py", "src/out.gen.py", "new/ignored.py",
                 "new/kept.py"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(GOOD)
    subprocess.run([GIT, "-C", str(root), "add", ".gitignore", "src/app.py"], check=True)
    return root


# -- .gitignore -----------------------------------------------------------------------------
@needs_git
@pytest.mark.parametrize("mode", CLI_MODES)
def test_check_skips_git_ignored_files_and_folders(tmp_path: Path, mode: str) -> None:
    repo = _git_repo(tmp_path / "repo")
    run = run_cli(mode, ["check", "."], repo)
    assert _reported(run) == {"src/app.py", "new/kept.py"}, run.out
    run = run_cli(mode, ["check", "--no-respect-gitignore", "."], repo)
    assert _reported(run) == {"src/app.py", "new/kept.py", "new/ignored.py",
                              "src/out.gen.py", "vendor/lib/v.py"}, run.out


@needs_git
@pytest.mark.parametrize("mode", CLI_MODES)
def test_respect_gitignore_in_the_config_and_the_flag_that_beats_it(tmp_path: Path,
                                                                    mode: str) -> None:
    repo = _git_repo(tmp_path / "repo")
    everything = {"src/app.py", "new/kept.py", "new/ignored.py", "src/out.gen.py",
                  "vendor/lib/v.py"}
    (repo / "pyproject.toml").write_text("[tool.respgate]\nrespect-gitignore = false\n")
    assert _reported(run_cli(mode, ["check", "."], repo)) == everything
    run = run_cli(mode, ["check", "--respect-gitignore", "."], repo)
    assert _reported(run) == {"src/app.py", "new/kept.py"}, run.out
    (repo / "pyproject.toml").write_text("[tool.respgate]\nrespect-gitignore = true\n")
    run = run_cli(mode, ["check", "--no-respect-gitignore", "."], repo)
    assert _reported(run) == everything, run.out
    (repo / "pyproject.toml").write_text("[tool.respgate]\nrespect-gitignore = 'no'\n")
    run = run_cli(mode, ["check", "."], repo)
    assert run.code == 2
    assert "'respect-gitignore' must be true or false" in run.out


@needs_git
@pytest.mark.parametrize("mode", CLI_MODES)
def test_fix_never_rewrites_a_git_ignored_folder(tmp_path: Path, mode: str) -> None:
    repo = _git_repo(tmp_path / "repo")
    run = run_cli(mode, ["fix", "."], repo)
    assert run.code == 0, run.out
    assert b"self.trigger_response(" in (repo / "src/app.py").read_bytes()
    for ignored in ("vendor/lib/v.py", "src/out.gen.py", "new/ignored.py"):
        assert (repo / ignored).read_bytes() == GOOD, ignored
        assert ignored not in run.out


@needs_git
def test_baseline_skips_git_ignored_files(tmp_path: Path) -> None:
    repo = _git_repo(tmp_path / "repo")
    run = run_cli("runner", ["baseline", "."], repo)
    assert run.code == 0, run.out
    text = (repo / ".respgate-baseline.json").read_text()
    assert "src/app.py" in text and "vendor" not in text and "gen.py" not in text


@needs_git
def test_a_file_named_on_the_command_line_is_checked_even_if_ignored(tmp_path: Path) -> None:
    repo = _git_repo(tmp_path / "repo")
    run = run_cli("runner", ["check", "vendor/lib/v.py", "src/out.gen.py"], repo)
    assert _reported(run) == {"vendor/lib/v.py", "src/out.gen.py"}, run.out
    run = run_cli("runner", ["check", "vendor"], repo)   # a named folder is walked too
    assert _reported(run) == {"vendor/lib/v.py"}, run.out


def test_outside_a_git_work_tree_gitignore_is_not_applied(tmp_path: Path) -> None:
    tree = make_tree(tmp_path)
    (tree / ".gitignore").write_text("good.py\n")
    run = run_cli("runner", ["check", "."], tree)
    assert _reported(run) == {"good.py"}, run.out


@needs_git
def test_without_git_nothing_is_ignored_and_nothing_fails(tmp_path: Path) -> None:
    repo = _git_repo(tmp_path / "repo")
    bare_path = tmp_path / "bin"            # a PATH with python's scripts but no git
    bare_path.mkdir()
    run = _respgate(["check", "."], repo, env={"PATH": str(bare_path)})
    assert "vendor/lib/v.py" in _reported(run) and "Traceback" not in run.out, run.out


@needs_git
def test_a_nested_repository_uses_its_own_gitignore(tmp_path: Path) -> None:
    repo = _git_repo(tmp_path / "repo")
    inner = repo / "src" / "inner"
    subprocess.run([GIT, "init", "-q", str(inner)], check=True)
    (inner / ".gitignore").write_text("skip_me.py\n")
    (inner / "skip_me.py").write_bytes(GOOD)
    (inner / "vendor").mkdir()                 # ignored by the outer repo only
    (inner / "vendor" / "kept.py").write_bytes(GOOD)
    run = run_cli("runner", ["check", "."], repo)
    assert _reported(run) == {"src/app.py", "new/kept.py", "src/inner/vendor/kept.py"}, run.out


@needs_git
def test_git_runs_once_per_work_tree_not_per_file(tmp_path: Path) -> None:
    repo = _git_repo(tmp_path / "repo")
    for i in range(40):
        (repo / "src" / f"pkg{i}").mkdir()
        (repo / "src" / f"pkg{i}" / "m.py").write_bytes(CLEAN)
    log = tmp_path / "git.log"
    shim = tmp_path / "shim"
    shim.mkdir()
    (shim / "git").write_text(f'#!/bin/sh\necho "$@" >> {log}\nexec {GIT} "$@"\n')
    (shim / "git").chmod(0o755)
    run = _respgate(["check", "."], repo, env={"PATH": f"{shim}{os.pathsep}{os.environ['PATH']}"})
    assert _reported(run) == {"src/app.py", "new/kept.py"}, run.out
    calls = log.read_text().splitlines()
    assert len(calls) == 2, calls                     # rev-parse, then one ls-files


@needs_git
def test_an_ignored_folder_is_never_entered(tmp_path: Path) -> None:
    repo = _git_repo(tmp_path / "repo")
    os.mkfifo(repo / "vendor" / "pipe.py")   # would be noted if the walk looked inside
    run = _respgate(["check", "."], repo)
    assert "pipe.py" not in run.out and _reported(run) == {"src/app.py", "new/kept.py"}


# -- regular files only, bounded reads --------------------------------------------------------
@pytest.mark.parametrize("command", ["check", "fix"])
def test_a_fifo_named_on_the_command_line_is_skipped(tmp_path: Path, command: str) -> None:
    tree = make_tree(tmp_path)
    os.mkfifo(tree / "pipe.py")
    run = _respgate([command, "pipe.py", "good.py", "clean.py"], tree)
    notes = run.lines_naming("pipe.py")
    assert len(notes) == 1 and "FIFO" in notes[0] and "Traceback" not in run.out, run.out
    assert run.code == (1 if command == "check" else 0)   # a skipped FIFO is a note, not a failure
    if command == "fix":
        assert b"self.trigger_response(" in (tree / "good.py").read_bytes()
    else:
        assert _reported(run) == {"good.py"}


@pytest.mark.parametrize("command", ["check", "fix"])
def test_a_fifo_and_a_device_met_in_a_walk_are_skipped(tmp_path: Path, command: str) -> None:
    tree = make_tree(tmp_path)
    os.mkfifo(tree / "pipe.py")
    os.symlink("/dev/zero", tree / "zero.py")
    run = _respgate([command, "."], tree)
    assert len(run.lines_naming("pipe.py")) == 1 and "FIFO" in run.out, run.out
    zero = run.lines_naming("zero.py")
    assert len(zero) == 1 and "character device" in zero[0], run.out
    if command == "check":
        assert _reported(run) == {"good.py"}
    else:
        assert b"self.trigger_response(" in (tree / "good.py").read_bytes()


def test_a_py_symlink_to_dev_zero_named_explicitly_is_never_read(tmp_path: Path) -> None:
    tree = make_tree(tmp_path)
    os.symlink("/dev/zero", tree / "zero.py")
    run = _respgate(["check", "zero.py", "good.py"], tree)
    assert "MemoryError" not in run.out and len(run.lines_naming("zero.py")) == 1, run.out
    assert _reported(run) == {"good.py"}


def test_read_source_never_blocks_on_a_fifo(tmp_path: Path) -> None:
    """A FIFO swapped in after discovery: the read itself refuses it, without a writer."""
    fifo = tmp_path / "late.py"
    os.mkfifo(fifo)
    out: list[object] = []
    reader = threading.Thread(target=lambda: out.append(read_source(fifo)), daemon=True)
    reader.start()
    reader.join(10)
    if reader.is_alive():             # unblock the reader so the test process can end
        with open(fifo, "wb"):
            pass
        reader.join(10)
        pytest.fail("read_source blocked on a FIFO")
    assert isinstance(out[0], FileProblem) and "FIFO" in out[0].message


def test_a_file_over_the_size_limit_is_one_line(tmp_path: Path) -> None:
    big = tmp_path / "big.py"
    big.write_bytes(b"x = 1\n" * 200)
    problem = read_source(big, max_size=1000)
    assert isinstance(problem, FileProblem) and "too large" in problem.message
    assert "\n" not in str(problem) and str(big) in str(problem)
    assert not isinstance(read_source(big, max_size=1200), FileProblem)   # the limit is inclusive


def test_a_huge_sparse_file_is_skipped_and_the_run_goes_on(tmp_path: Path) -> None:
    tree = make_tree(tmp_path)
    with open(tree / "huge.py", "wb") as handle:      # 200 MB, no disk blocks
        handle.truncate(200 * 2**20)
    run = _respgate(["check", "."], tree)
    lines = run.lines_naming("huge.py")
    assert len(lines) == 1 and "too large" in lines[0] and "MemoryError" not in run.out, run.out
    assert _reported(run) == {"good.py"} and run.code == 1


# -- broken and looping symlinks, deep folders ----------------------------------------------
@pytest.mark.parametrize("mode", CLI_MODES)
def test_a_dangling_symlink_is_one_line_named_or_walked(tmp_path: Path, mode: str) -> None:
    tree = make_tree(tmp_path)
    os.symlink("gone.py", tree / "dangling.py")
    for args in (["check", "."], ["check", "dangling.py", "good.py"], ["fix", "."]):
        run = run_cli(mode, args, tree)
        lines = run.lines_naming("dangling.py")
        assert len(lines) == 1 and "broken symlink" in lines[0], (args, run.out)
        assert run.code == 1 and "Traceback" not in run.out
    assert b"self.trigger_response(" in (tree / "good.py").read_bytes()


def test_a_symlink_loop_in_a_walk_is_one_line(tmp_path: Path) -> None:
    tree = make_tree(tmp_path)
    os.symlink("b.py", tree / "a.py")
    os.symlink("a.py", tree / "b.py")
    run = _respgate(["check", "."], tree)
    for name in ("a.py", "b.py"):
        lines = [line for line in run.out.splitlines() if line.startswith(name)]
        assert len(lines) == 1 and "symlink loop" in lines[0], run.out
    assert _reported(run) == {"good.py"}


def test_a_very_deep_folder_tree_is_walked(tmp_path: Path) -> None:
    """Deeper than Python's recursion limit: the walk keeps its own stack."""
    tree = make_tree(tmp_path)
    deep = tree
    for _ in range(1100):        # os.makedirs recurses: one level at a time
        deep = deep / "d"
        deep.mkdir()
    (deep / "bottom.py").write_bytes(GOOD)
    try:
        found = [p for p in discover([tree]) if not isinstance(p, FileProblem)]
        assert found[-1].name == "good.py" and any(p.name == "bottom.py" for p in found)
        results = list(check_paths([tree], SettingsResolver()))
        assert sum(1 for r in results if r.findings) == 2
    finally:   # shutil.rmtree (pytest's clean-up) recurses too: take it down level by level
        (deep / "bottom.py").unlink()
        while deep != tree:
            deep.rmdir()
            deep = deep.parent


def test_walk_order_is_depth_first_by_name(tmp_path: Path) -> None:
    for name in ("a.py", "b/x.py", "b/c/y.py", "c.py", "b/z.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(CLEAN)
    found = [p.relative_to(tmp_path).as_posix() for p in discover([tmp_path])
             if isinstance(p, Path)]
    assert found == ["a.py", "b/c/y.py", "b/x.py", "b/z.py", "c.py"]
