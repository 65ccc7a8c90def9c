"""Byte safety through `respgate fix`'s file path: encodings, line endings, mtime, mode."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from respgate_lint.config import Settings

from respgate_lint.codemods.fixer import FixTask, fix_file

SEND = '        await self.c.send_event({"type": "response.create"})'
GATE = '        await self.trigger_response("GREET", self.c, force=False)'


def _module(nl: str = "\n", final: bool = True, prefix: str = "") -> str:
    lines = [prefix + "from respgate_lint.runtime import GatedResponseMixin",
             "class Bridge(GatedResponseMixin):", "    async def greet(self):",
             '        log.info("שלום 👋 עולם")', SEND, "        return None"]
    return nl.join(lines) + (nl if final else "")


def _fix(path: Path, **kw: object) -> object:
    return fix_file(FixTask(path, Settings(), **kw))


def test_crlf_and_emoji_survive(tmp_path: Path) -> None:
    path = tmp_path / "a.py"
    path.write_bytes(_module("\r\n").encode())
    result = _fix(path)
    assert result.changed and result.problem is None
    assert path.read_bytes() == _module("\r\n").replace(SEND, GATE).encode()


def test_bom_kept(tmp_path: Path) -> None:
    path = tmp_path / "a.py"
    path.write_bytes(b"\xef\xbb\xbf" + _module().encode())
    _fix(path)
    assert path.read_bytes() == b"\xef\xbb\xbf" + _module().replace(SEND, GATE).encode()


def test_latin1_cookie_kept_and_untouched_bytes_identical(tmp_path: Path) -> None:
    text = "# -*- coding: latin-1 -*-\n" + _module().replace("שלום 👋 עולם", "café ñ")
    path = tmp_path / "a.py"
    path.write_bytes(text.encode("latin-1"))
    _fix(path)
    assert path.read_bytes() == text.replace(SEND, GATE).encode("latin-1")


def test_no_final_newline_kept(tmp_path: Path) -> None:
    text = _module(final=False).replace("\n        return None", "")
    path = tmp_path / "a.py"
    path.write_bytes(text.encode())
    _fix(path)
    assert path.read_bytes() == text.replace(SEND, GATE).encode()
    assert not path.read_bytes().endswith(b"\n")


def test_send_after_emoji_on_same_line(tmp_path: Path) -> None:
    text = _module().replace(SEND, '        log.info("📞 שיחה 🎉"); x = "ש"; ' + SEND.strip() + "  # טוב")
    path = tmp_path / "a.py"
    path.write_bytes(text.encode())
    _fix(path)
    assert path.read_bytes().decode() == text.replace(SEND.strip(), GATE.strip())


def test_unchanged_file_not_written(tmp_path: Path) -> None:
    path = tmp_path / "a.py"
    path.write_text("class A:\n    pass\n")
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    before = path.stat()
    result = _fix(path)
    assert not result.changed
    assert path.stat().st_mtime_ns == before.st_mtime_ns == 1_000_000_000
    assert path.stat().st_ino == before.st_ino


def test_not_fixed_only_file_not_written(tmp_path: Path) -> None:
    path = tmp_path / "a.py"
    path.write_text('async def f(ws):\n    await ws.send_event({"type": "response.create"})\n')  # noqa: RGT001
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    result = _fix(path)
    assert not result.changed and result.sites[0].status == "not-fixed"
    assert path.stat().st_mtime_ns == 1_000_000_000


def test_file_mode_kept(tmp_path: Path) -> None:
    path = tmp_path / "a.py"
    path.write_bytes(_module().encode())
    path.chmod(0o751)
    _fix(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o751
    assert GATE.encode() in path.read_bytes()


def test_diff_mode_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "a.py"
    path.write_bytes(_module().encode())
    result = _fix(path, write=False, want_diff=True)
    assert result.changed and path.read_bytes() == _module().encode()
    assert f"-{SEND}".encode() in result.diff and f"+{GATE}".encode() in result.diff


def test_syntax_error_reported(tmp_path: Path) -> None:
    path = tmp_path / "a.py"
    path.write_text('def f(:\n    ws.send_event({"type": "response.create"})\n')
    result = _fix(path)
    assert "syntax error at line 1" in result.problem and not result.internal


def test_file_that_cannot_hold_a_send_is_not_parsed_like_check(tmp_path: Path) -> None:
    path = tmp_path / "py2.py"
    path.write_text("print 'hello'\n")  # Python 2: nothing to fix, so no error either
    result = _fix(path)
    assert result.problem is None and not result.changed and result.sites == []
