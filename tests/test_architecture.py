"""The layers DESIGN.md promises, read from the source: who may import whom, and no cycles.

Every ``import`` of the package's own modules counts, lazy ones inside functions included
(only ``if TYPE_CHECKING:`` blocks are skipped), so a cycle cannot hide behind a deferred
import.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGE = "respgate_lint"


def _module_files() -> dict[str, Path]:
    files = {}
    for path in sorted((REPO / PACKAGE).rglob("*.py")):
        parts = list(path.relative_to(REPO).with_suffix("").parts)
        files[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    for path in sorted((REPO / "codemods").glob("*.py")):  # installed as respgate_lint.codemods
        stem = path.stem
        files[f"{PACKAGE}.codemods" + ("" if stem == "__init__" else f".{stem}")] = path
    return files


MODULES = _module_files()


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(name: str, path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    skip = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If) and _is_type_checking(node)
            for child in node.body for n in ast.walk(child)}
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[:len(anchor) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            submodules = {f"{base}.{alias.name}" for alias in node.names} & set(MODULES)
            found |= submodules
            if len(submodules) < len(node.names):  # names defined in ``base`` itself
                found.add(base)
    return {m for m in found if m in MODULES and m != name}


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def _reaches(start: str) -> set[str]:
    seen: set[str] = set()
    stack = [start]
    while stack:
        for nxt in GRAPH[stack.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return seen


def test_graph_is_read() -> None:
    assert f"{PACKAGE}.engine.detector" in MODULES and f"{PACKAGE}.codemods.rewrite" in MODULES
    assert f"{PACKAGE}.engine.events" in GRAPH[f"{PACKAGE}.engine.detector"]


def test_no_import_cycles() -> None:
    cycles = [name for name in GRAPH if name in _reaches(name)
              and not name.endswith("__init__")]
    # a package importing its own submodules (``engine/__init__`` -> ``engine.detector``) is
    # not a cycle unless the submodule imports the package back
    real = [n for n in cycles if not all(
        m == n or m.startswith(n + ".") or n.startswith(m + ".") or m == n.rpartition(".")[0]
        for m in _reaches(n) if n in _reaches(m))]
    assert real == [], {n: sorted(GRAPH[n]) for n in real}


@pytest.mark.parametrize("layer, forbidden", [
    ("engine", ("cli", "codemods", "runtime", "testing", "runner", "files", "flake8_plugin")),
    ("runtime", ("engine", "cli", "codemods", "config", "rules", "runner", "files", "testing",
                 "forms", "flake8_plugin", "sourcetext", "baseline")),
    ("codemods", ("cli", "runtime", "testing")),
    ("rules", ("engine", "cli", "codemods", "config", "runtime")),
    ("forms", ("engine", "cli", "codemods", "config", "runtime", "rules")),
])
def test_layers(layer: str, forbidden: tuple[str, ...]) -> None:
    prefix = f"{PACKAGE}.{layer}"
    bad = {name: sorted(m for m in GRAPH[name] if m.split(".")[1] in forbidden)
           for name in GRAPH if name == prefix or name.startswith(prefix + ".")}
    assert {k: v for k, v in bad.items() if v} == {}
