"""What users see at a terminal and in logs: colour per NO_COLOR/FORCE_COLOR, locations at
column 0, a progress line that never mixes with stdout, hints worth reading, a warning for a
path without Python files, and an E999 that names the interpreter when it is the cause."""

from __future__ import annotations

import ast
import json
import os
import re
import sys
from pathlib import Path
from textwrap import dedent

import pytest
from respgate_lint.codemods.fixer import FileFix
from respgate_lint.codemods.rewrite import Site

from respgate_lint.cli.fix_output import FixReporter, Progress
from respgate_lint.cli.terminal import color_wanted
from tests.cli.ptyrun import run_in_pty

from .conftest import BYPASSES, make_file, run_process

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
LOCATION = re.compile(r"\S+:\d+:\d+:")

NOT_AWAITED_AND_COMPUTED = dedent('''\
    class Bridge:
        async def trigger_response(self, reason, client=None, force=False):
            await (client or self.client).send_event({"type": "response.create"})

        async def on_done(self):
            self.trigger_response("TOOL_DONE", self.client)

        async def on_tool(self, name):
            await self.trigger_response(f"TOOL_{name}", self.client)
''')

# valid on Python 3.12+ (PEP 701: the same quote nested in a replacement field), E999 on 3.11
PEP701 = dedent('''\
    async def greet(client, d):
        print(f"{d["name"]}")
        await client.send_event({"type": "response.create"})
''')


# ---------------------------------------------------------------- colour

@pytest.mark.parametrize("env,expected", [
    ({}, False), ({"FORCE_COLOR": "1"}, True), ({"FORCE_COLOR": ""}, False),
    ({"NO_COLOR": "1"}, False), ({"NO_COLOR": "1", "FORCE_COLOR": "1"}, False),
    ({"NO_COLOR": "", "FORCE_COLOR": "1"}, True),
])
def test_colour_precedence(monkeypatch: pytest.MonkeyPatch, env: dict, expected: bool) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert color_wanted(open(os.devnull, "w")) is expected  # noqa: SIM115 - not a terminal


@pytest.mark.parametrize("args", [["check", "src"], ["fix", "--diff", "src"],
                                  ["explain", "RGT001"]])
def test_force_color_colours_every_command_and_no_color_wins(project: Path, invoke,
                                                              args: list[str]) -> None:
    forced = invoke(args, project, {"FORCE_COLOR": "1", "NO_COLOR": ""})
    assert "\x1b[" in forced.out, forced.out[:300]
    both = invoke(args, project, {"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert "\x1b" not in both.out + both.err
    neither = invoke(args, project, {"FORCE_COLOR": "", "NO_COLOR": ""})
    assert "\x1b" not in neither.out + neither.err
    assert _location_lines(forced.out) == _location_lines(neither.out)  # same text, coloured


def test_force_color_never_colours_machine_formats(project: Path, invoke) -> None:
    for fmt in ("json", "sarif", "github"):
        run = invoke(["check", "--output-format", fmt, "src"], project, {"FORCE_COLOR": "1"})
        assert "\x1b" not in run.out
        if fmt != "github":
            json.loads(run.out)


@pytest.mark.slow
@pytest.mark.parametrize("args", [["check", "src"], ["fix", "--diff", "src"],
                                  ["explain", "RGT001"]])
def test_force_color_and_no_color_as_a_process(project: Path, args: list[str]) -> None:
    forced = run_process(args, project, {"FORCE_COLOR": "1"})
    assert "\x1b[" in forced.out
    both = run_process(args, project, {"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert "\x1b" not in both.out + both.err
    plain = run_process(args, project)
    assert "\x1b" not in plain.out + plain.err


# ---------------------------------------------------------------- column 0

def _location_lines(text: str) -> list[str]:
    return [line for line in ANSI.sub("", text).splitlines() if LOCATION.search(line)]


@pytest.mark.parametrize("env", [{}, {"FORCE_COLOR": "1"}])
@pytest.mark.parametrize("args", [["check", "src"], ["fix", "--diff", "src"], ["fix", "src"],
                                  ["check", "--add-noqa", "src"], ["baseline", "src"]])
def test_locations_start_at_column_0_in_every_command(project: Path, invoke, args: list[str],
                                                      env: dict) -> None:
    make_file(project, "src/odd.py", NOT_AWAITED_AND_COMPUTED)
    run = invoke(args, project, env)
    located = _location_lines(run.out) + _location_lines(run.err)
    if args[0] != "baseline" and "--add-noqa" not in args:
        assert located, run.out + run.err
    for line in located:
        assert LOCATION.match(line), repr(line)


@pytest.mark.slow
def test_locations_start_at_column_0_on_a_terminal(project: Path) -> None:
    screen = _screen(run_in_pty(["check", "src"], project))
    located = [line for line in screen if LOCATION.search(line)]
    assert len(located) == 3
    assert all(line.startswith("src/agent.py:") for line in located), located


# ---------------------------------------------------------------- progress

def _screen(raw: str) -> list[str]:
    """What a terminal shows for ``raw``: carriage returns and erase-line applied, colours
    dropped. Enough to see whether two outputs landed on one line."""
    lines: list[str] = []
    line: list[str] = []
    pos = i = 0
    while i < len(raw):
        if raw[i] == "\x1b":
            match = ANSI.match(raw, i)
            if match:
                if match.group().endswith("K"):
                    del line[pos:]
                i = match.end()
                continue
        ch = raw[i]
        if ch == "\r":
            pos = 0
        elif ch == "\n":
            lines.append("".join(line))
            line, pos = [], 0
        else:
            if pos < len(line):
                line[pos] = ch
            else:
                line.append(ch)
            pos += 1
        i += 1
    lines.append("".join(line))
    return lines


def test_screen_model_sees_a_glued_line() -> None:
    assert _screen("fixing [##  ] 1/2\x1b[K--- a/x\n") == ["fixing [##  ] 1/2--- a/x", ""]
    assert _screen("fixing [##  ] 1/2\r\x1b[K--- a/x\n") == ["--- a/x", ""]


class _Terminal:
    """stdout and stderr of one terminal: both write to one list, in order."""

    def __init__(self) -> None:
        self.raw: list[str] = []
        outer = self

        class Stream:
            encoding = "utf-8"

            def __init__(self) -> None:
                self.buffer = self

            def write(self, data: str | bytes) -> int:
                outer.raw.append(data.decode() if isinstance(data, bytes) else data)
                return len(data)

            def flush(self) -> None:
                pass

            def isatty(self) -> bool:
                return True

        self.stdout, self.stderr = Stream(), Stream()


def test_progress_is_erased_before_every_write(monkeypatch: pytest.MonkeyPatch) -> None:
    term = _Terminal()
    monkeypatch.setattr(sys, "stdout", term.stdout)
    monkeypatch.setattr(sys, "stderr", term.stderr)
    monkeypatch.setenv("NO_COLOR", "1")   # plain diff bytes; the progress line has no colour
    monkeypatch.setenv("TERM", "xterm")
    reporter = FixReporter(diff_mode=True, quiet=False)
    with reporter.progress(25) as advance:
        for n in range(25):
            advance()
            site = Site(3, 4, "rewritten", reason=f"R{n}")
            reporter.file(FileFix(Path(f"m{n}.py"), sites=[site], changed=True,
                                  diff=b"--- a/m.py\n+++ b/m.py\n@@ -1 +1 @@\n-a\n+b\n"))
    reporter.summary()
    raw = "".join(term.raw)
    assert "fixing [" in raw          # the progress line was drawn...
    screen = _screen(raw)
    assert not any("fixing [" in line for line in screen)  # ...and never left on a line
    assert screen.count("--- a/m.py") == 25
    assert sum(line.startswith("m") and ":3:5: would rewrite" in line for line in screen) == 25


def test_no_progress_when_stderr_is_not_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")  # colour may be forced; the progress line may not
    reporter = FixReporter(diff_mode=True, quiet=False)
    with reporter.progress(100) as advance:
        advance()
    assert reporter._progress is None


def test_progress_line_counts(monkeypatch: pytest.MonkeyPatch) -> None:
    term = _Terminal()
    progress = Progress(4, term.stderr)  # type: ignore[arg-type]
    progress.advance()
    progress.advance()
    progress.clear()
    assert "2/4" in "".join(term.raw) and _screen("".join(term.raw)) == [""]


@pytest.mark.slow
def test_fix_diff_on_a_terminal_keeps_headers_off_the_progress_line(tmp_path: Path) -> None:
    for n in range(25):
        make_file(tmp_path, f"src/m{n:02}.py", BYPASSES)
    raw = run_in_pty(["fix", "--diff", "src"], tmp_path)
    assert "fixing [" in raw  # stderr is the terminal: the progress line was drawn
    screen = _screen(raw)
    headers = [line for line in screen if "--- a/" in line]
    assert len(headers) == 25 and all(line.startswith("--- a/src/m") for line in headers)
    assert not any("fixing [" in line for line in screen)


@pytest.mark.slow
def test_fix_progress_is_off_when_stderr_is_not_a_terminal(tmp_path: Path) -> None:
    for n in range(25):
        make_file(tmp_path, f"src/m{n:02}.py", BYPASSES)
    run = run_process(["fix", "--diff", "src"], tmp_path, {"FORCE_COLOR": "1"})
    assert "fixing [" not in run.err and "\r" not in run.err


# ---------------------------------------------------------------- hints

def test_rgt002_and_rgt003_hints_say_what_to_do(tmp_path: Path, invoke) -> None:
    make_file(tmp_path, "odd.py", NOT_AWAITED_AND_COMPUTED)
    text = invoke(["check", "odd.py"], tmp_path)
    assert "RGT002" in text.out and "RGT003" in text.out
    assert " = fix by hand: put `await` before the gate call" in text.out
    assert " = fix by hand: give this call its own string-literal reason" in text.out
    outputs = {fmt: invoke(["check", "--output-format", fmt, "odd.py"], tmp_path).out
               for fmt in ("json", "github", "sarif")}
    for out in [text.out, *outputs.values()]:
        assert "not auto-fixable: not a send" not in out and "fix by hand" in out
    records = {f["code"]: f for f in json.loads(outputs["json"])["findings"]}
    assert records["RGT002"]["why_not_fixable"].startswith("fix by hand: put `await`")


@pytest.mark.slow
def test_rgt003_hint_as_a_process(tmp_path: Path) -> None:
    make_file(tmp_path, "odd.py", NOT_AWAITED_AND_COMPUTED)
    run = run_process(["check", "odd.py"], tmp_path)
    assert "not auto-fixable" not in run.out and "fix by hand: give this call" in run.out


# ---------------------------------------------------------------- no Python files

@pytest.mark.parametrize("command", [["check"], ["fix"], ["fix", "--diff"], ["baseline"]])
def test_no_python_files_warns_on_stderr_and_exits_0(tmp_path: Path, invoke,
                                                      command: list[str]) -> None:
    make_file(tmp_path, "docs/readme.txt", "no python here\n")
    make_file(tmp_path, "src/ok.py", "x = 1\n")
    run = invoke([*command, "docs", "src"], tmp_path)
    assert run.err.count("No Python files found") == 1
    assert "respgate: warning: No Python files found under docs" in run.err
    assert run.code == 0 and "No Python files" not in run.out


def test_excluded_only_folder_warns_and_missing_path_fails(tmp_path: Path, invoke) -> None:
    make_file(tmp_path, "gen/a.py", BYPASSES)
    excluded = invoke(["check", "--exclude", "a.py", "gen"], tmp_path)
    assert "No Python files found under gen" in excluded.err and excluded.code == 0
    missing = invoke(["check", "nope/"], tmp_path)
    assert missing.code == 1 and "E902" in missing.out
    assert "No Python files" not in missing.err


@pytest.mark.slow
def test_no_python_files_as_a_process(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    run = run_process(["check", "empty"], tmp_path)
    assert run.code == 0 and run.err == "respgate: warning: No Python files found under empty\n"


# ---------------------------------------------------------------- E999 on an older Python

def test_e999_names_the_interpreter_when_the_syntax_is_newer(tmp_path: Path, invoke) -> None:
    make_file(tmp_path, "agent.py", PEP701)
    run = invoke(["check", "agent.py"], tmp_path)
    assert run.code == 1
    if sys.version_info < (3, 12):
        assert run.out.startswith("agent.py:1:1: E999 syntax error at line 2")
        assert ("uses syntax newer than Python 3.11, the interpreter running respgate: "
                "PEP 701 f-strings, Python 3.12+; run respgate with the project's Python "
                "(pre-commit: `language_version`)") in run.out
    else:  # the same file parses here, and its bypass is found
        ast.parse(PEP701)
        assert run.out.startswith("agent.py:3:11: RGT001")


def test_e999_of_a_plain_mistake_has_no_version_hint(tmp_path: Path, invoke) -> None:
    make_file(tmp_path, "agent.py", 'E = "response.create"\ndef f(:\n    x = f"{}"\n')
    run = invoke(["check", "agent.py"], tmp_path)
    assert "E999" in run.out and "newer than" not in run.out


@pytest.mark.skipif(sys.version_info >= (3, 14), reason="valid syntax from Python 3.14 on")
def test_e999_hint_for_unparenthesised_except(tmp_path: Path, invoke) -> None:
    make_file(tmp_path, "agent.py", 'E = "response.create"\ntry:\n    pass\n'
                                    'except ValueError, TypeError:\n    pass\n')
    run = invoke(["check", "agent.py"], tmp_path)
    assert "PEP 758" in run.out and "Python 3.14+" in run.out


@pytest.mark.slow
def test_e999_hint_as_a_process(tmp_path: Path) -> None:
    make_file(tmp_path, "agent.py", PEP701)
    run = run_process(["check", "agent.py"], tmp_path)
    running = f"{sys.version_info.major}.{sys.version_info.minor}"
    if sys.version_info < (3, 12):
        assert f"newer than Python {running}" in run.out and "language_version" in run.out
    else:
        assert "RGT001" in run.out and "E999" not in run.out
