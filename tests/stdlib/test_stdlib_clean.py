"""The engine over the running interpreter's whole standard library.

With default settings: zero findings, and no file fails for any reason but its own (a
problem is only acceptable when Python itself cannot compile that file: the stdlib ships
deliberately broken test data). Through the runner, as ``respgate check`` runs, so the byte
prefilter decides most files. Then, on a deterministic sample (every 10th file; every 30th for the slow wide run), the walker
runs with the prefilter bypassed: with default settings it must still find nothing, and with
look-everywhere settings (every statement examined, every method a send, every capitalised
name an event) it must not crash and every finding must point inside the file.
"""

from __future__ import annotations

import ast
import sysconfig
import warnings
from pathlib import Path

import pytest

from respgate_lint.config import Settings
from respgate_lint.engine.detector import analyze_tree
from respgate_lint.files import FileProblem, SourceFile, discover, read_source
from respgate_lint.runner import SettingsResolver, check_paths

STDLIB = Path(sysconfig.get_paths()["stdlib"])

WIDE = Settings().replace(
    constant_pattern=r"^(?:[A-Z0-9_]*_)?RESPONSE_CREATE$|^[A-Z]",
    class_pattern=r"^[A-Z]",
    send_pattern=r".*",
    gate_functions=("trigger_response", "get", "run"),
)


def _python_rejects(path: Path) -> bool:
    """True when CPython itself cannot read or compile the file."""
    try:
        data = path.read_bytes()
    except OSError:
        return True
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(data, str(path), "exec", flags=ast.PyCF_ONLY_AST, dont_inherit=True)
    except (SyntaxError, ValueError, UnicodeDecodeError):
        return True
    return False


@pytest.fixture(scope="module")
def stdlib_files() -> list[Path]:
    files = [p for p in discover([STDLIB]) if isinstance(p, Path)]
    assert len(files) > 1000, f"expected the whole stdlib under {STDLIB}"
    return files


def test_stdlib_checks_clean_through_the_runner() -> None:
    results = list(check_paths([STDLIB], SettingsResolver(config_file=None)))
    assert len(results) > 1000
    findings = [(r.path, f.line, f.message) for r in results for f in r.findings]
    assert findings == []
    problems = [r.problem for r in results if r.problem is not None]
    unexpected = [p for p in problems if not _python_rejects(Path(p.path))]
    assert unexpected == [], unexpected
    assert all(p.kind in ("read", "decode", "syntax") for p in problems), problems


def _sample(files: list[Path], every: int = 10) -> list[SourceFile]:
    loaded = [read_source(p) for p in files[::every]]
    return [s for s in loaded if not isinstance(s, FileProblem)]


def _tree(source: SourceFile) -> ast.Module | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(source.text)
    except (SyntaxError, ValueError):
        return None


@pytest.mark.slow
def test_walker_without_prefilter_finds_nothing_with_defaults(stdlib_files: list[Path]) -> None:
    sample = _sample(stdlib_files)
    assert len(sample) > 100
    findings = []
    for source in sample:
        tree = _tree(source)
        if tree is not None:
            findings += [(source.path, f.line, f.message)
                         for f in analyze_tree(source.text, tree, Settings()).findings]
    assert findings == []


@pytest.mark.slow
def test_walker_examining_every_statement_never_crashes(stdlib_files: list[Path]) -> None:
    """Not a findings test: WIDE settings make ordinary calls 'sends'. It proves the walker,
    bindings, branches and spans survive real code of every shape (no exception, sane spans)."""
    examined = reported = 0   # at the default recursion limit: the walk must not need more
    for source in _sample(stdlib_files, every=30):
        tree = _tree(source)
        if tree is None:
            continue
        analysis = analyze_tree(source.text, tree, WIDE)
        examined += 1
        lines = source.text.splitlines()
        for f in analysis.findings:
            assert 1 <= f.span.line <= f.span.end_line <= len(lines), (source.path, f)
            assert 0 <= f.span.col <= len(lines[f.span.line - 1]), (source.path, f)
            assert f.statement.line <= f.span.line, (source.path, f)
        reported += len(analysis.findings)
    assert examined > 40
    assert reported > 100   # the settings really did make the walker report (not a no-op)
