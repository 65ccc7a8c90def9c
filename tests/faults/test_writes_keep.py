"""A fixed file keeps everything but its bytes: owner, group, mode, xattrs, hard links; and an
edit saved while ``fix`` runs is never overwritten (the content check happens just before
the rename, driven here through the ``files._before_rename`` seam, not a race)."""

from __future__ import annotations

import errno
import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from respgate_lint import files
from respgate_lint.files import FileProblem, SourceFile, read_source, write_atomic
from respgate_lint.writes import STALE

from tests.modes import CLI_MODES

from .helpers import GOOD, RESPGATE, make_tree, run_cli

NEW = b"# fixed\n"
EDITED = GOOD.replace(b"on_tool", b"on_tool_renamed_in_the_editor")


def _temporaries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if "respgate-tmp" in p.name)


def _read(path: Path) -> SourceFile:
    source = read_source(path)
    assert not isinstance(source, FileProblem)
    return source


def _ids(name: str, kind: str) -> int:
    import grp
    import pwd

    return pwd.getpwnam(name).pw_uid if kind == "user" else grp.getgrnam(name).gr_gid


needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="chown to another user needs root")


# -- owner, group, mode, xattrs --------------------------------------------------------------
@needs_root
@pytest.mark.parametrize("mode", CLI_MODES)
def test_fix_keeps_owner_group_and_mode(tmp_path: Path, mode: str) -> None:
    tree = make_tree(tmp_path)
    path = tree / "good.py"
    nobody, nogroup = _ids("nobody", "user"), _ids("nogroup", "group")
    os.chown(path, nobody, nogroup)
    path.chmod(0o640)
    run = run_cli(mode, ["fix", "."], tree)
    assert run.code == 0, run.out
    st = path.stat()
    assert b"await self.trigger_response(" in path.read_bytes()
    assert (st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)) == (nobody, nogroup, 0o640)


def test_fix_keeps_extended_attributes(tmp_path: Path) -> None:
    tree = make_tree(tmp_path)
    path = tree / "good.py"
    try:
        os.setxattr(path, "user.x", b"kept")
    except OSError as exc:
        if exc.errno in (errno.ENOTSUP, errno.EOPNOTSUPP, errno.EPERM):
            pytest.skip(f"this filesystem has no user xattrs ({exc.strerror})")
        raise
    run = run_cli("runner", ["fix", "."], tree)
    assert run.code == 0, run.out
    assert b"await self.trigger_response(" in path.read_bytes()
    assert os.getxattr(path, "user.x") == b"kept"


def test_setuid_bits_and_odd_modes_survive(tmp_path: Path) -> None:
    path = tmp_path / "m.py"
    path.write_bytes(GOOD)
    path.chmod(0o2751)
    assert write_atomic(_read(path), NEW) is None
    assert stat.S_IMODE(path.stat().st_mode) == 0o2751 and path.read_bytes() == NEW


@needs_root
@pytest.mark.slow
def test_owner_kept_by_writing_in_place_when_chown_is_not_permitted(tmp_path: Path) -> None:
    """Without CAP_CHOWN a new file cannot be given the old owner: the file (group- and
    world-writable, owned by nobody) is rewritten in place instead of changing hands."""
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("setpriv (util-linux) is not installed")
    tree = make_tree(tmp_path)
    path = tree / "good.py"
    nobody = _ids("nobody", "user")
    os.chown(path, nobody, nobody)
    path.chmod(0o666)
    inode = path.stat().st_ino
    caps = "-chown"
    proc = subprocess.run([setpriv, f"--inh-caps={caps}", f"--bounding-set={caps}",
                           RESPGATE, "fix", "good.py"], cwd=tree, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    st = path.stat()
    assert b"await self.trigger_response(" in path.read_bytes()
    assert (st.st_uid, st.st_ino, stat.S_IMODE(st.st_mode)) == (nobody, inode, 0o666)


# -- hard links ------------------------------------------------------------------------------
@pytest.mark.parametrize("mode", CLI_MODES)
def test_hard_linked_file_is_rewritten_in_place(tmp_path: Path, mode: str) -> None:
    """Both names get the fix (a rename would split them: the other name kept the bypass)."""
    tree = make_tree(tmp_path)
    other = tmp_path / "other_name.py"
    os.link(tree / "good.py", other)
    inode = other.stat().st_ino
    run = run_cli(mode, ["fix", "good.py"], tree)
    assert run.code == 0, run.out
    assert (tree / "good.py").stat().st_ino == inode and other.stat().st_nlink == 2
    assert b"await self.trigger_response(" in other.read_bytes()
    assert other.read_bytes() == (tree / "good.py").read_bytes()
    assert _temporaries(tree) == []


def test_in_place_write_shrinks_and_grows(tmp_path: Path) -> None:
    path = tmp_path / "m.py"
    path.write_bytes(GOOD)
    os.link(path, tmp_path / "twin.py")
    assert write_atomic(_read(path), NEW) is None
    assert (tmp_path / "twin.py").read_bytes() == NEW
    longer = NEW * 5000
    assert write_atomic(_read(path), longer) is None
    assert (tmp_path / "twin.py").read_bytes() == longer


# -- an edit saved while fix runs ------------------------------------------------------------
@pytest.mark.parametrize("linked", [False, True], ids=["renamed", "in-place"])
def test_edit_just_before_the_rename_is_never_overwritten(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, linked: bool) -> None:
    path = tmp_path / "m.py"
    path.write_bytes(GOOD)
    if linked:
        os.link(path, tmp_path / "twin.py")
    source = _read(path)
    seen: list[str | None] = []

    def editor_saves(tmp_name: str | None, target: Path) -> None:
        seen.append(tmp_name)
        with open(target, "r+b") as handle:   # an editor writing in place, same length,
            handle.write(GOOD.upper())         # with the old mtime put back
        os.utime(target, ns=(source.stat.st_atime_ns, source.stat.st_mtime_ns))

    monkeypatch.setattr(files, "_before_rename", editor_saves)
    problem = write_atomic(source, NEW)
    assert problem is not None and problem.path == str(path) and problem.message == STALE
    assert "changed on disk during fix; not written" in str(problem)
    assert path.read_bytes() == GOOD.upper()
    assert (seen[0] is None) == linked
    assert _temporaries(tmp_path) == []


@pytest.mark.parametrize("mode", ["runner"])
def test_lost_race_is_reported_and_exits_non_zero(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: str) -> None:
    tree = make_tree(tmp_path)

    def editor_saves(tmp_name: str | None, target: Path) -> None:
        target.write_bytes(EDITED)

    monkeypatch.setattr(files, "_before_rename", editor_saves)
    run = run_cli(mode, ["fix", "."], tree)
    assert run.code == 1, run.out
    errors = [line for line in run.lines_naming("good.py") if "changed on disk" in line]
    assert len(errors) == 1 and "not written" in errors[0], run.out
    assert (tree / "good.py").read_bytes() == EDITED
    assert _temporaries(tree) == []


def test_file_already_holding_the_fix_is_left_alone(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Another fix run (or the other name of a symlink) wrote the same bytes first."""
    path = tmp_path / "m.py"
    path.write_bytes(GOOD)
    source = _read(path)
    monkeypatch.setattr(files, "_before_rename", lambda tmp, target: target.write_bytes(NEW))
    assert write_atomic(source, NEW) is None
    assert path.read_bytes() == NEW and _temporaries(tmp_path) == []


def test_replaced_file_of_another_size_is_refused(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "m.py"
    path.write_bytes(GOOD)
    source = _read(path)

    def replace(tmp_name: str | None, target: Path) -> None:
        other = tmp_path / "other"
        other.write_bytes(GOOD + b"# more\n")
        os.replace(other, target)

    monkeypatch.setattr(files, "_before_rename", replace)
    problem = write_atomic(source, NEW)
    assert problem is not None and problem.message == STALE
    assert path.read_bytes() == GOOD + b"# more\n"
