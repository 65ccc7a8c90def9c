"""The 16,000-line generated voice-agent handler: every send rewritten, the gate untouched."""

from __future__ import annotations

import pytest

import difflib
import re
from pathlib import Path

from benchmarks.corpus import GATE_SEND_LINE, TOOL_NAMES, make_big_handler
from respgate_lint.config import Settings
from respgate_lint.engine import analyze_source

from respgate_lint.codemods.fixer import FixTask, fix_file


@pytest.mark.slow
def test_big_handler_fixed_in_one_pass(tmp_path: Path) -> None:
    source = make_big_handler(lines=16000, sends=28, crlf=True)
    assert source.count("\r\n") == 16000
    path = tmp_path / "bridge.py"
    path.write_bytes(source.encode("utf-8"))

    # the handler also sends on its raw websocket and SDK connection; its gate reaches them
    # only through its own client, which respgate cannot prove is the same call: unsafe fixes
    result = fix_file(FixTask(path, Settings(), unsafe_fixes=True))
    assert result.problem is None and result.changed
    reasons = [s.reason for s in result.sites]
    assert [s.status for s in result.sites] == ["rewritten"] * 28
    assert 0 < sum(s.unsafe for s in result.sites) < 28
    assert len(set(reasons)) == 28
    assert all(re.fullmatch(r"[A-Z][A-Z0-9_]*", r) and "UNKNOWN" not in r for r in reasons)
    tool_reasons = [r for r in reasons if r.startswith("FUNCTION_")]
    assert len(tool_reasons) >= 20
    # a tool's reason is its name, plus _RETRY where the branch logs "retrying" (issue 13)
    assert {r.removeprefix("FUNCTION_").removesuffix("_RETRY").lower()
            for r in tool_reasons} <= set(TOOL_NAMES)
    assert sum(r.endswith("_RETRY") for r in tool_reasons) == 2
    assert sum(r.endswith("_ERROR") for r in reasons) >= 2
    assert not [r for r in reasons if re.search(r"_\d+$", r)]  # no ordinal suffix needed

    data = path.read_bytes()
    text = data.decode("utf-8")
    assert data.count(b"\r\n") == 16000 and b"\n" not in data.replace(b"\r\n", b"")
    assert (GATE_SEND_LINE + "\r\n") in text
    assert "שלום! 👋" in text or "👋" in text
    compile(data, str(path), "exec")
    left = [f for f in analyze_source(text, Settings()).findings if f.code == "RGT001"]
    assert left == []  # the gate's own send is no finding
    # only send statements changed: every removed line is part of a send
    removed = [line[1:] for line in difflib.unified_diff(source.split("\r\n"), text.split("\r\n"),
                                                         lineterm="", n=0)
               if line.startswith("-") and not line.startswith("---")]
    assert 28 <= len(removed) <= 28 * 6
    assert all("send" in line or "response" in line or line.strip() in "{})" for line in removed)

    again = fix_file(FixTask(path, Settings()))
    assert not again.changed and again.sites == [] and path.read_bytes() == data
