"""Every write respgate makes (a fixed source file, a baseline), one way, keeping everything.

* A unique temporary file next to the target (``mkstemp``: ``O_CREAT | O_EXCL | O_NOFOLLOW``,
  so a name planted in the repository, even as a symlink, is never written through), then an
  atomic rename: a crash leaves the old file or the new one, never half of one.
* The new file gets the old one's owner, group, mode and extended attributes (ACLs and
  SELinux labels are xattrs too). When one of them cannot be carried over (not permitted),
  or the file has other hard links (a rename would split them and leave the other name
  unfixed), the file is rewritten in place instead, after reserving its new size, so the
  inode and with it every name, owner and attribute stays.
* A target that is a symlink (or reached through a symlinked folder) is written through to
  the real file only when that file lies inside the tree (the repository holding the link,
  else the current folder); a link out of the tree is refused.
* ``expected``: the bytes the file must still hold. They are compared immediately before the
  rename (or the in-place write), so an editor's save during the run is reported, never
  overwritten; a file that already holds exactly the new bytes is left as it is.
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import stat
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

__all__ = ["STALE", "WriteRefused", "new_file_mode", "real_target", "replace_checked", "tree_root"]

STALE = "changed on disk during fix; not written (run again)"

# before_commit(tmp_name, path): called when everything is ready, just before the content
# check and the rename (tmp_name None: an in-place write). Fault-injection tests hook it.
Hook = Callable[[str | None, Path], None]


class WriteRefused(Exception):
    """A write that respgate will not make; ``str()`` is one line, without the path."""


def tree_root(path: Path) -> Path:
    """The tree a write must stay inside: the repository holding ``path`` (a folder with
    ``.git``), else the current folder when ``path`` lies below it, else ``path``'s folder."""
    absolute = Path(os.path.abspath(path))
    for folder in absolute.parents:
        if os.path.lexists(folder / ".git"):
            return folder
    cwd = Path.cwd()
    return cwd if absolute.is_relative_to(cwd) else absolute.parent


def real_target(path: Path) -> Path:
    """The file a write to ``path`` really changes: ``path`` itself, or, when a symlink is on
    the way, the real file, provided it lies inside ``tree_root(path)``."""
    absolute = Path(os.path.abspath(path))
    real = Path(os.path.realpath(absolute))
    if real == absolute:
        return absolute
    root = Path(os.path.realpath(tree_root(path)))
    if not real.is_relative_to(root):
        raise WriteRefused(f"is a symlink to {real}, outside the tree ({root}); "
                           "not writing through it")
    return real


def replace_checked(path: Path, data: bytes, *, expected: bytes | None,
                    before_commit: Hook | None = None, new_mode: int | None = None) -> bool:
    """Make ``path`` hold ``data``; True if written, False if it already held ``data``.

    ``expected``: the bytes the file must still hold (None: whatever it holds, or a new file
    with ``new_mode``). Raises ``WriteRefused`` (read-only, a link out of the tree, a lost
    race) or ``OSError``; the temporary file never outlives a failure.
    """
    target = real_target(path)
    try:
        st: os.stat_result | None = os.stat(target, follow_symlinks=False)
    except FileNotFoundError:
        if expected is not None:
            raise
        st = None
    if st is not None:
        if not stat.S_ISREG(st.st_mode):
            raise WriteRefused("is not a regular file; not written")
        if not st.st_mode & stat.S_IWUSR:
            raise WriteRefused("is read-only; not modified")
        if st.st_nlink > 1:
            return _write_in_place(target, data, expected, before_commit)
    done = _write_renamed(target, data, expected, st, before_commit, new_mode)
    if done is None:   # metadata that only the old inode can keep: write in place
        return _write_in_place(target, data, expected, before_commit)
    return done


def new_file_mode() -> int:
    """The mode a new file gets under the process umask (mkstemp's own 0600 is too strict
    for a baseline that the team commits)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def _write_renamed(target: Path, data: bytes, expected: bytes | None,
                   st: os.stat_result | None, before_commit: Hook | None,
                   new_mode: int | None) -> bool | None:
    """Temporary file + rename; None when the old file's metadata cannot be carried over."""
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".respgate-tmp",
                                    dir=target.parent)
    committed = False
    try:
        try:
            _write_all(fd, data)
            if st is not None and not _carry_metadata(fd, target, st):
                return None
            if st is None:
                os.fchmod(fd, new_mode if new_mode is not None else new_file_mode())
            os.fsync(fd)
        finally:
            os.close(fd)
        if before_commit is not None:
            before_commit(tmp_name, target)
        if expected is not None and not _still_holds(target, expected, data):
            return False
        os.replace(tmp_name, target)
        committed = True
        _sync_folder(target.parent)
        return True
    finally:
        if not committed:
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)


def _write_in_place(target: Path, data: bytes, expected: bytes | None,
                    before_commit: Hook | None) -> bool:
    """Rewrite the file's own inode (hard links, foreign owner): all names see the fix and
    nothing about the file changes but its bytes. Its new size is reserved first, so a full
    disk fails before a byte is changed."""
    fd = os.open(target, os.O_RDWR | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        if before_commit is not None:
            before_commit(None, target)
        if expected is not None:
            current = _read_all(fd)
            if current != expected:
                if current == data:
                    return False
                raise WriteRefused(STALE)
        if len(data) > os.fstat(fd).st_size and hasattr(os, "posix_fallocate"):
            try:
                os.posix_fallocate(fd, 0, len(data))
            except OSError as exc:
                if exc.errno not in (errno.EOPNOTSUPP, errno.EINVAL, errno.ENOSYS):
                    raise
        with _signals_held():
            written = 0
            while written < len(data):
                written += os.pwrite(fd, memoryview(data)[written:], written)
            os.ftruncate(fd, len(data))
            os.fsync(fd)
        return True
    finally:
        os.close(fd)


_HELD = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP")
              if hasattr(signal, name))


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM off while a file is rewritten in place (delivered right after):
    between the write and the truncation, the file would hold new bytes and an old tail."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, _HELD)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _still_holds(target: Path, expected: bytes, data: bytes) -> bool:
    """Compare the file's bytes now with the bytes it was fixed from. False: it already holds
    the new bytes (another run wrote them). Raises WriteRefused when it changed otherwise."""
    fd = os.open(target, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        size = os.fstat(fd).st_size
        if size not in (len(expected), len(data)):
            raise WriteRefused(STALE)
        current = _read_all(fd)
    finally:
        os.close(fd)
    if current == expected:
        return True
    if current == data:
        return False
    raise WriteRefused(STALE)


def _carry_metadata(fd: int, target: Path, st: os.stat_result) -> bool:
    """Owner, group, mode and xattrs of ``target`` onto the new file; False when one cannot
    be carried (not permitted), so the caller writes in place instead."""
    mine = os.fstat(fd)
    if (mine.st_uid, mine.st_gid) != (st.st_uid, st.st_gid):
        try:
            os.fchown(fd, st.st_uid, st.st_gid)
        except PermissionError:
            return False
    os.fchmod(fd, stat.S_IMODE(st.st_mode))   # after chown, which clears setuid/setgid
    return _copy_xattrs(target, fd)


def _copy_xattrs(target: Path, fd: int) -> bool:
    if not hasattr(os, "listxattr"):
        return True
    try:
        names = os.listxattr(target)
    except OSError as exc:
        if exc.errno in (errno.ENOTSUP, errno.EOPNOTSUPP, errno.ENOSYS):
            return True
        raise
    for name in names:
        try:
            os.setxattr(fd, name, os.getxattr(target, name))
        except OSError as exc:
            if exc.errno in (errno.EPERM, errno.EACCES, errno.ENOTSUP, errno.EOPNOTSUPP):
                return False
            raise
    return True


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _read_all(fd: int) -> bytes:
    chunks = []
    offset = 0
    while chunk := os.pread(fd, 1 << 20, offset):
        chunks.append(chunk)
        offset += len(chunk)
    return b"".join(chunks)


def _sync_folder(folder: Path) -> None:
    """The rename itself made durable (best effort: not every platform can open a folder)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
