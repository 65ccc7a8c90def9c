"""What every command does at the terminal: colour or not, safe names, stdout that may die.

* Colour follows no-color.org and force-color.org: ``NO_COLOR`` set to anything non-empty
  turns colour off, else ``FORCE_COLOR`` set to anything non-empty turns it on even when the
  stream is not a terminal, else colour only on a terminal. ``NO_COLOR`` wins when both are
  set (a refusal beats a request, as in CPython's own colour logic).
* Names and messages are shown with control characters, bidi overrides and undecodable bytes
  escaped (``\\n``, ``\\x1b``, ``\\xe9``), so a file name can neither move the cursor, colour
  the terminal, nor start a line of its own (a GitHub ``::error`` command in a CI log).
* ``SafeOutput`` wraps stdout: a reader that went away (``| head``) or a full disk stops the
  output, never the work (``fix`` still writes every file); the command then ends quietly
  with exit 1 (broken pipe) or with one line and exit 2 (any other write error).
"""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Iterable
from typing import Any, TextIO

__all__ = ["SafeOutput", "color_wanted", "escape_text", "replace_surrogates", "say", "shown",
           "silence_stdout"]

_SHORT_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def color_wanted(stream: Any) -> bool:
    """Whether to write ANSI colour to ``stream`` (NO_COLOR > FORCE_COLOR > is a terminal)."""
    if os.environ.get("NO_COLOR", "") != "":
        return False
    if os.environ.get("FORCE_COLOR", "") != "":
        return True
    return is_terminal(stream)


def is_terminal(stream: Any) -> bool:
    """``stream.isatty()``, False for anything that cannot say."""
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except (OSError, ValueError):
        return False


def escape_text(value: str, keep: str = "") -> str:
    """``value`` with every character that is not printable shown as an escape: ``\\n``,
    ``\\x1b``, ``\\u202e``; an undecodable byte of a file name (a surrogate escape) as the
    byte, ``\\xe9``. Characters in ``keep`` are left alone. Printable text is returned as is."""
    if value.isprintable():
        return value
    out = []
    for ch in value:
        if ch.isprintable() or ch in keep:
            out.append(ch)
            continue
        code = ord(ch)
        if ch in _SHORT_ESCAPES:
            out.append(_SHORT_ESCAPES[ch])
        elif 0xDC80 <= code <= 0xDCFF:      # os.fsdecode's stand-in for the byte code-0xDC00
            out.append(f"\\x{code - 0xDC00:02x}")
        elif code <= 0xFF:
            out.append(f"\\x{code:02x}")
        elif code <= 0xFFFF:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    return "".join(out)


def say(line: str) -> None:
    """One line on stderr, flushed, as ``click.echo(line, err=True)`` writes it; without
    click, so ``check`` can report without importing it."""
    sys.stderr.write(line + "\n")
    sys.stderr.flush()


def shown(name: str) -> str:
    """A path as a line of text output shows it: escaped, and never starting with ``::``
    (GitHub reads a log line starting so as a workflow command)."""
    text = escape_text(name)
    return "./" + text if text.startswith("::") else text


def replace_surrogates(text: str) -> str:
    """``text`` with the stand-ins of undecodable bytes replaced by U+FFFD, so it can be
    written as UTF-8 (JSON, SARIF); text without them is returned as is."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return "".join("\ufffd" if 0xD800 <= ord(ch) <= 0xDFFF else ch for ch in text)


class SafeOutput:
    """stdout for a command's report: the first write error is kept, later writes are dropped.

    Flushes after each write, so an error shows here and not at interpreter exit. ``finish``
    turns a kept error into the exit code (see the module docstring).
    """

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream if stream is not None else sys.stdout
        self.error: OSError | None = None

    def write(self, text: str) -> int:
        if self.error is None:
            try:
                self._stream.write(text)
                self._stream.flush()
            except OSError as exc:
                self.error = exc
        return len(text)

    def writelines(self, lines: Iterable[str]) -> None:
        for line in lines:
            if self.error is not None:
                return
            self.write(line)

    def write_bytes(self, data: bytes) -> None:
        """Bytes as they are (a diff of a latin-1 file stays latin-1)."""
        if self.error is None:
            try:
                self._stream.flush()
                buffer = getattr(self._stream, "buffer", None)
                if buffer is None:
                    self._stream.write(data.decode("utf-8", "replace"))
                else:
                    buffer.write(data)
                    buffer.flush()
            except OSError as exc:
                self.error = exc

    def flush(self) -> None:
        if self.error is None:
            try:
                self._stream.flush()
            except OSError as exc:
                self.error = exc

    def isatty(self) -> bool:
        return is_terminal(self._stream)

    def __getattr__(self, name: str) -> Any:  # encoding, fileno...: rich asks for them
        return getattr(self._stream, name)

    @property
    def broken_pipe(self) -> bool:
        return isinstance(self.error, BrokenPipeError) or (
            self.error is not None and self.error.errno == errno.EPIPE)

    def finish(self, code: int) -> int:
        """The exit code once the output is done: ``code``, or 1 after a broken pipe, or 2
        (with one line on stderr) after any other write error."""
        self.flush()
        if self.error is None:
            return code
        silence_stdout()
        if self.broken_pipe:
            return max(code, 1)
        reason = self.error.strerror or str(self.error)
        sys.stderr.write(f"respgate: cannot write to stdout: {reason}\n")
        return 2


def silence_stdout() -> None:
    """Point file descriptor 1 at /dev/null, so Python's own flush at exit cannot fail (and
    print an ``Exception ignored`` traceback) on a pipe nobody reads or a full disk."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass
