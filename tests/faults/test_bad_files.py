"""One bad file in a tree, for ``respgate check`` and ``respgate fix``: a clear one-line message
naming the file, the run goes on (the good file is still reported or fixed), the exit code says
something failed, and no other file is touched."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Callable

import pytest

from tests.modes import CLI_MODES

from .helpers import CLEAN, GOOD, make_tree, run_cli, unprivileged_prefix


def _binary(tree: Path) -> str:
    (tree / "bad.py").write_bytes(b"x = 1\x00\x01\x02\n" + os.urandom(64))
    return "bad.py"


def _non_utf8(tree: Path) -> str:
    (tree / "bad.py").write_bytes(b"# no coding cookie\nname = '\xe9t\xe9'\n")
    return "bad.py"


def _unknown_cookie(tree: Path) -> str:
    (tree / "bad.py").write_bytes(b"# -*- coding: uft-8 -*-\nx = 1\n")
    return "bad.py"


def _syntax_error(tree: Path) -> str:
    (tree / "bad.py").write_bytes(b"def f(:\n    response.create\n")
    return "bad.py"


def _symlink_loop(tree: Path) -> str:
    os.symlink("bad.py", tree / "bad.py")
    return "bad.py"


def _symlink_pair_loop(tree: Path) -> str:
    os.symlink("other.py", tree / "bad.py")
    os.symlink("bad.py", tree / "other.py")
    return "bad.py"


FAULTS: dict[str, Callable[[Path], str]] = {
    "binary": _binary, "non-utf8-without-cookie": _non_utf8, "unknown-cookie": _unknown_cookie,
    "syntax-error": _syntax_error, "symlink-loop": _symlink_loop,
}


def _snapshot(tree: Path) -> dict[str, bytes | str]:
    out: dict[str, bytes | str] = {}
    for path in sorted(tree.iterdir()):
        out[path.name] = ("-> " + os.readlink(path)) if path.is_symlink() else path.read_bytes()
    return out


def _assert_one_line_about(run_out: str, name: str) -> None:
    assert "Traceback" not in run_out, run_out
    lines = [line for line in run_out.splitlines() if line.startswith(name)]
    assert len(lines) == 1, run_out
    assert len(lines[0]) > len(name) + 5, lines  # says what is wrong, not just the name


@pytest.mark.parametrize("mode", CLI_MODES)
@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_check_reports_bad_file_and_goes_on(tmp_path: Path, fault: str, mode: str) -> None:
    tree = make_tree(tmp_path)
    name = FAULTS[fault](tree)
    before = _snapshot(tree)
    run = run_cli(mode, ["check", "."], tree)
    assert run.code == 1, run.out
    _assert_one_line_about(run.out, name)
    assert any(line.startswith("good.py:7:") and "RGT001" in line for line in run.out.splitlines())
    assert not run.lines_naming("clean.py")
    assert _snapshot(tree) == before


@pytest.mark.parametrize("mode", CLI_MODES)
@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_fix_reports_bad_file_and_goes_on(tmp_path: Path, fault: str, mode: str) -> None:
    tree = make_tree(tmp_path)
    name = FAULTS[fault](tree)
    before = _snapshot(tree)
    run = run_cli(mode, ["fix", "."], tree)
    assert run.code == 1, run.out
    _assert_one_line_about(run.out, name)
    after = _snapshot(tree)
    assert b"await self.trigger_response(" in after.pop("good.py")  # the run went on
    before.pop("good.py")
    assert after == before                                           # nothing else touched
    assert (tree / "clean.py").read_bytes() == CLEAN


def test_symlink_pair_loop_named_explicitly(tmp_path: Path) -> None:
    tree = make_tree(tmp_path)
    _symlink_pair_loop(tree)
    for command in ("check", "fix"):
        run = run_cli("process", [command, "bad.py", "good.py", "clean.py"], tree)
        assert run.code == 1, run.out
        _assert_one_line_about(run.out, "bad.py")


def test_folder_symlink_loop_does_not_trap_the_walk(tmp_path: Path) -> None:
    tree = make_tree(tmp_path)
    (tree / "pkg").mkdir()
    os.symlink("..", tree / "pkg" / "up")           # tree/pkg/up -> tree: a cycle
    os.symlink("pkg", tree / "pkg" / "self_link")
    run = run_cli("process", ["check", "."], tree)
    assert run.code == 1 and "Traceback" not in run.out
    assert len([line for line in run.out.splitlines() if "RGT001" in line]) == 1  # good.py once


# -- permissions: root ignores mode bits, so as root these run without the capabilities that
# let it (see unprivileged_prefix)
@pytest.fixture()
def unprivileged(tmp_path: Path) -> tuple[list[str], Path]:
    prefix = unprivileged_prefix()
    if prefix is None:
        pytest.skip("running as root and cannot drop CAP_DAC_OVERRIDE (no setpriv); the "
                    "mode-bit checks of write_atomic are covered in test_write_safety.py")
    return prefix, tmp_path


@pytest.mark.parametrize("command", ["check", "fix"])
def test_folder_without_permission(unprivileged: tuple[list[str], Path], command: str) -> None:
    prefix, base = unprivileged
    tree = make_tree(base)
    locked = tree / "locked"
    locked.mkdir()
    (locked / "inside.py").write_bytes(GOOD)
    os.chmod(locked, 0)
    try:
        run = run_cli("process", [command, "."], tree, prefix=prefix)
    finally:
        os.chmod(locked, 0o755)
    assert run.code == 1, run.out
    _assert_one_line_about(run.out, "locked")
    assert "ermission denied" in run.out
    assert (locked / "inside.py").read_bytes() == GOOD
    if command == "fix":
        assert b"trigger_response(" in (tree / "good.py").read_bytes()


@pytest.mark.parametrize("command", ["check", "fix"])
def test_unreadable_file(unprivileged: tuple[list[str], Path], command: str) -> None:
    prefix, base = unprivileged
    tree = make_tree(base)
    (tree / "secret.py").write_bytes(GOOD)
    os.chmod(tree / "secret.py", 0)
    try:
        run = run_cli("process", [command, "."], tree, prefix=prefix)
    finally:
        os.chmod(tree / "secret.py", 0o644)
    assert run.code == 1, run.out
    _assert_one_line_about(run.out, "secret.py")
    assert "ermission denied" in run.out
    assert (tree / "secret.py").read_bytes() == GOOD
    if command == "fix":
        assert b"trigger_response(" in (tree / "good.py").read_bytes()


def test_read_only_folder_blocks_the_temporary_file(unprivileged: tuple[list[str], Path]) -> None:
    """A writable file in a read-only folder: the atomic rename cannot happen; nothing changes."""
    prefix, base = unprivileged
    tree = make_tree(base)
    sub = tree / "ro"
    sub.mkdir()
    (sub / "mod.py").write_bytes(GOOD)
    os.chmod(sub, 0o555)
    try:
        run = run_cli("process", ["fix", "."], tree, prefix=prefix)
    finally:
        os.chmod(sub, 0o755)
    assert run.code == 1, run.out
    errors = [line for line in run.lines_naming("ro/mod.py") if "rewritten as" not in line]
    assert len(errors) == 1 and "cannot write" in errors[0], run.out
    assert (sub / "mod.py").read_bytes() == GOOD
    assert sorted(p.name for p in sub.iterdir()) == ["mod.py"]      # no temporary left
    assert b"trigger_response(" in (tree / "good.py").read_bytes()


def test_failed_write_is_not_reported_as_rewritten(tmp_path: Path) -> None:
    tree = make_tree(tmp_path)
    before = (tree / "good.py").read_bytes()
    os.chmod(tree / "good.py", 0o444)
    run = run_cli("process", ["fix", "."], tree)
    assert run.code == 1
    assert "rewritten as" not in run.out, run.out
    assert re.search(r"^Sites rewritten\s+0$", run.out, re.M), run.out
    assert any("read-only" in line for line in run.lines_naming("good.py")), run.out
    assert (tree / "good.py").read_bytes() == before
