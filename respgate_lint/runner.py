"""The one per-file pipeline and the one settings resolver, for every entry point.

read -> prefilter -> parse (GC paused) -> analyze -> select -> noqa, in ``check_source``:
``respgate check``, ``baseline``, SARIF, ``respgate fix`` (in its worker processes), the
LibCST command and the benchmarks all go through it, so they decide alike (a file that
cannot hold a send is not parsed by any of them). Settings come from ``SettingsResolver``
(nearest pyproject.toml, then overrides); discovery and excludes from ``iter_files``.
Results stream one file at a time; a file that cannot be read, decoded or parsed becomes a
result with a ``problem`` and the run goes on.
"""

from __future__ import annotations

import ast
import gc
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .config import Settings, find_pyproject, load_settings, settings_from_mapping
from .engine.prefilter import might_have_findings
from .files import FileProblem, SourceFile, discover, is_excluded, read_source
from .sourcetext import split_lines

if TYPE_CHECKING:
    from .engine.findings import Finding

__all__ = [
    "FileResult", "SettingsResolver", "check_file", "check_paths", "check_source",
    "code_selected", "iter_files", "syntax_problem",
]


@dataclass
class FileResult:
    """What the engine found in one file, after ``# noqa``."""

    path: Path
    findings: list[Finding] = field(default_factory=list)   # reported: selected, not silenced
    noqa: list[Finding] = field(default_factory=list)       # selected, silenced by a noqa comment
    problem: FileProblem | None = None
    source: SourceFile | None = None   # kept only when there are findings (for output)
    excerpt: dict[int, str] = field(default_factory=dict)  # line -> text, once compacted
    gate_reasons: list[str] = field(default_factory=list)  # literal reasons already in use
    notes: list[tuple[int, str]] = field(default_factory=list)  # (line, text) for --verbose
    tree: ast.Module | None = None     # only when asked for (the fix needs it)
    replacements: dict[tuple[int, int], Any] | None = None  # SARIF: each site's fix text

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
    """Settings per folder: nearest pyproject.toml, then CLI overrides on top."""

    def __init__(self, overrides: dict[str, Any] | None = None,
                 config_file: Path | None = None, source: str = "command line") -> None:
        self.overrides = dict(overrides or {})
        self.config_file = config_file
        self.source = source
        self._for_folder = lru_cache(maxsize=1024)(self._resolve)

    def for_path(self, path: Path) -> Settings:
        """Raises ConfigError for a broken config (the CLI turns that into exit 2)."""
        folder = path if path.is_dir() else path.parent
        if not folder.is_absolute():
            folder = folder.resolve()
        return self._for_folder(str(folder))

    def _resolve(self, folder: str) -> Settings:
        pyproject = self.config_file or find_pyproject(Path(folder).resolve())
        base = load_settings(pyproject=pyproject) if pyproject else Settings()
        if not self.overrides:
            return base
        return settings_from_mapping(self.overrides, source=self.source, base=base)


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
        return FileResult(path, problem=syntax_problem(path, exc))
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


def syntax_problem(path: Path, exc: SyntaxError) -> FileProblem:
    """The one wording of a syntax error, for every command."""
    where = f"line {exc.lineno}" + (f", column {exc.offset}" if exc.offset else "")
    return FileProblem(str(path), f"syntax error at {where}: {exc.msg}", "syntax")


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
               exclude: Iterable[str] = ()) -> Iterator[tuple[Path, Settings] | FileProblem]:
    """Discovered files with their settings (``[tool.respgate] exclude`` applied), in a
    stable order; paths that cannot be listed become problems. Raises ConfigError."""
    for item in discover(paths, tuple(exclude)):
        if isinstance(item, FileProblem):
            yield item
            continue
        settings = resolver.for_path(item)
        if settings.exclude and is_excluded(item, settings.exclude):
            continue
        yield item, settings


def check_paths(paths: Iterable[str | Path], resolver: SettingsResolver,
                exclude: Iterable[str] = (), *, keep: bool = False) -> Iterator[FileResult]:
    """One result per discovered file, in a stable order (streaming). ``keep``: results with
    findings also hold their tree (the caller drops it when done)."""
    for item in iter_files(paths, resolver, exclude):
        if isinstance(item, FileProblem):
            yield FileResult(Path(item.path), problem=item)
            continue
        result = check_file(*item, keep=keep)
        if keep and not result.findings:
            result.source = result.tree = None
        yield result
