"""No write follows a symlink out of the tree: the baseline's temporary file is unique
(``mkstemp``, never a fixed name a repository could plant as a symlink); a target that is a
symlink is written through to the real file only when that file is inside the tree."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from respgate_lint.writes import WriteRefused, replace_checked

from tests.modes import CLI_MODES

from .helpers import GOOD, make_tree, run_cli

VICTIM = b"precious: not respgate's to write\n"


def _outside(tmp_path: Path) -> Path:
    victim = tmp_path / "outside" / "victim.txt"
    victim.parent.mkdir()
    victim.write_bytes(VICTIM)
    return victim


def _findings(path: Path) -> list[dict[str, object]]:
    return json.loads(path.read_text())["findings"]


@pytest.mark.parametrize("mode", CLI_MODES)
def test_planted_symlink_at_the_old_temporary_name_is_not_followed(tmp_path: Path,
                                                                   mode: str) -> None:
    """Before: `baseline` wrote through `.<name>.tmp`; a repository committing that name as
    a symlink made `respgate baseline .` overwrite a file outside the tree."""
    tree = make_tree(tmp_path)
    victim = _outside(tmp_path)
    planted = tree / ".respgate-baseline.json.tmp"
    os.symlink(victim, planted)
    run = run_cli(mode, ["baseline", "."], tree)
    assert run.code == 0, run.out
    assert victim.read_bytes() == VICTIM
    assert planted.is_symlink() and os.readlink(planted) == str(victim)
    written = tree / ".respgate-baseline.json"
    assert not written.is_symlink() and len(_findings(written)) == 1
    assert [p.name for p in tree.iterdir() if "respgate-tmp" in p.name] == []


@pytest.mark.parametrize("mode", CLI_MODES)
def test_baseline_target_symlinked_out_of_the_tree_is_refused(tmp_path: Path, mode: str) -> None:
    tree = make_tree(tmp_path)
    victim = _outside(tmp_path)
    os.symlink(victim, tree / ".respgate-baseline.json")
    run = run_cli(mode, ["baseline", "."], tree)
    assert run.code == 2, run.out
    lines = run.out.strip().splitlines()
    assert len(lines) == 1 and ".respgate-baseline.json" in lines[0] and "symlink" in lines[0]
    assert "outside the tree" in lines[0]
    assert victim.read_bytes() == VICTIM and (tree / ".respgate-baseline.json").is_symlink()


def test_baseline_target_symlinked_inside_the_tree_is_written_through(tmp_path: Path) -> None:
    tree = make_tree(tmp_path)
    (tree / "ci").mkdir()
    real = tree / "ci" / "baseline.json"
    real.write_text("{}")
    os.symlink("ci/baseline.json", tree / ".respgate-baseline.json")
    run = run_cli("runner", ["baseline", "."], tree)
    assert run.code == 0, run.out
    assert (tree / ".respgate-baseline.json").is_symlink()
    assert len(_findings(real)) == 1


def test_baseline_through_a_symlinked_folder_out_of_the_tree_is_refused(tmp_path: Path) -> None:
    tree = make_tree(tmp_path)
    victim = _outside(tmp_path)
    os.symlink(victim.parent, tree / "out")
    run = run_cli("runner", ["baseline", ".", "-o", "out/victim.txt"], tree)
    assert run.code == 2 and "outside the tree" in run.out, run.out
    assert victim.read_bytes() == VICTIM


def test_new_baseline_gets_an_ordinary_mode(tmp_path: Path) -> None:
    """mkstemp creates 0600; a baseline the team commits is created like any file (umask)."""
    tree = make_tree(tmp_path)
    old = os.umask(0o022)
    try:
        run = run_cli("runner", ["baseline", "."], tree)
    finally:
        os.umask(old)
    assert run.code == 0, run.out
    assert stat.S_IMODE((tree / ".respgate-baseline.json").stat().st_mode) == 0o644


def test_existing_baseline_keeps_its_mode_and_links(tmp_path: Path) -> None:
    tree = make_tree(tmp_path)
    target = tree / ".respgate-baseline.json"
    target.write_text("{}")
    target.chmod(0o664)
    os.link(target, tmp_path / "twin.json")
    assert run_cli("runner", ["baseline", "."], tree).code == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o664
    assert len(_findings(tmp_path / "twin.json")) == 1


@pytest.mark.parametrize("mode", CLI_MODES)
def test_fix_writes_through_a_symlink_inside_the_tree(tmp_path: Path, mode: str) -> None:
    tree = make_tree(tmp_path)
    (tree / "pkg").mkdir()
    real = tree / "pkg" / "real.py"
    real.write_bytes(GOOD)
    os.symlink("pkg/real.py", tree / "link.py")
    run = run_cli(mode, ["fix", "link.py"], tree)
    assert run.code == 0, run.out
    assert (tree / "link.py").is_symlink()
    assert b"await self.trigger_response(" in real.read_bytes()


def test_fix_through_a_symlinked_folder_out_of_the_tree_is_refused(tmp_path: Path) -> None:
    tree = make_tree(tmp_path)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "real.py").write_bytes(GOOD)
    os.symlink(outside, tree / "vendored")
    run = run_cli("runner", ["fix", "vendored/real.py"], tree)
    assert run.code == 1, run.out
    assert "outside the tree" in run.out and (outside / "real.py").read_bytes() == GOOD


def test_the_tree_is_the_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Inside a repository, a link to another folder of the same repository is inside the
    tree wherever the command runs from; a link out of the repository is not."""
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "a").mkdir()
    (repo / "b").mkdir()
    (repo / "b" / "real.txt").write_bytes(VICTIM)
    os.symlink(repo / "b" / "real.txt", repo / "a" / "link.txt")
    os.symlink(_outside(tmp_path), repo / "a" / "out.txt")
    monkeypatch.chdir(tmp_path)
    assert replace_checked(repo / "a" / "link.txt", b"new\n", expected=VICTIM)
    assert (repo / "b" / "real.txt").read_bytes() == b"new\n"
    with pytest.raises(WriteRefused, match="outside the tree"):
        replace_checked(repo / "a" / "out.txt", b"new\n", expected=None)
    assert (tmp_path / "outside" / "victim.txt").read_bytes() == VICTIM
