"""Files that are unusual but valid: ``check`` finds the send, ``fix`` rewrites it and keeps
every other byte (cookie, BOM, line endings, missing final newline), and a second ``fix``
changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.modes import CLI_MODES

from .helpers import CLEAN, GOOD, make_tree, run_cli

SEND = b'        await self.client.send_event({"type": "response.create"})'
HEAD = (b"class Handler:\n    async def trigger_response(self, reason, client, force=False):\n"
        b"        pass\n        await client.send_event({'type': 'response.create'})\n\n"
        b"    async def on_tool(self):\n")

CASES: dict[str, bytes] = {
    "latin-1-cookie": b"# -*- coding: latin-1 -*-\n" + HEAD.replace(b"pass", b"x = '\xe9t\xe9'")
                      + SEND + b"  # caf\xe9\n",
    "bom": b"\xef\xbb\xbf" + HEAD + SEND + b"\n",
    "crlf": (HEAD + SEND + b"\n").replace(b"\n", b"\r\n"),
    "mixed-endings": HEAD.replace(b"\n", b"\r\n", 2) + SEND + b"\r\n        x = 1\n",
    "no-final-newline": HEAD + SEND,
    "cr-only-before": HEAD.replace(b"pass\n", b"pass\r") + SEND + b"\n",
}


def _split(data: bytes) -> tuple[bytes, bytes]:
    """The bytes before and after the send line (all that must survive untouched)."""
    start = data.index(b"        await self.client.send_event(")
    end = data.index(b")", data.index(b'"response.create"')) + 2
    return data[:start], data[end:]


@pytest.mark.parametrize("mode", CLI_MODES)
@pytest.mark.parametrize("case", sorted(CASES))
def test_unusual_but_valid_files(tmp_path: Path, case: str, mode: str) -> None:
    tree = make_tree(tmp_path)
    data = CASES[case]
    (tree / "odd.py").write_bytes(data)
    check = run_cli(mode, ["check", "odd.py"], tree)
    assert check.code == 1 and "E902" not in check.out, check.out
    assert len([line for line in check.out.splitlines() if "RGT001" in line]) == 1, check.out

    fixed = run_cli(mode, ["fix", "."], tree)
    assert fixed.code == 0, fixed.out
    new = (tree / "odd.py").read_bytes()
    head, tail = _split(data)
    assert new.startswith(head) and new.endswith(tail), new
    assert b'await self.trigger_response("' in new
    compile(new, "odd.py", "exec")
    assert (tree / "clean.py").read_bytes() == CLEAN
    assert b"trigger_response(" in (tree / "good.py").read_bytes()

    again = run_cli(mode, ["fix", "."], tree)
    assert again.code == 0 and (tree / "odd.py").read_bytes() == new
    assert "E902" not in run_cli(mode, ["check", "."], tree).out


def test_good_is_the_reference_shape() -> None:
    assert GOOD.startswith(HEAD) and GOOD.rstrip(b"\n").endswith(SEND)
