"""Hostile names, huge output, a dead or full stdout, paths given twice: the report still
comes out whole (or the run ends cleanly), and ``fix`` still fixes every file."""

from __future__ import annotations

import errno
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from respgate_lint.cli import cli
from respgate_lint.cli.output.text import _excerpt
from respgate_lint.cli.terminal import SafeOutput, escape_text, shown
from respgate_lint.runner import SettingsResolver, iter_files
from tests.cli.conftest import BYPASSES, Run, make_file, run_process

SEND = 'async def f(c):\n    await c.send_event({"type": "response.create"})\n'
FIXABLE = ('from respgate_lint.runtime import GatedResponseMixin\n\n'
           'class Bridge(GatedResponseMixin):\n    async def on_done(self):\n'
           '        await self.client.send_event({"type": "response.create"})\n')

@pytest.fixture
def invoke(monkeypatch: pytest.MonkeyPatch):
    """``invoke(args, cwd)`` through click's runner (as tests/cli's fixture of that name)."""

    def run(args: list[str], cwd: Path) -> Run:
        monkeypatch.chdir(cwd)
        result = CliRunner().invoke(cli, args, catch_exceptions=False)
        return Run(result.exit_code, result.stdout, result.stderr)

    return run


NAMES = [b"caf\xe9.py", b"new\nline.py", b"esc\x1b[31mred.py", b"::error title=x::y.py",
         b"rtl\xe2\x80\xaeyp.py", b"ok.py"]


@pytest.fixture
def odd_names(tmp_path: Path) -> Path:
    for name in NAMES:
        with open(os.path.join(os.fsencode(tmp_path), name), "wb") as handle:
            handle.write(SEND.encode())
    return tmp_path


# ---------------------------------------------------------------- names

def test_escape_text() -> None:
    assert escape_text("plain/name.py") == "plain/name.py"
    assert escape_text("a\nb\x1b[0m\u202e" + os.fsdecode(b"\xe9")) == "a\\nb\\x1b[0m\\u202e\\xe9"
    assert escape_text("tab\there", keep="\t") == "tab\there"
    assert shown("::error::x.py") == "./::error::x.py"


def test_text_output_escapes_names(odd_names: Path, invoke) -> None:
    run = invoke(["check", "."], odd_names)
    assert run.code == 1
    lines = run.out.splitlines()
    assert not any(line.startswith("::") for line in lines)        # no workflow command
    assert "\x1b" not in run.out and "\u202e" not in run.out       # no terminal escapes
    heads = [line for line in lines if ":2:11: RGT001" in line]
    assert sorted(h.split(":2:11:")[0] for h in heads) == sorted([
        "caf\\xe9.py", "new\\nline.py", "esc\\x1b[31mred.py", "./::error title=x::y.py",
        "rtl\\u202eyp.py", "ok.py"])


def test_github_output_escapes_names(odd_names: Path, invoke) -> None:
    run = invoke(["check", "--output-format", "github", "."], odd_names)
    lines = run.out.splitlines()
    assert len(lines) == len(NAMES) and all(line.startswith("::error file=") for line in lines)
    files = sorted(line.split(",line=")[0].removeprefix("::error file=") for line in lines)
    assert files == sorted(["caf\\xe9.py", "new%0Aline.py", "esc\\x1b[31mred.py",
                            "%3A%3Aerror title=x%3A%3Ay.py", "rtl\\u202eyp.py", "ok.py"])


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_json_and_sarif_stay_valid_with_every_result(odd_names: Path, invoke, fmt: str) -> None:
    run = invoke(["check", "--output-format", fmt, "."], odd_names)
    assert run.code == 1, run.err
    doc = json.loads(run.out)
    if fmt == "json":
        paths = {f["path"] for f in doc["findings"]}
        assert "caf\ufffd.py" in paths and "new\nline.py" in paths and len(paths) == len(NAMES)
        return
    results = doc["runs"][0]["results"]
    assert len(results) == len(NAMES)
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results}
    assert "caf%E9.py" in uris and "new%0Aline.py" in uris and "ok.py" in uris


@pytest.mark.slow
def test_non_utf8_name_in_every_format_as_a_process(odd_names: Path) -> None:
    for fmt in ("text", "json", "github", "sarif"):
        run = run_process(["check", "--output-format", fmt, "."], odd_names)
        assert run.code == 1 and "Traceback" not in run.err and "internal" not in run.err, fmt
        if fmt in ("json", "sarif"):
            json.loads(run.out)
        if fmt == "text":
            assert not any(line.startswith("::") for line in run.out.splitlines())


def test_fix_report_escapes_names(odd_names: Path, invoke) -> None:
    run = invoke(["fix", "--diff", "."], odd_names)
    assert "\x1b" not in run.err and "caf\\xe9.py:2:11: not fixed" in run.err
    assert not any(line.startswith("::") for line in run.err.splitlines())


# ---------------------------------------------------------------- linear text output

def _one_long_line(folder: Path, sends: int) -> Path:
    body = "; ".join('c.send_event({"type": "response.create"})' for _ in range(sends))
    return make_file(folder, f"long{sends}.py", "def f(c):\n    " + body + "\n")


def test_text_output_per_finding_is_bounded_on_one_long_line(tmp_path: Path, invoke) -> None:
    _one_long_line(tmp_path, 300)
    _one_long_line(tmp_path, 1200)
    small = invoke(["check", "long300.py"], tmp_path).out
    big = invoke(["check", "long1200.py"], tmp_path).out
    assert small.count(": RGT001 ") == 300 and big.count(": RGT001 ") == 1200
    # printing the whole line per finding made this quadratic: 1200 x 52,800 characters
    assert len(big) < 1200 * 700
    assert len(big) < 4.5 * len(small)
    assert max(len(line) for line in big.splitlines()) < 500


def test_excerpt_of_a_huge_line_is_a_window_around_the_call() -> None:
    from respgate_lint.engine.findings import Finding, Form, Span

    body = "x = 1; " * 200_000 + "c.send_event(E)" + "; y = 2" * 100_000
    col = len("x = 1; ") * 200_000
    span = Span(1, col, 1, col + len("c.send_event(E)"))
    finding = Finding("RGT001", "RGT001 m", span, Form.DICT, span)
    rows = _excerpt({1: body}, finding).rows()
    assert all(len(row) < 300 for row in rows)
    assert rows[0].startswith(" 1 | ...") and "x = 1; c.send_event(E); y = 2" in rows[0]
    assert rows[0].endswith("...")
    assert rows[1].index("^") == rows[0].index("c.send_event(E)")
    assert rows[1].count("^") == len("c.send_event(E)")


# ---------------------------------------------------------------- stdout that dies

class _Failing(io.StringIO):
    def __init__(self, error: OSError) -> None:
        super().__init__()
        self.error = error

    def write(self, text: str) -> int:
        raise self.error


def test_safe_output_ends_a_broken_pipe_quietly(capsys) -> None:
    out = SafeOutput(_Failing(BrokenPipeError(errno.EPIPE, "Broken pipe")))
    out.write("a\n")
    out.write("b\n")   # dropped, no second error
    assert out.finish(0) == 1 and capsys.readouterr().err == ""


def test_safe_output_full_disk_is_one_line_and_exit_2(capsys) -> None:
    out = SafeOutput(_Failing(OSError(errno.ENOSPC, "No space left on device")))
    out.writelines(["a\n", "b\n"])
    assert out.finish(1) == 2
    assert capsys.readouterr().err == "respgate: cannot write to stdout: No space left on device\n"


def _tree(folder: Path, count: int = 40) -> Path:
    for n in range(count):
        make_file(folder, f"tree/m{n:02}.py", FIXABLE)
    return folder / "tree"


def _run_with_stdout(args: list[str], cwd: Path, stdout: int) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    return subprocess.run([sys.executable, "-m", "respgate_lint", *args], cwd=cwd, env=env,
                          stdout=stdout, stderr=subprocess.PIPE, text=True, timeout=120, check=False)


def _closed_pipe() -> int:
    """The write end of a pipe whose reader is gone: every write is EPIPE (``| head`` after
    head exited), deterministically."""
    read, write = os.pipe()
    os.close(read)
    return write


def _fixed_count(tree: Path) -> int:
    return sum('self.trigger_response("' in p.read_text() for p in tree.glob("*.py"))


@pytest.mark.slow
@pytest.mark.parametrize("args", [["check"], ["fix", "--diff"], ["check", "--output-format",
                                                                   "sarif"]])
def test_broken_pipe_ends_quietly(tmp_path: Path, args: list[str]) -> None:
    tree = _tree(tmp_path)
    write = _closed_pipe()
    try:
        proc = _run_with_stdout([*args, str(tree)], tmp_path, write)
    finally:
        os.close(write)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr and "Exception ignored" not in proc.stderr
    assert "Broken pipe" not in proc.stderr
    assert _fixed_count(tree) == 0  # --diff and check wrote nothing


@pytest.mark.slow
def test_fix_with_a_broken_pipe_still_fixes_every_file(tmp_path: Path) -> None:
    tree = _tree(tmp_path)
    write = _closed_pipe()
    try:
        proc = _run_with_stdout(["fix", str(tree)], tmp_path, write)
    finally:
        os.close(write)
    assert _fixed_count(tree) == 40
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr


@pytest.mark.slow
@pytest.mark.parametrize("args", [["check"], ["fix"], ["fix", "--diff"], ["explain", "RGT001"]])
def test_full_stdout_is_one_line_and_exit_2(tmp_path: Path, args: list[str]) -> None:
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full here")
    tree = _tree(tmp_path)
    target = [str(tree)] if args[0] != "explain" else []
    with open("/dev/full", "w") as full:
        proc = _run_with_stdout([*args, *target], tmp_path, full.fileno())
    assert proc.returncode == 2
    assert proc.stderr.splitlines()[-1] == (
        "respgate: cannot write to stdout: No space left on device"), proc.stderr
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr
    assert _fixed_count(tree) == (40 if args == ["fix"] else 0)


# ---------------------------------------------------------------- the same file twice

def test_iter_files_yields_each_file_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_file(tmp_path, "src/a.py", SEND)
    make_file(tmp_path, "src/b.py", SEND)
    (tmp_path / "link.py").symlink_to(tmp_path / "src" / "a.py")
    monkeypatch.chdir(tmp_path)
    paths = ["src/a.py", "src", "./src/a.py", "link.py", str(tmp_path / "src"), "src/a.py"]
    found = [item[0] for item in iter_files(paths, SettingsResolver())]
    assert [p.as_posix() for p in found] == ["src/a.py", "src/b.py"]


def test_a_file_given_twice_is_reported_once(tmp_path: Path, invoke) -> None:
    make_file(tmp_path, "src/agent.py", BYPASSES)
    (tmp_path / "same.py").symlink_to(tmp_path / "src" / "agent.py")
    for fmt in ("text", "json", "sarif"):
        run = invoke(["check", "--output-format", fmt, "src/agent.py", "src", "same.py",
                      "./src/agent.py"], tmp_path)
        if fmt == "json":
            assert json.loads(run.out)["summary"]["findings"] == 3
        if fmt == "sarif":
            assert len(json.loads(run.out)["runs"][0]["results"]) == 3
        if fmt == "text":
            assert "Found 3 findings in 1 file" in run.out


def test_a_file_given_twice_is_rewritten_once(tmp_path: Path, invoke) -> None:
    make_file(tmp_path, "src/bridge.py", FIXABLE)
    run = invoke(["fix", "src", "src/bridge.py", "./src/bridge.py"], tmp_path)
    assert run.code == 0, run.out + run.err
    assert run.out.count("rewritten as") == 1
    assert "Files changed    1 of 1" in run.out


@pytest.mark.slow
def test_duplicates_as_a_process(tmp_path: Path) -> None:
    make_file(tmp_path, "src/bridge.py", FIXABLE)
    check = run_process(["check", "src", "src/bridge.py"], tmp_path)
    assert check.out.count(": RGT001 ") == 1
    fixed = run_process(["fix", "src/bridge.py", "src"], tmp_path)
    assert fixed.out.count("rewritten as") == 1 and fixed.code == 0


def test_baseline_names_a_non_utf8_file_and_keeps_the_rest(odd_names: Path, invoke) -> None:
    run = invoke(["baseline", ".", "-o", "base.json"], odd_names)
    assert run.code == 1
    assert "caf\\xe9.py: file name is not valid UTF-8" in run.err
    doc = json.loads((odd_names / "base.json").read_text(encoding="utf-8"))
    assert len(doc["findings"]) == len(NAMES) - 1
