"""The one per-file pipeline and the one settings resolver, for every entry point.

read -> prefilter -> parse (GC paused) -> analyze -> select -> noqa, in ``check_source``:
``respgate check``, ``baseline``, SARIF, ``respgate fix`` (in its worker processes), the
LibCST command and the benchmarks all go through it, so they decide alike (a file that
cannot hold a send is not parsed by any of them). Settings come from ``SettingsResolver``
(nearest pyproject.toml, then overrides); discovery and excludes from ``iter_files``.
Results stream one file at a time; a file that cannot be read, decoded or parsed becomes a
result with a ``problem`` and the run goes on. A file reached twice (named twice, inside a
folder also named, or through a symlink) is checked once, under the first name. Source read
from stdin goes through ``stdin_source``/``stdin_settings`` under the name it stands for.
"""

from __future__ import annotations

import ast
import gc
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from .config import Settings, governs, load_settings, settings_from_mapping
from .engine.prefilter import might_have_findings
from .files import FileProblem, SourceFile, discover, is_excluded, read_source, source_from_bytes
from .sourcetext import split_lines

if TYPE_CHECKING:
    from .engine.findings import Finding

__all__ = [
    "STDIN", "FileResult", "SettingsResolver", "check_file", "check_paths", "check_source",
    "code_selected", "iter_files", "stdin_settings", "stdin_source", "syntax_problem",
]

STDIN = "-"   # the path that means "read the source from stdin"


class FileResult:
    """What the engine found in one file, after ``# noqa``.

    A plain class, not a dataclass, as is every record a plain ``check`` builds (see
    ``config.Settings``)."""

    __slots__ = ("path", "findings", "noqa", "problem", "source", "excerpt", "gate_reasons",
                 "notes", "tree", "replacements")

    def __init__(self, path: Path, findings: list[Finding] | None = None,
                 noqa: list[Finding] | None = None, problem: FileProblem | None = None,
                 source: SourceFile | None = None, *, gate_reasons: list[str] | None = None,
                 notes: list[tuple[int, str]] | None = None, tree: ast.Module | None = None
                 ) -> None:
        self.path = path
        self.findings = findings if findings is not None else []   # selected, not silenced
        self.noqa = noqa if noqa is not None else []   # selected, silenced by a noqa comment
        self.problem = problem
        self.source = source            # kept only when there are findings (for output)
        self.excerpt: dict[int, str] = {}   # line -> text, once compacted
        self.gate_reasons = gate_reasons if gate_reasons is not None else []  # literal reasons in use
        self.notes = notes if notes is not None else []   # (line, text) for --verbose
        self.tree = tree                # only when asked for (the fix needs it)
        self.replacements: dict[tuple[int, int], Any] | None = None  # SARIF: each site's fix

    def __repr__(self) -> str:
        return (f"FileResult({str(self.path)!r}, findings={len(self.findings)}, "
                f"noqa={len(self.noqa)}, problem={self.problem!r})")

    @property
    def silenced(self) -> int:
        return len(self.noqa)

    def reported_lines(self) -> dict[int, str]:
        """The physical line (ending kept) each finding starts on, by line number."""
        if self.source is None:
            return self.excerpt
        lines = split_lines(self.source.text)
        return {f.line: lines[f.line - 1] for f in self.findings if 1 <= f.line <= len(lines)}

    def compact(self) -> None:
        """Keep only the reported lines and drop the file's text and bytes, so a run that
        collects results before printing them holds a few lines per finding, not files."""
        if self.source is not None:
            self.excerpt = self.reported_lines()
            self.source = None
        self.tree = None


class SettingsResolver:
    """Settings per folder: the governing pyproject.toml, then overrides on top.

    The governing file of a folder is the nearest pyproject.toml with a ``[tool.respgate]``
    table at or above it, up to the repository root (a folder holding ``.git``); one without
    the table does not reset its subtree to the defaults (as ruff does with ``[tool.ruff]``).
    Folders are resolved top-down, so a folder that the governing configuration above it
    excludes is never read for configuration: a broken pyproject.toml in an excluded
    fixtures folder cannot stop a run. ``config_file`` (``--config``) governs everything.
    """

    def __init__(self, overrides: dict[str, Any] | None = None,
                 config_file: Path | None = None, source: str = "command line") -> None:
        self.overrides = dict(overrides or {})
        self.config_file = config_file
        self.source = source
        self._known: dict[str, _Governing] = {}   # folder -> what governs it
        self._for_folder = lru_cache(maxsize=1024)(self._resolve)

    def for_path(self, path: Path) -> Settings:
        """Raises ConfigError for a broken config (the CLI turns that into exit 2)."""
        return self._for_folder(str(self._folder(path)))

    def is_excluded(self, path: Path) -> bool:
        """Whether the governing ``exclude`` covers ``path`` or a folder between it and its
        configuration's folder. Reads no configuration inside an excluded folder."""
        return self.unless_excluded(path) is None

    def unless_excluded(self, path: Path) -> Settings | None:
        """``for_path(path)``, or None when ``path`` is excluded (see ``is_excluded``)."""
        folder = self._folder(path)
        governing = self._governing(str(folder))
        if governing.excluded:
            return None
        patterns = governing.settings.exclude
        if patterns and (is_excluded(path, patterns) or (
                governing.root is not None
                and _excluded_below(governing.root, folder / path.name, patterns))):
            return None
        return self._for_folder(str(folder))

    @staticmethod
    def _folder(path: Path) -> Path:
        folder = path if path.is_dir() else path.parent
        return folder if folder.is_absolute() else folder.resolve()

    def _resolve(self, folder: str) -> Settings:
        base = self._governing(folder).settings
        if not self.overrides:
            return base
        return settings_from_mapping(self.overrides, source=self.source, base=base)

    def _governing(self, folder: str) -> _Governing:
        """What governs ``folder``: found top-down (a parent's verdict first, so an excluded
        folder's pyproject is never read), without recursion (folders can nest deeper than
        Python's recursion limit) and once per folder."""
        known = self._known.get(folder)
        if known is not None:
            return known
        here = Path(folder)
        if self.config_file is not None:
            root = Path(os.path.abspath(self.config_file)).parent
            found = _Governing(load_settings(pyproject=self.config_file), root).below(root, here)
            self._known[folder] = found
            return found
        pending = [here]   # from ``folder`` up to the first folder whose parent is known
        while True:
            node = pending[-1]
            if node.parent == node or repository_root_is(node):
                governing = _Governing(Settings(), None)
                break
            above = self._known.get(str(node.parent))
            if above is not None:
                governing = above
                break
            pending.append(node.parent)
        for node in reversed(pending):
            governing = _step_down(governing, node)
            self._known[str(node)] = governing
        return governing


def _step_down(parent: _Governing, here: Path) -> _Governing:
    """What governs ``here`` given what governs its parent folder."""
    if parent.excluded:
        return parent
    if parent.root is not None and _excluded_below(parent.root, here, parent.settings.exclude):
        return parent.as_excluded()
    candidate = here / "pyproject.toml"
    if candidate.is_file() and governs(candidate):
        return _Governing(load_settings(pyproject=candidate), here)
    return parent


class _Governing(NamedTuple):
    """The configuration that governs a folder: its settings, the folder of its file
    (None: defaults), and whether the folder lies inside one that it excludes."""

    settings: Settings
    root: Path | None
    excluded: bool = False

    def as_excluded(self) -> _Governing:
        return _Governing(self.settings, self.root, True)

    def below(self, root: Path, folder: Path) -> _Governing:
        """``--config``: excluded when a folder between ``root`` and ``folder`` is."""
        try:
            parts = folder.relative_to(root).parts
        except ValueError:
            return self
        for depth in range(1, len(parts) + 1):
            if _excluded_below(root, root.joinpath(*parts[:depth]), self.settings.exclude):
                return self.as_excluded()
        return self


def repository_root_is(folder: Path) -> bool:
    """Whether ``folder`` is a repository's root: configuration is not searched above it."""
    return os.path.lexists(folder / ".git")


def _excluded_below(root: Path, path: Path, patterns: tuple[str, ...]) -> bool:
    """An exclude pattern matches ``path`` by name, by its path relative to the
    configuration's folder, or by its absolute path."""
    if not patterns:
        return False
    try:
        relative = Path(path.relative_to(root).as_posix())
    except ValueError:
        relative = None
    if relative is not None and relative.parts and is_excluded(relative, patterns):
        return True
    return relative is not None and bool(relative.parts) and is_excluded(path, patterns)


def check_file(path: Path, settings: Settings, *, add_mixin: bool = False,
               keep: bool = False) -> FileResult:
    """Read one file and run ``check_source``; never raises for a bad file."""
    loaded = read_source(path)
    if isinstance(loaded, FileProblem):
        return FileResult(path, problem=loaded)
    return check_source(loaded, settings, add_mixin=add_mixin, keep=keep)


def check_source(source: SourceFile, settings: Settings, *, add_mixin: bool = False,
                 keep: bool = False) -> FileResult:
    """Prefilter, parse, analyze, select codes, apply noqa. ``keep``: hold the source and the
    tree even without findings (the fix needs both); ``add_mixin``: plan fixes for gate-less
    classes with the reference gate."""
    path = source.path
    if not might_have_findings(source.data, settings):
        return FileResult(path, source=source if keep else None)
    # Building the AST of a big file allocates millions of objects, which triggers repeated
    # full collections that traverse every node: that doubles the cost of ``ast.parse`` on a
    # 16,000-line file. An AST holds no reference cycles (refcounting frees it), so pausing the
    # collector changes nothing but the time. It is re-enabled only after ``_analysed`` has
    # returned and so freed the tree (unless kept): re-enabled with the tree still alive, the
    # collector's next pass would walk every node once more.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _analysed(source, settings, add_mixin=add_mixin, keep=keep)
    finally:
        if enabled:
            gc.enable()


def _analysed(source: SourceFile, settings: Settings, *, add_mixin: bool,
              keep: bool) -> FileResult:
    from .engine import analyze_tree, parse_source, split_suppressed  # not for prefiltered files

    path = source.path
    try:
        tree = parse_source(source.text, str(path))
        analysis = analyze_tree(source.text, tree, settings, path=_real_path(path),
                                add_mixin=add_mixin)
    except SyntaxError as exc:
        return FileResult(path, problem=syntax_problem(path, exc, source.text))
    except (ValueError, RecursionError, MemoryError) as exc:
        return FileResult(path, problem=FileProblem(str(path), f"cannot parse: {exc}", "syntax"))
    findings = [f for f in analysis.findings if code_selected(f.code, path, settings)]
    kept, silenced = split_suppressed(findings, source.text)
    return FileResult(path, kept, silenced, source=source if kept or keep else None,
                      gate_reasons=analysis.gate_reasons, notes=analysis.notes,
                      tree=tree if keep else None)


def _real_path(path: Path) -> Path | None:
    """Where the file is, for resolving its imports (None for stdin or a virtual name)."""
    try:
        return path.resolve() if path.is_file() else None
    except OSError:
        return None


def syntax_problem(path: Path, exc: SyntaxError, text: str | None = None) -> FileProblem:
    """The one wording of a syntax error, for every command. Given the file's ``text``, an
    error that a newer Python would not raise says so, and what to do: the bypasses in such a
    file go unchecked until respgate runs on the project's own Python."""
    where = f"line {exc.lineno}" + (f", column {exc.offset}" if exc.offset else "")
    message = f"syntax error at {where}: {exc.msg}"
    from .engine.parsing import newer_syntax_hint  # only for files that fail to parse

    newer = newer_syntax_hint(text, exc) if text is not None else None
    if newer is not None:
        version, what = newer
        running = f"{sys.version_info.major}.{sys.version_info.minor}"
        message += (f" (this file uses syntax newer than Python {running}, the interpreter "
                    f"running respgate: {what}, Python {version}+; run respgate with the "
                    "project's Python (pre-commit: `language_version`))")
    return FileProblem(str(path), message, "syntax")


def code_selected(code: str, path: Path, settings: Settings) -> bool:
    """Whether ``code`` is reported for ``path``: select, then ignore, then per-file ignores."""
    if settings.select and not any(code.startswith(s) for s in settings.select):
        return False
    if any(code.startswith(i) for i in settings.ignore):
        return False
    for pattern, codes in settings.per_file_ignores:
        if is_excluded(path, (pattern,)) and any(code.startswith(c) for c in codes):
            return False
    return True


def iter_files(paths: Iterable[str | Path], resolver: SettingsResolver,
               exclude: Iterable[str] = (), *, respect_gitignore: bool | None = None,
               on_empty: Callable[[Path], None] | None = None,
               ) -> Iterator[tuple[Path, Settings] | FileProblem]:
    """Discovered files with their settings (``[tool.respgate] exclude`` applied), in a
    stable order, each file once (by identity: the same file named twice, or reached through
    a folder and by name, or through a symlink, is yielded under its first name); paths that
    cannot be listed become problems. ``on_empty(path)`` is called for a given path that
    exists but holds no Python file to check; ``respect_gitignore``: as for ``discover``,
    None to take ``respect-gitignore`` from the settings of each given path.
    Raises ConfigError."""
    exclude = tuple(exclude)
    seen: set[object] = set()
    for root in paths:
        found = False
        respect = (respect_gitignore if respect_gitignore is not None
                   else resolver.for_path(Path(root)).respect_gitignore)
        for item in discover([root], exclude, respect_gitignore=respect):
            if isinstance(item, FileProblem):
                found = True   # said already: no "no Python files" on top of the problem
                if ("problem", item.path) not in seen:
                    seen.add(("problem", item.path))
                    yield item
                continue
            settings = resolver.unless_excluded(item)
            if settings is None:
                continue
            found = True
            identity = _identity(item)
            if identity in seen:
                continue
            seen.add(identity)
            yield item, settings
        # a FIFO or device named on the command line got its own note from discover()
        if not found and on_empty is not None and (os.path.isdir(root) or os.path.isfile(root)):
            on_empty(Path(root))


def _identity(path: Path) -> object:
    """What makes two names the same file: device and inode (symlinks, hard links, ``./a``
    and ``a``), else the absolute path."""
    try:
        st = os.stat(path)
    except OSError:
        return os.path.abspath(path)
    return (st.st_dev, st.st_ino)


def stdin_source(data: bytes, name: Path) -> SourceFile | FileProblem:
    """Source read from stdin, decoded as Python decodes a file (BOM, coding cookie, UTF-8),
    named ``name`` (``--stdin-filename``, or ``-``)."""
    return source_from_bytes(data, name)


def stdin_settings(name: Path, resolver: SettingsResolver,
                   exclude: Iterable[str] = ()) -> Settings | None:
    """The settings for source standing for ``name``: the config nearest to that name, as for
    a file named on the command line; None when ``--exclude`` or ``[tool.respgate] exclude``
    excludes the name. Raises ConfigError."""
    if str(name) == STDIN:
        return resolver.for_path(Path.cwd())
    if is_excluded(name, tuple(exclude)):
        return None
    return resolver.unless_excluded(name)


def check_paths(paths: Iterable[str | Path], resolver: SettingsResolver,
                exclude: Iterable[str] = (), *, keep: bool = False,
                on_empty: Callable[[Path], None] | None = None,
                respect_gitignore: bool | None = None) -> Iterator[FileResult]:
    """One result per discovered file, in a stable order (streaming). ``keep``: results with
    findings also hold their tree (the caller drops it when done); ``on_empty``,
    ``respect_gitignore``: as for ``iter_files``."""
    for item in iter_files(paths, resolver, exclude, on_empty=on_empty,
                            respect_gitignore=respect_gitignore):
        if isinstance(item, FileProblem):
            yield FileResult(Path(item.path), problem=item)
            continue
        result = check_file(*item, keep=keep)
        if keep and not result.findings:
            result.source = result.tree = None
        yield result
