"""One line model: every consumer numbers physical lines as ``ast`` does.

``\\r\\n``, ``\\r`` and ``\\n`` end a line; a form feed, ``\\x0b``, ``\\x1c``-``\\x1e``, ``\\x85``,
``\\u2028`` and ``\\u2029`` do not (``str.splitlines`` splits at all of them). Checked against
the compiler itself, against the original bytes of latin-1 and BOM files, and against flake8's
own ``# noqa`` handling on a CR-only file.
"""

from __future__ import annotations

import ast
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from respgate_lint.engine.findings import Span
from respgate_lint.sourcetext import (
    ByteOffsets,
    LineIndex,
    lf_lines,
    line_starts,
    span_text,
    split_lines,
    strip_eol,
)

ODD = ["\x0c", "\x0b", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]
ENDS = ["\n", "\r\n", "\r"]


def _module(rng: random.Random, count: int = 40) -> tuple[str, list[str]]:
    """Statements ``v0 = ...``, ``v1 = ...`` with odd characters in strings and comments, a
    random line ending after each, sometimes two statements on a line, some non-ASCII text
    before a statement (ast columns are UTF-8 bytes)."""
    parts, names = [], []
    for n in range(count):
        odd = "".join(rng.choice(ODD) for _ in range(3))
        lead = rng.choice(["", "é = 1; ", "ünï = 'ø'; "])
        names.append(f"v{n}")
        parts.append(f"{lead}v{n} = '{odd}'  # {odd}{rng.choice(ENDS)}")
    return "".join(parts), names


@pytest.mark.parametrize("seed", range(5))
def test_physical_lines_are_the_compilers(seed: int) -> None:
    source, names = _module(random.Random(seed))
    tree = ast.parse(source)
    assigned = {t.id: node for node in tree.body if isinstance(node, ast.Assign)
                for t in node.targets if isinstance(t, ast.Name)}
    lines = split_lines(source)
    index = LineIndex(source)
    assert "".join(lines) == source and len(lines) == len(names) == len(index.starts) - 1
    assert len(source.splitlines()) > len(lines), "the case does not tell splitlines apart"
    for name in names:
        node = assigned[name]
        col = index.char_col(node.lineno, node.col_offset)
        assert lines[node.lineno - 1][col:].startswith(f"{name} = "), name
        assert index.text(node.lineno) == lines[node.lineno - 1]
        assert index.line_of(index.starts[node.lineno - 1] + col) == node.lineno
        end_line = node.end_lineno or node.lineno
        span = Span(node.lineno, col, end_line, index.char_col(end_line, node.end_col_offset or 0))
        assert span_text(lines, span) == ast.get_source_segment(source, node)


@pytest.mark.parametrize("encoding, bom", [("latin-1", b""), ("utf-8", b"\xef\xbb\xbf"),
                                           ("utf-8", b"")])
def test_byte_offsets_point_into_the_original_bytes(encoding: str, bom: bytes) -> None:
    source, names = _module(random.Random(7))
    if encoding == "latin-1":
        source = source.replace("\u2028", "\x85").replace("\u2029", "\x0c")
    data = bom + source.encode(encoding)
    offsets = ByteOffsets(data, source, "utf-8-sig" if bom else encoding)
    assert offsets.byte_starts == line_starts(data, len(bom))
    assert len(offsets.byte_starts) == len(LineIndex(source).starts)
    tree = ast.parse(source)
    for node in tree.body:
        if not isinstance(node, ast.Assign) or not isinstance(node.targets[0], ast.Name):
            continue
        name = node.targets[0].id
        if name not in names:
            continue
        col = offsets.text_lines.char_col(node.lineno, node.col_offset)
        at = offsets.byte_offset(node.lineno, col)
        assert data[at:].startswith(f"{name} = ".encode(encoding)), name
        assert offsets.line_start_byte(node.lineno) == offsets.byte_starts[node.lineno - 1]


def test_bytes_and_text_split_alike() -> None:
    source, _ = _module(random.Random(3))
    data = source.encode("utf-8")
    assert [line.decode() for line in split_lines(data)] == split_lines(source)
    assert [line.decode() for line in lf_lines(data)] == lf_lines(source)
    assert all(line.endswith("\n") for line in lf_lines(source)[:-1])
    assert strip_eol("x\r\n") == ("x", "\r\n") and strip_eol(b"x\r") == (b"x", b"\r")
    assert split_lines("") == [] and lf_lines(b"") == []


CR_HEAD = ("class Handler:\r    async def trigger_response(self, reason, client=None): pass\r"
           "    async def on_tool(self):\r")
CR_SEND = '        await self.client.send_event({"type": "response.create"})'


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120, env={**os.environ, "NO_COLOR": "1"})


def test_noqa_on_a_cr_only_file_silences_what_flake8_silences(tmp_path: Path) -> None:
    """flake8 reads files with universal newlines, so a lone CR ends the line it searches for
    ``# noqa``; ``respgate check`` must silence the same site (and only that one)."""
    (tmp_path / "silenced.py").write_bytes(
        (CR_HEAD + CR_SEND + "  # noqa: RGT001\r        x = 1\r").encode())
    (tmp_path / "elsewhere.py").write_bytes(
        (CR_HEAD + CR_SEND + "\r        x = 1  # noqa: RGT001\r").encode())
    flake8 = _run(["flake8", "--select", "RGT", "."], tmp_path)
    check = _run(["respgate_lint", "check", "."], tmp_path)
    assert "silenced.py" not in flake8.stdout and "elsewhere.py:4:" in flake8.stdout, flake8.stdout
    assert check.returncode == 1, check.stdout + check.stderr
    assert "silenced.py" not in check.stdout and "elsewhere.py:4:" in check.stdout, check.stdout


def test_add_noqa_on_a_cr_only_file(tmp_path: Path) -> None:
    """The comment lands on the reported line, the CR endings stay, and then flake8 and
    ``check`` agree that nothing is left."""
    path = tmp_path / "cr.py"
    body = CR_HEAD + CR_SEND + "\r        text = '''a\rb'''\r" + CR_SEND + "\r"
    path.write_bytes(body.encode())
    added = _run(["respgate_lint", "check", "--add-noqa", "cr.py"], tmp_path)
    assert added.returncode == 0, added.stdout + added.stderr
    new = path.read_bytes()
    assert b"\n" not in new and new.count(b"  # noqa: RGT001\r") == 2, new
    assert split_lines(new)[3].endswith(b"  # noqa: RGT001\r")
    assert _run(["flake8", "--select", "RGT", "cr.py"], tmp_path).stdout == ""
    assert _run(["respgate_lint", "check", "cr.py"], tmp_path).returncode == 0
