"""Finding, reading and writing Python files without ever losing a byte.

Reading keeps the raw bytes next to the decoded text (encoding cookie, BOM and line endings
are the bytes' business); writing goes through a temporary file in the same folder and an
atomic rename, keeps the file mode, refuses symlinks and read-only files, and refuses to
overwrite a file that changed since it was read. Every problem is a ``FileProblem`` with a
one-line message naming the file; nothing here raises for one bad file.
"""

from __future__ import annotations

import fnmatch
import io
import os
import re
import stat
import tokenize
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

__all__ = [
    "DEFAULT_EXCLUDES",
    "FileProblem",
    "SourceFile",
    "discover",
    "is_excluded",
    "read_source",
    "write_atomic",
]

DEFAULT_EXCLUDES = (
    ".git", ".hg", ".svn", ".bzr", ".venv", "venv", ".env", "env", "__pycache__", "build",
    "dist", "node_modules", ".tox", ".nox", ".eggs", "*.egg-info", ".mypy_cache",
    ".pytest_cache", ".ruff_cache", "site-packages", "__pypackages__",
)


@dataclass(frozen=True)
class FileProblem:
    """A file that could not be found, read, decoded, parsed or written."""

    path: str
    message: str
    kind: str = "error"   # "read" | "decode" | "syntax" | "write" | "internal" | ...

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


@dataclass(frozen=True)
class SourceFile:
    """A file's exact bytes and the text Python would see."""

    path: Path
    data: bytes
    text: str
    encoding: str          # as detected: "utf-8", "utf-8-sig" (BOM), "latin-1", ...
    stat: os.stat_result | None = None   # None: not read from disk (the LibCST command)

    def encode(self, text: str) -> bytes:
        """Text back to bytes in the file's own encoding (a BOM stays a BOM)."""
        return text.encode(self.encoding)


def is_excluded(path: Path, patterns: Iterable[str]) -> bool:
    """True if the path's name or its whole (posix) path matches a glob pattern."""
    name_re, path_re = _exclude_regexes(tuple(patterns))
    if name_re is not None and name_re.match(path.name):
        return True
    return path_re is not None and path_re.match(path.as_posix()) is not None


@lru_cache(maxsize=64)
def _exclude_regexes(patterns: tuple[str, ...]) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
    """One compiled regex for the names, one for whole paths (fnmatch semantics)."""
    names = [fnmatch.translate(p) for p in patterns]
    paths = names + [fnmatch.translate(f"*/{p.strip('/')}") for p in patterns if "/" in p]
    return (re.compile("|".join(names)) if names else None,
            re.compile("|".join(paths)) if paths else None)


def discover(paths: Iterable[str | Path], exclude: Iterable[str] = (),
             *, use_default_excludes: bool = True) -> Iterator[Path | FileProblem]:
    """Python files under ``paths`` in a stable order; problems are yielded, not raised.

    Files named explicitly are always yielded (whatever their suffix, as ruff and flake8
    do); folders are walked for ``*.py``/``*.pyi`` without following symlinked folders, so a
    symlink loop cannot trap the walk. Virtual environments (a ``pyvenv.cfg``) are skipped.
    """
    patterns = tuple(exclude) + (DEFAULT_EXCLUDES if use_default_excludes else ())
    for raw in paths:
        path = Path(raw)
        if not os.path.lexists(path):
            yield FileProblem(str(path), "no such file or directory", "read")
        elif path.is_dir():
            yield from _walk(path, patterns)
        elif not is_excluded(path, tuple(exclude)):
            yield path


def _walk(folder: Path, patterns: tuple[str, ...]) -> Iterator[Path | FileProblem]:
    try:
        with os.scandir(folder) as scan:
            entries = sorted(scan, key=lambda e: e.name)
    except OSError as exc:
        yield FileProblem(str(folder), f"cannot list folder: {exc.strerror or exc}", "read")
        return
    if any(e.name == "pyvenv.cfg" for e in entries):
        return
    for entry in entries:
        path = Path(entry.path)
        if is_excluded(path, patterns):
            continue
        try:
            if entry.is_dir(follow_symlinks=False):
                yield from _walk(path, patterns)
            elif entry.name.endswith((".py", ".pyi")) and entry.is_file():
                yield path
        except OSError as exc:
            yield FileProblem(str(path), f"cannot stat: {exc.strerror or exc}", "read")


def read_source(path: Path) -> SourceFile | FileProblem:
    """Read bytes and decode them as Python does (BOM, then coding cookie, then UTF-8)."""
    try:
        with open(path, "rb") as handle:
            st = os.fstat(handle.fileno())
            if stat.S_ISDIR(st.st_mode):
                return FileProblem(str(path), "is a directory", "read")
            data = handle.read()
    except OSError as exc:
        return FileProblem(str(path), f"cannot read: {exc.strerror or exc}", "read")
    if b"\0" in data:
        return FileProblem(str(path), "binary file (contains NUL bytes); not Python source", "decode")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        text = data.decode(encoding)
    except SyntaxError as exc:
        return FileProblem(str(path), f"cannot decode: {exc.msg}", "decode")
    except (UnicodeDecodeError, LookupError) as exc:
        return FileProblem(str(path), f"cannot decode as {_encoding_name(exc)}: {exc}; "
                                      "add a coding cookie or convert the file to UTF-8", "decode")
    if text.startswith("\ufeff"):  # a BOM under an explicit utf-8 cookie
        text = text[1:]
    return SourceFile(path, data, text, encoding, st)


def _encoding_name(exc: Exception) -> str:
    return getattr(exc, "encoding", None) or "the declared encoding"


def write_atomic(source: SourceFile, data: bytes) -> FileProblem | None:
    """Replace ``source.path``'s bytes with ``data``, keeping owner, group, mode, xattrs and
    hard links; None on success (or when the file already holds ``data``).

    Refuses (and says why) a symlink out of the tree, a read-only file, and a file whose
    bytes changed since ``source`` was read (compared just before the rename): see
    ``respgate_lint.writes``. The temporary file never outlives a failure.
    """
    from .writes import WriteRefused, replace_checked  # keeps the write code in its own module

    path = source.path
    try:
        replace_checked(path, data, expected=source.data,
                        before_commit=lambda tmp, target: _before_rename(tmp, target))
    except WriteRefused as exc:
        return FileProblem(str(path), str(exc), "write")
    except OSError as exc:
        return FileProblem(str(path), f"cannot write: {exc.strerror or exc}", "write")
    return None


def _before_rename(tmp_name: str | None, path: Path) -> None:
    """A seam for fault-injection tests: runs when the new bytes are on disk, just before the
    content check and the rename (``tmp_name`` None: a hard-linked file written in place)."""
