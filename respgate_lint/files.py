"""Finding, reading and writing Python files without ever losing a byte.

Reading keeps the raw bytes next to the decoded text (encoding cookie, BOM and line endings
are the bytes' business); writing goes through a temporary file in the same folder and an
atomic rename, keeps the file mode, refuses symlinks and read-only files, and refuses to
overwrite a file that changed since it was read. Every problem is a ``FileProblem`` with a
one-line message naming the file; nothing here raises for one bad file.
"""

from __future__ import annotations

import errno
import fnmatch
import io
import os
import re
import stat
import sys
import tokenize
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from .gitignore import GitIgnored

__all__ = [
    "DEFAULT_EXCLUDES",
    "FileProblem",
    "MAX_FILE_SIZE",
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


class FileProblem(NamedTuple):
    """A file that could not be found, read, decoded, parsed or written.

    This and ``SourceFile`` are NamedTuples, not dataclasses, like every record a plain
    ``check`` builds (see ``config.Settings``)."""

    path: str
    message: str
    kind: str = "error"   # "read" | "decode" | "syntax" | "write" | "internal" | ...

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class SourceFile(NamedTuple):
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


MAX_FILE_SIZE = 64 * 1024 * 1024
"""Bytes read from one file at most: a larger one (or an endless one, a symlink to
``/dev/zero``) is one problem line, never a MemoryError. Hand-written Python is far below it
(the largest stdlib module is under 1 MB)."""

_SPECIAL_KINDS = ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"),
                  (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"))


def discover(paths: Iterable[str | Path], exclude: Iterable[str] = (),
             *, use_default_excludes: bool = True, respect_gitignore: bool = True,
             note: Callable[[str], None] | None = None) -> Iterator[Path | FileProblem]:
    """Python files under ``paths`` in a stable order; problems are yielded, not raised.

    Files named explicitly are always yielded (whatever their suffix, as ruff and flake8
    do; git-ignored or not: the user asked for them); folders are walked for
    ``*.py``/``*.pyi`` without following symlinked folders, so a symlink loop cannot trap
    the walk. Virtual environments (a ``pyvenv.cfg``) are skipped, and so is what git ignores
    (``respect_gitignore``; see ``gitignore.py``). Only regular files are yielded: a FIFO,
    socket or device is never opened, ``note`` (default: stderr) says it was skipped; a
    broken or looping symlink is a problem.
    """
    say = note or _note_to_stderr
    patterns = tuple(exclude) + (DEFAULT_EXCLUDES if use_default_excludes else ())
    git = GitIgnored() if respect_gitignore else None
    for raw in paths:
        path = Path(raw)
        if not os.path.lexists(path):
            yield FileProblem(str(path), "no such file or directory", "read")
            continue
        try:
            mode = os.stat(path).st_mode
        except OSError as exc:
            yield FileProblem(str(path), _broken_link(exc, path), "read")
            continue
        if stat.S_ISDIR(mode):
            yield from _walk(path, patterns, git, say)
        elif is_excluded(path, tuple(exclude)):
            continue
        elif (kind := _special_kind(mode)) is not None:
            say(f"{path}: skipped: {kind}, not a regular file")
        else:
            yield path


def _walk(top: Path, patterns: tuple[str, ...], git: GitIgnored | None,
          say: Callable[[str], None]) -> Iterator[Path | FileProblem]:
    """Depth-first in name order, with an explicit stack: no recursion limit on depth."""
    real_top = os.path.realpath(top)
    listed = _listing(top, real_top, git.root_of(real_top) if git is not None else None, git)
    if isinstance(listed, FileProblem):
        yield listed
        return
    stack = [listed]
    while stack:
        entries, real_folder, root, ignored = stack[-1]
        entry = next(entries, None)
        if entry is None:
            stack.pop()
            continue
        if entry.name in ignored:
            continue
        path = Path(entry.path)
        if is_excluded(path, patterns):
            continue
        try:
            if entry.is_dir(follow_symlinks=False):
                real = os.path.join(real_folder, entry.name)
                nested = git is not None and os.path.lexists(os.path.join(real, ".git"))
                inner = _listing(path, real, git.root_of(real) if nested else root, git)
                if isinstance(inner, FileProblem):
                    yield inner
                elif inner is not None:
                    stack.append(inner)
            elif entry.name.endswith((".py", ".pyi")):
                found = _regular(entry, path, say)
                if found is not None:
                    yield found
        except OSError as exc:
            yield FileProblem(str(path), f"cannot stat: {exc.strerror or exc}", "read")


_Listing = tuple[Iterator[os.DirEntry], str, str | None, frozenset[str]]


def _listing(folder: Path, real: str, root: str | None,
             git: GitIgnored | None) -> _Listing | FileProblem | None:
    """A folder's entries in name order with what the walk needs beside them; None for a
    virtual environment (a ``pyvenv.cfg``), which is never walked."""
    try:
        with os.scandir(folder) as scan:
            entries = sorted(scan, key=lambda e: e.name)
    except OSError as exc:
        return FileProblem(str(folder), f"cannot list folder: {exc.strerror or exc}", "read")
    if any(e.name == "pyvenv.cfg" for e in entries):
        return None
    ignored = git.ignored_in(root).get(real, frozenset()) if git and root else frozenset()
    return iter(entries), real, root, ignored


def _regular(entry: os.DirEntry, path: Path, say: Callable[[str], None]) -> Path | FileProblem | None:
    """The file if it is (or links to) a regular file; a broken link is a problem, a FIFO,
    socket or device a note; a link to a folder is not a source file."""
    if not entry.is_symlink() and entry.is_file(follow_symlinks=False):
        return path   # the folder listing says "regular file": no stat needed
    try:
        mode = entry.stat().st_mode
    except OSError as exc:
        return FileProblem(str(path), _broken_link(exc, path), "read")
    if stat.S_ISREG(mode):
        return path
    kind = _special_kind(mode)
    if kind is not None:
        say(f"{path}: skipped: {kind}, not a regular file")
    return None


def _special_kind(mode: int) -> str | None:
    """What a non-regular, non-folder file is ("a FIFO", ...); None for a regular file."""
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    return next((name for test, name in _SPECIAL_KINDS if test(mode)), "not a regular file")


def _broken_link(exc: OSError, path: Path) -> str:
    """The one-line reason a path cannot be opened, naming a looping or dangling link."""
    if exc.errno == errno.ELOOP:
        return "cannot read: symlink loop (too many levels of symbolic links)"
    if exc.errno == errno.ENOENT and os.path.islink(path):
        return "cannot read: broken symlink (its target does not exist)"
    return f"cannot read: {exc.strerror or exc}"


def _note_to_stderr(message: str) -> None:
    sys.stderr.write(f"respgate: note: {message}\n")


def read_source(path: Path, max_size: int = MAX_FILE_SIZE) -> SourceFile | FileProblem:
    """Read bytes and decode them as Python does (BOM, then coding cookie, then UTF-8).

    Only a regular file is read, and at most ``max_size`` bytes of it: the file is opened
    non-blocking (a FIFO put in place after discovery cannot hang the run) and checked with
    ``fstat`` on the open descriptor (no window for a swap between the check and the read).
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        return FileProblem(str(path), _broken_link(exc, path), "read")
    try:
        with open(fd, "rb", closefd=True) as handle:
            st = os.fstat(fd)
            if stat.S_ISDIR(st.st_mode):
                return FileProblem(str(path), "is a directory", "read")
            if not stat.S_ISREG(st.st_mode):
                kind = _special_kind(st.st_mode)
                return FileProblem(str(path), f"{kind}, not a regular file; not read", "read")
            if st.st_size > max_size:
                return _too_big(path, st.st_size, max_size)
            data = handle.read(max_size + 1)
    except OSError as exc:
        return FileProblem(str(path), f"cannot read: {exc.strerror or exc}", "read")
    if len(data) > max_size:   # grew while being read, or a size the kernel does not know
        return _too_big(path, None, max_size)
    return source_from_bytes(data, path, st)


def source_from_bytes(data: bytes, path: Path,
                      st: os.stat_result | None = None) -> SourceFile | FileProblem:
    """Decode bytes as Python does (BOM, then coding cookie, then UTF-8); used for files and
    for source read from stdin (``path`` is then the name it stands for)."""
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
    # a BOM under an explicit utf-8 cookie is not part of the text
    return SourceFile(path, data, text.removeprefix("\ufeff"), encoding, st)


def _too_big(path: Path, size: int | None, limit: int) -> FileProblem:
    got = f"{size / 2**20:.0f} MB" if size is not None else "more"
    return FileProblem(str(path), f"too large to check ({got}; the limit is "
                                  f"{limit // 2**20} MB); skipped", "read")


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
