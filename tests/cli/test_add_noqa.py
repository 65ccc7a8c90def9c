"""``respgate check --add-noqa``: every finding silenced for respgate AND for real flake8."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from respgate_lint.cli.add_noqa import add_noqa_text
from respgate_lint.config import Settings
from respgate_lint.engine import analyze_source

from tests.modes import CLI_HOWS

from .conftest import BYPASSES, make_file, run_process

AWKWARD = '''\
import json


class Bridge:
    async def continued(self):
        await self.client.send_event \\
            ({"type": "response.create"})

    async def in_string(self, ws):
        await ws.send("""{"type": "response.create"}
        """)

    async def long_line(self):
        await self.client.send_event({"type": "response.create"})  # noqa: E501

    async def split(self, ws):
        await ws.send(json.dumps({"type": "response.create",
                                  "response": {"instructions": "hi"}}))  # keep me

    async def two_on_one_line(self, a, b):
        await a.send_event({"type": "response.create"}); await b.send_event({"type": "response.create"})
'''


def flake8_rgt(path: Path) -> list[str]:
    proc = subprocess.run([sys.executable, "-m", "flake8", "--isolated", "--select", "RGT",
                           str(path)], cwd=path.parent, capture_output=True, text=True)
    assert proc.returncode in (0, 1), proc.stderr
    return proc.stdout.splitlines()


@pytest.mark.slow
@pytest.mark.parametrize("how", CLI_HOWS)
def test_add_noqa_then_flake8_and_check_are_clean(tmp_path: Path, invoke, how: str) -> None:
    path = make_file(tmp_path, "agent.py", AWKWARD)
    before = flake8_rgt(path)
    assert len(before) == 6  # flake8 sees every site before
    args = ["check", "--add-noqa", "agent.py"]
    run = invoke(args, tmp_path) if how == "runner" else run_process(args, tmp_path)
    assert run.code == 0, run.err
    assert run.out.strip() == "Added 5 noqa comments in 1 file."
    text = path.read_text()
    compile(text, "agent.py", "exec")
    assert flake8_rgt(path) == []
    assert run_process(["check", "agent.py"], tmp_path).code == 0
    lines = text.splitlines()
    # after a backslash continuation: on the statement's last line, never after the backslash
    assert lines[5] == "        await self.client.send_event \\"
    assert lines[6] == '            ({"type": "response.create"})  # noqa: RGT001'
    # a multi-line string: after its closing quotes
    assert lines[10] == '        """)  # noqa: RGT001'
    # merged into the existing noqa, which flake8 reads first
    assert lines[13].endswith("# noqa: E501,RGT001")
    assert lines[16].endswith('"response.create",  # noqa: RGT001')
    assert lines[17].endswith("# keep me")
    assert lines[20].endswith("  # noqa: RGT001") and lines[20].count("noqa") == 1


def test_add_noqa_is_idempotent(tmp_path: Path, invoke) -> None:
    path = make_file(tmp_path, "agent.py", BYPASSES)
    invoke(["check", "--add-noqa", "."], tmp_path)
    once = path.read_bytes()
    run = invoke(["check", "--add-noqa", "."], tmp_path)
    assert run.out.strip() == "Added 0 noqa comments in 0 files."
    assert path.read_bytes() == once


def test_add_noqa_keeps_crlf_bom_and_encoding(tmp_path: Path, invoke) -> None:
    crlf = tmp_path / "crlf.py"
    crlf.write_bytes(b"\xef\xbb\xbf" + BYPASSES.replace("\n", "\r\n").encode())
    latin = tmp_path / "latin.py"
    latin.write_bytes(("# -*- coding: latin-1 -*-\n# caf\xe9\n" + BYPASSES).encode("latin-1"))
    assert invoke(["check", "--add-noqa", "."], tmp_path).code == 0
    data = crlf.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.count(b"\r\n") == BYPASSES.count("\n") and b"\n" not in data.replace(b"\r\n", b"")
    assert b'"response.create"})  # noqa: RGT001\r\n' in data
    assert "# caf\xe9\n".encode("latin-1") in latin.read_bytes()
    assert flake8_rgt(crlf) == [] and flake8_rgt(latin) == []


def test_add_noqa_only_marks_findings_not_in_the_baseline(tmp_path: Path, invoke) -> None:
    path = make_file(tmp_path, "agent.py", BYPASSES)
    invoke(["baseline", ".", "-o", "b.json"], tmp_path)
    path.write_text(BYPASSES + "\n\nasync def late(c):\n    await c.response.create()\n")
    run = invoke(["check", "--add-noqa", "--baseline", "b.json", "."], tmp_path)
    assert run.out.strip() == "Added 1 noqa comment in 1 file."
    assert path.read_text().count("noqa") == 1


def test_add_noqa_text_leaves_unrelated_lines_alone() -> None:
    findings = analyze_source(BYPASSES, Settings()).findings
    new, count = add_noqa_text(BYPASSES, findings)
    assert count == 3
    changed = [a for a, b in zip(BYPASSES.splitlines(), new.splitlines()) if a != b]
    assert len(changed) == 3


# -- only real comments are edited (tokenizer), never text inside a string --------------------
IN_STRINGS = '''\
class Bridge:
    async def a(self, ws):
        await ws.send('{"type": "response.create", "note": "# noqa: E501"}')

    async def b(self, ws):
        await ws.send("""{"type": "response.create",
            "note": "# noqa: E501"}""")

    async def c(self, ws):
        await ws.send('{"type": "response.create"}')  # see '# noqa: E501' below

    async def d(self):
        await self.client.send_event({"type": "response.create", "k": "#"}) \\
            if True else None  # noqa: E501
'''


def _string_literals(text: str) -> list[str]:
    import io
    import tokenize
    return [tok.string for tok in tokenize.generate_tokens(io.StringIO(text).readline)
            if tok.type == tokenize.STRING]


def test_add_noqa_never_edits_a_noqa_inside_a_string(tmp_path: Path, invoke) -> None:
    path = make_file(tmp_path, "agent.py", IN_STRINGS)
    run = invoke(["check", "--add-noqa", "agent.py"], tmp_path)
    text = path.read_text()
    compile(text, "agent.py", "exec")
    assert _string_literals(text) == _string_literals(IN_STRINGS)     # the program's text
    lines = text.splitlines()
    assert lines[2].endswith("\"}')  # noqa: RGT001")                 # a new comment
    assert lines[6].endswith('}""")  # noqa: RGT001')                 # after the closing quotes
    assert lines[9].endswith("# see '# noqa: E501,RGT001' below")     # a comment: flake8 reads it
    assert lines[13].endswith("# noqa: E501,RGT001")                 # the real comment, extended
    # flake8 reads the first "# noqa" of the raw line, string included: where a string's
    # "# noqa: E501" comes first no comment can silence the line, and respgate says so
    assert run.code == 1
    warning = [line for line in run.err.splitlines() if "inside a string literal" in line]
    assert len(warning) == 1 and "agent.py: line 3, 6" in warning[0], run.out
    assert "Added 4 noqa comments in 1 file." in run.out
    reported = {line.split(":")[1] for line in flake8_rgt(path)}
    assert reported == {"3", "6"}


def test_add_noqa_text_keeps_string_bytes_with_crlf(tmp_path: Path, invoke) -> None:
    path = tmp_path / "crlf.py"
    path.write_bytes(IN_STRINGS.replace("\n", "\r\n").encode())
    invoke(["check", "--add-noqa", "crlf.py"], tmp_path)
    data = path.read_bytes()
    assert data.count(b'"note": "# noqa: E501"') == 2 and b"\n" not in data.replace(b"\r\n", b"")
    assert b"# noqa: E501,RGT001\r\n" in data
