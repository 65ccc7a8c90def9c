"""``respgate fix`` never hurts a file: read-only files, symlinks out of the tree, a crash
between the temporary file and the rename, a file that vanishes, a 50 MB file, and two fix
processes racing over the same tree."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from respgate_lint import files
from respgate_lint.config import Settings
from respgate_lint.files import FileProblem, read_source, write_atomic
from respgate_lint.runner import SettingsResolver, check_file, check_paths

from tests.modes import CLI_MODES

from .helpers import CLEAN, GOOD, RESPGATE, make_tree, run_cli


def _temporaries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if "respgate-tmp" in p.name)


# -- read-only -----------------------------------------------------------------------------
def test_write_atomic_refuses_read_only_even_as_root(tmp_path: Path) -> None:
    """Root ignores permission bits, so write_atomic reads the mode bits itself."""
    path = tmp_path / "ro.py"
    path.write_bytes(GOOD)
    path.chmod(0o444)
    source = read_source(path)
    assert not isinstance(source, FileProblem)
    problem = write_atomic(source, b"x = 1\n")
    assert problem is not None and problem.path == str(path) and "read-only" in problem.message
    assert path.read_bytes() == GOOD and _temporaries(tmp_path) == []


@pytest.mark.parametrize("mode", CLI_MODES)
def test_fix_read_only_file(tmp_path: Path, mode: str) -> None:
    tree = make_tree(tmp_path)
    (tree / "ro.py").write_bytes(GOOD)
    (tree / "ro.py").chmod(0o444)
    run = run_cli(mode, ["fix", "."], tree)
    assert run.code == 1, run.out
    errors = [line for line in run.lines_naming("ro.py") if "rewritten as" not in line]
    assert len(errors) == 1 and "read-only" in errors[0], run.out
    assert (tree / "ro.py").read_bytes() == GOOD
    assert b"trigger_response(" in (tree / "good.py").read_bytes()
    assert (tree / "clean.py").read_bytes() == CLEAN


def test_check_is_fine_with_read_only_files(tmp_path: Path) -> None:
    tree = make_tree(tmp_path)
    (tree / "good.py").chmod(0o444)
    run = run_cli("process", ["check", "."], tree)
    assert run.code == 1 and "E902" not in run.out and "RGT001" in run.out


# -- symlinks ------------------------------------------------------------------------------
@pytest.mark.parametrize("mode", CLI_MODES)
def test_symlink_to_outside_is_not_written_through(tmp_path: Path, mode: str) -> None:
    tree = make_tree(tmp_path)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "real.py").write_bytes(GOOD)
    os.symlink(outside / "real.py", tree / "link.py")
    run = run_cli(mode, ["fix", "."], tree)
    assert run.code == 1, run.out
    errors = [line for line in run.lines_naming("link.py") if "rewritten as" not in line]
    assert len(errors) == 1 and "symlink" in errors[0], run.out
    assert (outside / "real.py").read_bytes() == GOOD
    assert (tree / "link.py").is_symlink()
    assert b"trigger_response(" in (tree / "good.py").read_bytes()


def test_check_reads_through_a_symlink_to_outside(tmp_path: Path) -> None:
    """Reading through a link is harmless and expected (ruff and flake8 do it too)."""
    tree = make_tree(tmp_path)
    (tmp_path / "real.py").write_bytes(GOOD)
    os.symlink(tmp_path / "real.py", tree / "link.py")
    run = run_cli("process", ["check", "."], tree)
    assert run.code == 1 and run.lines_naming("link.py:7:")


# -- a crash between the temporary file and the rename ---------------------------------------
@pytest.mark.parametrize("error", [OSError(28, "No space left on device"), KeyboardInterrupt()])
def test_crash_before_rename_leaves_original_and_no_temporary(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: BaseException) -> None:
    path = tmp_path / "mod.py"
    path.write_bytes(GOOD)
    source = read_source(path)
    assert not isinstance(source, FileProblem)

    def crash(tmp_name: str, target: Path) -> None:
        assert Path(tmp_name).read_bytes() == b"new\n"   # the temporary really was written
        raise error

    monkeypatch.setattr(files, "_before_rename", crash)
    if isinstance(error, OSError):
        problem = write_atomic(source, b"new\n")
        assert problem is not None and str(path) in str(problem) and "No space" in problem.message
    else:
        with pytest.raises(KeyboardInterrupt):
            write_atomic(source, b"new\n")
    assert path.read_bytes() == GOOD
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mod.py"]


def test_killed_process_before_rename_leaves_original_intact(tmp_path: Path) -> None:
    """A hard kill (no cleanup code runs): the original is intact; the orphan temporary is a
    hidden non-.py file that neither check nor fix ever picks up."""
    tree = make_tree(tmp_path)
    script = textwrap.dedent("""
        import os, signal, sys
        from respgate_lint import files
        from respgate_lint.cli import main
        files._before_rename = lambda tmp, path: os.kill(os.getpid(), signal.SIGKILL)
        main(["fix", sys.argv[1]])
    """)
    proc = subprocess.run([sys.executable, "-c", script, str(tree / "good.py")],
                          capture_output=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL
    assert (tree / "good.py").read_bytes() == GOOD
    leftovers = _temporaries(tree)
    assert all(name.startswith(".") and not name.endswith(".py") for name in leftovers)
    run = run_cli("process", ["check", "."], tree)
    assert "respgate-tmp" not in run.out


# -- a file deleted between listing and reading -----------------------------------------------
def test_file_vanishing_between_listing_and_reading(tmp_path: Path) -> None:
    tree = make_tree(tmp_path)
    (tree / "zz_vanishes.py").write_bytes(GOOD)
    results = check_paths([tree], SettingsResolver())
    first = next(results)                     # the folder is listed; clean.py is checked
    assert first.path.name == "clean.py"
    (tree / "zz_vanishes.py").unlink()        # ... and the file goes away before its turn
    rest = list(results)
    by_name = {r.path.name: r for r in rest}
    assert by_name["good.py"].findings                        # the run went on
    problem = by_name["zz_vanishes.py"].problem
    assert problem is not None and "zz_vanishes.py" in str(problem)
    assert "No such file" in problem.message and "\n" not in str(problem)


def test_fix_on_a_file_that_vanished(tmp_path: Path) -> None:
    from respgate_lint.codemods.fixer import FixTask, fix_file

    result = fix_file(FixTask(tmp_path / "gone.py", Settings()))
    assert result.problem is not None and "No such file" in result.problem
    assert not result.internal


# -- a 50 MB file ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def fifty_mb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("big")
    line = b"# " + b"padding text for a very large generated module " * 2 + b"\n"
    block = line * 10_000
    with open(folder / "huge.py", "wb") as handle:
        while handle.tell() < 50 * 1024 * 1024:
            handle.write(block)
        handle.write(GOOD)
    (folder / "clean.py").write_bytes(CLEAN)
    return folder


@pytest.mark.slow
def test_check_and_fix_a_50_mb_file(fifty_mb: Path) -> None:
    path = fifty_mb / "huge.py"
    size = path.stat().st_size
    assert size > 50 * 1024 * 1024
    result = check_file(path, Settings())
    assert result.problem is None and len(result.findings) == 1
    run = run_cli("process", ["fix", "huge.py", "clean.py"], fifty_mb)
    assert run.code == 0, run.out
    data = path.read_bytes()
    assert b"await self.trigger_response(" in data
    assert data.startswith(b"# padding") and abs(len(data) - size) < 200
    assert (fifty_mb / "clean.py").read_bytes() == CLEAN
    assert _temporaries(fifty_mb) == []


@pytest.mark.slow
# -- two fix processes at once ---------------------------------------------------------------
def test_two_fix_processes_never_corrupt_a_file(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    tree.mkdir()
    body = GOOD + b"".join(
        b"\n    async def tool_%d(self):\n        await self.client.send_event("
        b"{\"type\": \"response.create\"})\n" % i for i in range(40))
    for i in range(40):
        (tree / f"m{i:02d}.py").write_bytes(body)
    reference = tmp_path / "reference"
    reference.mkdir()
    (reference / "m.py").write_bytes(body)
    assert run_cli("process", ["fix", "m.py"], reference).code == 0
    expected = (reference / "m.py").read_bytes()

    procs = [subprocess.Popen([RESPGATE, "fix", "--jobs", "2", str(tree)], stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT) for _ in range(2)]
    outputs = [p.communicate(timeout=300)[0].decode() for p in procs]
    for proc, out in zip(procs, outputs):
        assert proc.returncode in (0, 1), out
        assert "Traceback" not in out and "internal error" not in out, out
    for path in sorted(tree.iterdir()):
        assert path.read_bytes() in (body, expected), path     # whole old or whole new
    assert _temporaries(tree) == []
    again = run_cli("process", ["fix", "."], tree)           # whatever lost the race is done now
    assert again.code == 0, again.out
    assert all(p.read_bytes() == expected for p in tree.iterdir())
