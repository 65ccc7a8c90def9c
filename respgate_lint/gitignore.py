"""Which paths git ignores, asked of git itself once per repository.

Discovery skips what ``.gitignore`` (and ``.git/info/exclude``, the global excludes file)
keeps out of the repository, as ruff does, so ``fix .`` never rewrites a vendored or
generated folder. Git decides, with git's own rules: one
``git ls-files --others --ignored --exclude-standard --directory -z`` per work tree lists
every ignored file and every wholly ignored folder (git never descends into those, and
neither do we; no ignored file is ever opened). Tracked files are never ignored, as in git.

Outside a git work tree, or without a working ``git`` executable, nothing is ignored: a
``.gitignore`` that git does not apply is not applied here either (the ``ignore`` crate
behind ruff does the same by default).
"""

from __future__ import annotations

import os

__all__ = ["GitIgnored"]

_GIT_TIMEOUT = 60.0  # seconds; a hung git must not hang the run


class GitIgnored:
    """``ignored(path)`` for paths in any number of work trees; git runs once per tree."""

    def __init__(self) -> None:
        self._git: str | None | bool = False   # False: not looked up yet (a run naming only
                                               # files never needs git)
        self._roots: dict[str, str | None] = {}         # real folder -> its work tree root
        self._ignored: dict[str, dict[str, frozenset[str]]] = {}   # root -> folder -> names

    def ignored(self, real_path: str, root: str | None) -> bool:
        """Whether git ignores ``real_path`` (absolute, symlink-free) in work tree ``root``
        (from ``root_of``; None: not in a work tree, nothing is ignored)."""
        if root is None:
            return False
        folder, name = os.path.split(real_path)
        return name in self.ignored_in(root).get(folder, ())

    def root_of(self, real_folder: str) -> str | None:
        """The work tree holding ``real_folder``, or None (not in one, or no git)."""
        if real_folder in self._roots:
            return self._roots[real_folder]
        root = self._ask_root(real_folder)
        self._roots[real_folder] = root
        return root

    def _ask_root(self, real_folder: str) -> str | None:
        if self._git is False:
            import shutil   # here, not at the top: a check of a few files starts faster

            self._git = shutil.which("git")
        if self._git is None:
            return None
        out = self._run(["rev-parse", "--show-toplevel"], real_folder)
        if out is None:
            return None
        root = out.decode("utf-8", "surrogateescape").strip()
        return os.path.realpath(root) if root else None

    def ignored_in(self, root: str) -> dict[str, frozenset[str]]:
        """Every ignored file and wholly ignored folder of the work tree: the names ignored
        in each folder, by the folder's absolute path (a walk looks up a folder once)."""
        if root not in self._ignored:
            out = self._run(["ls-files", "--others", "--ignored", "--exclude-standard",
                             "--directory", "-z"], root)
            by_folder: dict[str, set[str]] = {}
            for raw in (out or b"").split(b"\0"):
                if raw:
                    folder, name = os.path.split(os.path.join(root, os.fsdecode(raw).rstrip("/")))
                    by_folder.setdefault(folder, set()).add(name)
            self._ignored[root] = {k: frozenset(v) for k, v in by_folder.items()}
        return self._ignored[root]

    def _run(self, args: list[str], cwd: str) -> bytes | None:
        """git's stdout, or None when git fails (not a work tree, too old, missing)."""
        import subprocess

        assert isinstance(self._git, str)
        try:
            proc = subprocess.run([self._git, "-c", "core.quotepath=off", *args], cwd=cwd,
                                  stdin=subprocess.DEVNULL, capture_output=True,
                                  timeout=_GIT_TIMEOUT, check=False)
        except (OSError, subprocess.SubprocessError):
            return None
        return proc.stdout if proc.returncode == 0 else None
