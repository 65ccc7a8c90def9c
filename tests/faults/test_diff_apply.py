"""``respgate fix --diff`` prints a patch that real tools apply to exactly what ``fix`` writes.

For each unusual-but-valid file (CRLF, CR-only, mixed endings, BOM, latin-1, form feed,
``\\x0b``/``\\x1c``/``\\u2028``/``\\x85`` in strings, no final newline) the patch printed by
``python -m respgate_lint fix --diff`` is applied with ``git apply`` in a git repository and
with ``patch -p1`` in another copy, and both results must equal, byte for byte, the file that
``python -m respgate_lint fix`` writes. No mocks: real subprocesses.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from respgate_lint.cli import cli
from respgate_lint.codemods.diff import unified_diff
from respgate_lint.sourcetext import lf_lines

GATE = (b"    async def trigger_response(self, reason, client=None, force=False, response=None):\n"
        b"        pass\n"
        b"        await (client or self.client).send_event({'type': 'response.create'})\n")
FEED = b"\n    def feed(self, event):\n        self.response_gate.observe(event)\n"
SEND = b'        await self.client.send_event({"type": "response.create"})'
MULTI = (b'        await self.client.send_event({\n'
         b'            "type": "response.create",\n'
         b'            "response": {"instructions": "hi"},\n'
         b'        })\n')
# The send is line 6: the first hunk's context reaches line 3.
SHORT = b"class Handler:\n" + GATE + b"    async def on_tool(self):\n" + SEND + b"\n"
LONG = (SHORT + b"        x = 1\n" * 8 + b"\n    async def on_error(self):\n" + MULTI
        + b"        y = 2\n\n\nclass Bare:\n    async def go(self):\n" + SEND + b"\n"
        + b"        z = 3\n" + FEED)


def _eol(data: bytes, eol: bytes) -> bytes:
    return data.replace(b"\n", eol)


CASES: dict[str, bytes] = {
    "lf": LONG,
    "crlf": _eol(LONG, b"\r\n"),
    "cr-only": _eol(LONG, b"\r"),
    "mixed-endings": SHORT.replace(b"\n", b"\r\n", 2) + b"        a = 1\r" + LONG[len(SHORT):],
    "bom": b"\xef\xbb\xbf" + LONG,
    "bom-crlf": b"\xef\xbb\xbf" + _eol(LONG, b"\r\n"),
    "bom-mixin-at-line-1": b"\xef\xbb\xbfclass Bare:\n    async def go(self):\n" + SEND + b"\n" + FEED,
    "latin-1-cookie": (b"# -*- coding: latin-1 -*-\n"
                       + SHORT.replace(b"pass", b"x = '\xe9t\xe9\x85'")
                       + b"        note = 'caf\xe9 \x85 na\xefve'  # \xa9\n" + LONG[len(SHORT):]),
    "form-feed": (SHORT.replace(b"    async def on_tool", b"\x0c\n    async def on_tool")
                  + b"        s = '\x0c'  # \x0c\n\x0c\n" + LONG[len(SHORT):]),
    "vt-fs-gs-rs": SHORT + b"        s = '\x0b\x1c\x1d\x1e'  # \x0b\x1c\n" + LONG[len(SHORT):],
    "u2028-u2029-nel-utf8": (SHORT.replace(b"pass", "x = '\u2028\u2029\x85'".encode())
                             + "        s = 'a\u2028b'  # \u2029 \x85\n".encode()
                             + LONG[len(SHORT):]),
    "no-final-newline-send-last": SHORT.rstrip(b"\n"),
    "no-final-newline-context-last": LONG.rstrip(b"\n"),
    "crlf-no-final-newline": _eol(LONG, b"\r\n").rstrip(b"\r\n"),
    "cr-only-no-final-newline": _eol(SHORT, b"\r").rstrip(b"\r"),
    "cr-only-final-cr-only": _eol(SHORT, b"\r") + b"        x = 1\r",
}

GIT_ENV = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull,
           "NO_COLOR": "1"}


def _run(args: list[str], cwd: Path, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(args, cwd=cwd, input=stdin, capture_output=True, timeout=120, env=GIT_ENV)


def _respgate(args: list[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    return _run([sys.executable, "-m", "respgate_lint", *args], cwd)


def _sections(patch: bytes) -> dict[str, bytes]:
    """The patch split per file (a section starts at ``--- a/NAME`` followed by ``+++``)."""
    lines = lf_lines(patch)
    starts = [i for i, line in enumerate(lines)
              if line.startswith(b"--- a/") and i + 1 < len(lines)
              and lines[i + 1].startswith(b"+++ b/")]
    out = {}
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        name = lines[start][len(b"--- a/"):].rstrip(b"\n").decode()
        out[name] = b"".join(lines[start:end])
    return out


def _git_apply(root: Path, patch: bytes) -> subprocess.CompletedProcess[bytes]:
    _run(["git", "init", "-q", "."], root).check_returncode()
    return _run(["git", "apply", "-"], root, stdin=patch)


def _patch_apply(root: Path, patch: bytes) -> subprocess.CompletedProcess[bytes]:
    return _run(["patch", "-p1", "--batch", "--no-backup-if-mismatch"], root, stdin=patch)


def _copy(src: Path, dest: Path, names: list[str]) -> Path:
    for name in names:
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src / name, target)
    return dest


@pytest.fixture(scope="module")
def fixed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, bytes], bytes]:
    """(original tree, what ``fix`` wrote per file, the ``fix --diff`` output)."""
    root = tmp_path_factory.mktemp("diff-apply")
    original = root / "original"
    for case, data in CASES.items():
        path = original / "pkg" / f"{case}.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    shown = _respgate(["fix", "--diff", "--add-mixin", "pkg"], original)
    assert shown.returncode == 1, shown.stderr.decode(errors="replace")
    assert {p.name: p.read_bytes() for p in (original / "pkg").iterdir()} == {
        f"{c}.py": d for c, d in CASES.items()}, "--diff wrote a file"
    written = root / "written"
    shutil.copytree(original, written)
    done = _respgate(["fix", "--add-mixin", "pkg"], written)
    assert done.returncode == 0, done.stdout.decode(errors="replace") + done.stderr.decode(
        errors="replace")
    return original, {f"pkg/{c}.py": (written / "pkg" / f"{c}.py").read_bytes()
                      for c in CASES}, shown.stdout


@pytest.mark.parametrize("case", list(CASES))
def test_fix_diff_applies_with_git_and_patch(fixed: tuple[Path, dict[str, bytes], bytes],
                                             tmp_path: Path, case: str) -> None:
    original, written, patch = fixed
    name = f"pkg/{case}.py"
    assert written[name] != CASES[case], "fix changed nothing: the case tests nothing"
    section = _sections(patch).get(name)
    assert section, f"no diff for {name}"

    git_root = _copy(original, tmp_path / "git", [name])
    git = _git_apply(git_root, section)
    assert git.returncode == 0, git.stderr.decode(errors="replace")
    assert (git_root / name).read_bytes() == written[name]

    patch_root = _copy(original, tmp_path / "patch", [name])
    applied = _patch_apply(patch_root, section)
    report = applied.stdout.decode(errors="replace") + applied.stderr.decode(errors="replace")
    assert applied.returncode == 0, report
    assert "fuzz" not in report and "offset" not in report, report
    assert (patch_root / name).read_bytes() == written[name]


def test_the_whole_multi_file_diff_applies(fixed: tuple[Path, dict[str, bytes], bytes],
                                           tmp_path: Path) -> None:
    original, written, patch = fixed
    names = sorted(written)
    assert sorted(_sections(patch)) == names
    git_root = _copy(original, tmp_path / "git", names)
    git = _git_apply(git_root, patch)
    assert git.returncode == 0, git.stderr.decode(errors="replace")
    patch_root = _copy(original, tmp_path / "patch", names)
    applied = _patch_apply(patch_root, patch)
    assert applied.returncode == 0, applied.stdout.decode(errors="replace")
    for name in names:
        assert (git_root / name).read_bytes() == written[name], name
        assert (patch_root / name).read_bytes() == written[name], name


@pytest.mark.parametrize("absolute", [False, True])
def test_in_process_diff_is_the_same_bytes(fixed: tuple[Path, dict[str, bytes], bytes],
                                           absolute: bool) -> None:
    """click's CliRunner (how most tests and embedders call the CLI) gets the same bytes; an
    absolute path under the current folder is named relative to it, so -p1 finds it there."""
    original, _, patch = fixed
    old = Path.cwd()
    os.chdir(original)
    try:
        target = str(original / "pkg") if absolute else "pkg"
        result = CliRunner().invoke(cli, ["fix", "--diff", "--add-mixin", target])
    finally:
        os.chdir(old)
    assert result.exit_code == 1
    assert result.stdout_bytes == patch


_PIECES = [b"", b"x = 1", b"  y", b"\x0c", b"a\x0bb\x1c", b"\xe9t\xe9", "\u2028".encode(),
           b"\x85", b"\t# c", b"--- a/x", b"+z", b"\\ n", b" @@ -1 +1 @@", b"\r\x0c"]
_ENDS = [b"\n", b"\n", b"\r\n", b"\r"]


def _soup(rng: random.Random, most: int = 30) -> bytes:
    """Up to ``most`` lines; in long ones, half the lines are unique (anchors for the matcher)."""
    lines = [rng.choice(_PIECES) + (b" #%d" % n if most > 100 and n % 2 else b"")
             + rng.choice(_ENDS) for n in range(rng.randint(1, most))]
    if rng.random() < 0.4:
        lines[-1] = lines[-1].rstrip(b"\r\n")
    return b"".join(lines) or b"x"


def _mutate(rng: random.Random, data: bytes, edits: int = 4) -> bytes:
    lines = lf_lines(data)
    for _ in range(rng.randint(1, edits)):
        at = rng.randrange(len(lines) + 1)
        what = rng.random()
        if what < 0.3 and lines:
            del lines[min(at, len(lines) - 1)]
        elif what < 0.6:
            lines.insert(at, rng.choice(_PIECES) + rng.choice(_ENDS))
        elif lines:
            lines[min(at, len(lines) - 1)] = rng.choice(_PIECES) + rng.choice(_ENDS)
    if rng.random() < 0.3 and lines:
        lines[-1] = lines[-1].rstrip(b"\r\n") if lines[-1].endswith(b"\n") else lines[-1] + b"\n"
    new = b"".join(lines)
    return new if new and new != data else data + b"q\n"


def test_diff_writer_on_random_line_soups(tmp_path: Path) -> None:
    """The writer alone, on files no codemod would produce: every ending, edits at both ends,
    lines that look like patch syntax, final newline added and removed; and a few files of
    thousands of repetitive lines, where the matcher's junk heuristic is at work."""
    rng = random.Random(15)
    pairs = {f"f{n:02d}.txt": (old := _soup(rng), _mutate(rng, old)) for n in range(60)}
    pairs.update({f"big{n}.txt": (old := _soup(rng, 3000), _mutate(rng, old, 30))
                  for n in range(3)})
    patch = b"".join(unified_diff(name, old, new) for name, (old, new) in pairs.items())
    for tool, apply in (("git", _git_apply), ("patch", _patch_apply)):
        root = tmp_path / tool
        root.mkdir()
        for name, (old, _) in pairs.items():
            (root / name).write_bytes(old)
        done = apply(root, patch)
        assert done.returncode == 0, (tool, done.stdout[-2000:], done.stderr[-2000:])
        wrong = [name for name, (_, new) in pairs.items() if (root / name).read_bytes() != new]
        assert not wrong, (tool, wrong)


def test_diff_of_equal_bytes_is_empty() -> None:
    assert unified_diff("a.py", b"x\r\n", b"x\r\n") == b""


@pytest.fixture(scope="module", autouse=True)
def _tools() -> None:
    """Skip (before the module's fixtures run) where git or patch is missing."""
    for tool in ("git", "patch"):
        if shutil.which(tool) is None:
            pytest.skip(f"`{tool}` is not installed")


@pytest.mark.parametrize("name", ["odd\nname.py", "::error file=x::boom.py", 'q"uote\\d.py',
                                  "esc\x1b[31m.py"])
def test_odd_file_names_are_quoted_in_headers_and_apply(tmp_path: Path, name: str) -> None:
    """A header never lets a name start a line of its own; git and patch still apply it."""
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / name).write_bytes(SHORT)
    run = _respgate(["fix", "--diff", "."], tree)
    assert run.returncode == 1, run.stderr
    lines = run.stdout.split(b"\n")
    headers = [line for line in lines if line.startswith((b"--- ", b"+++ "))]
    assert len(headers) == 2, run.stdout
    assert not any(line.startswith(b"::") for line in lines), run.stdout
    assert b"\x1b" not in run.stdout
    fixed = tmp_path / "fixed"
    _copy(tree, fixed, [name])
    assert _respgate(["fix", "."], fixed).returncode == 0
    for tool, apply in (("git", _git_apply), ("patch", _patch_apply)):
        target = _copy(tree, tmp_path / tool, [name])
        done = apply(target, run.stdout)
        assert done.returncode == 0, (tool, done.stderr)
        assert (target / name).read_bytes() == (fixed / name).read_bytes(), tool
