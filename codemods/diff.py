"""``respgate fix --diff``: a unified diff that ``git apply`` and ``patch -p1`` apply exactly.

Written from bytes to bytes, so applying it reproduces byte for byte what ``respgate fix``
writes, whatever the file holds:

* lines are **patch lines** (``sourcetext.lf_lines``: ``\\n`` alone ends one), the unit both
  tools cut a file into. ``str.splitlines`` also splits at a form feed, ``\\x0b``, ``\\x1c``,
  ``\\x85`` or ``\\u2028``, which made hunks that matched nothing;
* a line's ``\\r\\n`` stays in the patch line, as ``git diff`` writes it (both tools match
  it against the file's own ``\\r\\n``); a lone ``\\r`` is an ordinary byte inside a patch
  line, so a CR-only file is one patch line, replaced as a whole;
* the bytes are the file's own (a latin-1 file's diff is latin-1, a BOM stays at the start
  of line 1), never decoded and re-encoded;
* a last line without ``\\n`` carries the ``\\ No newline at end of file`` marker.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

from respgate_lint.sourcetext import lf_lines

__all__ = ["patch_name", "unified_diff"]

NO_NEWLINE = b"\\ No newline at end of file\n"


def patch_name(path: Path, cwd: Path | None = None) -> str:
    """How the diff names ``path``: relative (posix) when it lies under ``cwd``, so that
    ``-p1`` finds it from there; an absolute path outside it stays absolute."""
    if path.is_absolute():
        try:
            return path.relative_to(cwd or Path.cwd()).as_posix()
        except ValueError:
            pass
    return path.as_posix()


def unified_diff(name: str, old: bytes, new: bytes, context: int = 3) -> bytes:
    """``--- a/name`` / ``+++ b/name`` and the hunks turning ``old`` into ``new``; empty when
    they are equal."""
    if old == new:
        return b""
    a, b = lf_lines(old), lf_lines(new)
    encoded = os.fsencode(name)
    out = [b"--- " + _header_name(b"a/" + encoded) + b"\n",
           b"+++ " + _header_name(b"b/" + encoded) + b"\n"]
    matcher = difflib.SequenceMatcher(None, a, b)  # autojunk: fast on huge files, still exact
    for group in matcher.get_grouped_opcodes(context):
        first, last = group[0], group[-1]
        out.append(b"@@ -%s +%s @@\n" % (_range(first[1], last[2]), _range(first[3], last[4])))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                out.extend(_emit(b" ", a[i1:i2]))
                continue
            out.extend(_emit(b"-", a[i1:i2]))
            out.extend(_emit(b"+", b[j1:j2]))
    return b"".join(out)


_C_ESCAPES = {0x07: b"\\a", 0x08: b"\\b", 0x09: b"\\t", 0x0A: b"\\n", 0x0B: b"\\v",
              0x0C: b"\\f", 0x0D: b"\\r", 0x22: b'\\"', 0x5C: b"\\\\"}


def _header_name(name: bytes) -> bytes:
    """A header's file name, C-quoted as git writes it when it holds a control character, a
    quote or a backslash (``"a/x\\ny.py"``; ``git apply`` and GNU ``patch`` read that form),
    so a name with a newline can never start a line of its own in the diff. A space is quoted
    too: GNU ``patch`` ends an unquoted name there."""
    if not any(byte <= 0x20 or byte in (0x22, 0x5C, 0x7F) for byte in name):
        return name
    quoted = b"".join(_C_ESCAPES.get(byte) or (b"\\%03o" % byte if byte < 0x20 or byte == 0x7F
                                               else bytes((byte,))) for byte in name)
    return b'"' + quoted + b'"'


def _range(start: int, stop: int) -> bytes:
    """A hunk range ``line,count``; an empty range names the line before it (unified format)."""
    count = stop - start
    return b"%d,%d" % (start + 1 if count else start, count)


def _emit(prefix: bytes, lines: list[bytes]) -> list[bytes]:
    out = []
    for line in lines:
        out.append(prefix + line)
        if not line.endswith(b"\n"):
            out.append(b"\n" + NO_NEWLINE)
    return out
