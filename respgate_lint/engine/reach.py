"""Which gate a site can reach: a method of its class or of a base class (same file, or
imported from another file of the same tree), a module-level function, or an imported one.

Nothing is executed: imports are resolved to files by path, the files are parsed, and their
gate definitions read (``gates.read_gate``). A base class that cannot be read (third-party,
unresolvable) makes the class's gate unknown: respgate says so instead of guessing.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..config import Settings
from ..sourcetext import LineIndex
from .gates import REFERENCE_GATE, GateModel, parameter_names, read_gate

__all__ = ["ModuleIndex", "ProjectIndex", "Reach", "closure_gate", "index_module",
           "unless_rebound"]

# Bases that never carry a gate: typing and abc plumbing.
_INERT_BASES = frozenset({"object", "Generic", "Protocol", "ABC", "NamedTuple", "TypedDict",
                          "Enum", "IntEnum", "StrEnum", "Exception", "BaseException"})
REFERENCE_MODULE = "respgate_lint.runtime"
REFERENCE_MIXIN = "GatedResponseMixin"
_MAX_DEPTH = 12


@dataclass
class ModuleIndex:
    """The gate-relevant top level of one module. Gate methods are read on first use (a
    class met by the walker or named as a base), so indexing never walks the whole tree."""

    path: Path | None
    settings: Settings
    foreign: bool = False     # another module than the one being analysed: name it in messages
    classes: dict[str, ast.ClassDef] = field(default_factory=dict)  # module level and nested
    functions: dict[str, GateModel] = field(default_factory=dict)   # module-level gates
    imports: dict[str, tuple[str, int, str | None]] = field(default_factory=dict)
    #           local name -> (module, level, imported name; None for `import module`)
    _methods: dict[int, GateModel] = field(default_factory=dict)    # id(def node) -> model

    def method(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> GateModel:
        """The one model of a gate method (the walker adds its sends, reach reads it)."""
        model = self._methods.get(id(node))
        if model is None:
            model = self._methods[id(node)] = self.labelled(
                read_gate(node, self.settings, is_method=True))
        return model

    def labelled(self, model: GateModel) -> GateModel:
        if self.foreign and self.path is not None:
            model.path = str(self.path)
        return model

    def class_gates(self, node: ast.ClassDef) -> dict[str, GateModel]:
        gates = self.settings.gate_functions
        return {s.name: self.method(s) for s in node.body
                if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)) and s.name in gates}

    def class_rebinds(self, node: ast.ClassDef) -> set[str]:
        """Gate names the class body binds otherwise than by ``def``
        (``trigger_response = _legacy_gate``, an import): what they call is unknown."""
        gates = set(self.settings.gate_functions)
        names: set[str] = set()
        for stmt in node.body:
            if isinstance(stmt, ast.Assign):
                names.update(t.id for t in stmt.targets if isinstance(t, ast.Name))
            elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
                names.add(stmt.target.id)
            elif isinstance(stmt, (ast.Import, ast.ImportFrom)):
                names.update((a.asname or a.name).split(".")[0] for a in stmt.names)
        return names & gates


@dataclass(frozen=True)
class Reach:
    """The gate a site reaches, or why none can be named."""

    gate: GateModel | None
    kind: str                      # "method" | "function" | "missing" | "hidden" | "shadowed"
    callee: str | None = None      # the local name to call a function gate by
    hidden: str | None = None      # the base class that could not be read, or (shadowed)
    #                                where the gate's name is rebound, quoted for messages


def index_module(tree: ast.Module, settings: Settings, path: Path | None = None, *,
                 foreign: bool = False) -> ModuleIndex:
    """Classes, gate functions and imports of one module's top level (and class bodies)."""
    index = ModuleIndex(path, settings, foreign)
    gates = set(settings.gate_functions)
    for stmt in tree.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and stmt.name in gates:
            index.functions[stmt.name] = index.labelled(read_gate(stmt, settings, is_method=False))
        elif isinstance(stmt, ast.ImportFrom):
            for alias in stmt.names:
                index.imports[alias.asname or alias.name] = (stmt.module or "", stmt.level,
                                                             alias.name)
        elif isinstance(stmt, ast.Import):
            for alias in stmt.names:
                local = alias.asname or alias.name.split(".")[0]
                index.imports[local] = (alias.name if alias.asname else local, 0, None)
    stack = [s for s in tree.body if isinstance(s, ast.ClassDef)]
    while stack:
        node = stack.pop()
        index.classes.setdefault(node.name, node)
        stack.extend(s for s in node.body if isinstance(s, ast.ClassDef))
    return index


Loader = Callable[[Path], "ModuleIndex | None"]


class ProjectIndex:
    """Resolves names to gate definitions across the files of one tree, with a cache."""

    def __init__(self, settings: Settings, loader: Loader) -> None:
        self.settings = settings
        self._loader = loader
        self._cache: dict[Path, ModuleIndex | None] = {}

    # -- entry points ---------------------------------------------------------------
    def method_gate(self, index: ModuleIndex, node: ast.ClassDef,
                    names: tuple[str, ...] | None = None) -> Reach:
        """The first of ``names`` (default: the configured gates, in order) found on the
        class or its bases (MRO order)."""
        found = self._class_gates(index, node, 0, set())
        for name in names or self.settings.gate_functions:
            if name in found.gates:
                return Reach(found.gates[name], "method")
            if name in found.shadowed:
                return Reach(None, "shadowed", hidden=found.shadowed[name])
        if found.hidden:
            return Reach(None, "hidden", hidden=found.hidden)
        return Reach(None, "missing")

    def function_gate(self, index: ModuleIndex, local: str | None = None) -> Reach:
        """A module-level gate function defined here or imported, by its local name
        (``local``: the name a call uses; default: the configured gates, in order)."""
        gates = self.settings.gate_functions
        for name in ([local] if local else gates):
            if name in index.functions:
                return Reach(index.functions[name], "function", callee=name)
        for name, (module, level, imported) in index.imports.items():
            if imported in gates and (local is None or name == local):
                target = self._resolve(index, module, level)
                gate = target.functions.get(imported) if target else None
                if gate is not None:
                    return Reach(gate, "function", callee=name)
                return Reach(None, "hidden", hidden=f"{module or '.' * level}.{imported}")
        return Reach(None, "missing")

    # -- classes ----------------------------------------------------------------------
    @dataclass
    class _Found:
        gates: dict[str, GateModel] = field(default_factory=dict)
        hidden: str | None = None
        shadowed: dict[str, str] = field(default_factory=dict)  # name -> "`Class.name`"

    def _class_gates(self, index: ModuleIndex, node: ast.ClassDef, depth: int,
                     seen: set[tuple[int, str]]) -> ProjectIndex._Found:
        found = ProjectIndex._Found(dict(index.class_gates(node)))
        for name in index.class_rebinds(node):  # with a def too: which one wins is unclear
            found.gates.pop(name, None)
            found.shadowed[name] = f"`{node.name}.{name}`"
        key = (id(index), node.name)
        if depth > _MAX_DEPTH or key in seen:
            return found
        seen.add(key)
        for base in node.bases:
            base_found = self._base_gates(index, base, depth, seen)
            if not found.hidden:  # after a base it cannot read, a gate may be shadowed by it
                for name, gate in base_found.gates.items():
                    if name not in found.shadowed:
                        found.gates.setdefault(name, gate)
                for name, where in base_found.shadowed.items():
                    if name not in found.gates:
                        found.shadowed.setdefault(name, where)
            if base_found.hidden and not found.hidden:
                found.hidden = base_found.hidden
        return found

    def _base_gates(self, index: ModuleIndex, base: ast.expr, depth: int,
                    seen: set[tuple[int, str]]) -> ProjectIndex._Found:
        if isinstance(base, ast.Subscript):  # Generic[T], Base[Config]
            base = base.value
        text = ast.unparse(base)
        if isinstance(base, ast.Name):
            if base.id in _INERT_BASES and base.id not in index.classes:
                return ProjectIndex._Found()
            if base.id in index.classes and base.id not in index.imports:
                return self._class_gates(index, index.classes[base.id], depth + 1, seen)
            if base.id in index.imports:
                module, level, imported = index.imports[base.id]
                if imported is not None:
                    return self._imported_class(index, module, level, imported, depth, seen, text)
            return ProjectIndex._Found(hidden=text)
        if isinstance(base, ast.Attribute) and isinstance(base.value, ast.Name):
            if base.attr in _INERT_BASES:
                return ProjectIndex._Found()
            owner = index.imports.get(base.value.id)
            if owner is not None:
                module, level, imported = owner
                module = module if imported is None else ".".join(p for p in (module, imported) if p)
                return self._imported_class(index, module, level, base.attr, depth, seen, text)
        return ProjectIndex._Found(hidden=text)

    def _imported_class(self, index: ModuleIndex, module: str, level: int, name: str,
                        depth: int, seen: set[tuple[int, str]], text: str) -> ProjectIndex._Found:
        if name == REFERENCE_MIXIN and (module == REFERENCE_MODULE
                                        or module.startswith(REFERENCE_MODULE + ".")):
            return ProjectIndex._Found({REFERENCE_GATE.name: REFERENCE_GATE})
        target = self._resolve(index, module, level)
        if target is None or name not in target.classes:
            return ProjectIndex._Found(hidden=text)
        return self._class_gates(target, target.classes[name], depth + 1, seen)

    # -- files ------------------------------------------------------------------------
    def _resolve(self, index: ModuleIndex, module: str, level: int) -> ModuleIndex | None:
        path = find_module_file(index.path, module, level)
        if path is None:
            return None
        if path not in self._cache:
            self._cache[path] = None  # an import cycle resolves to "unknown", not a loop
            self._cache[path] = self._loader(path)
        return self._cache[path]


def closure_gate(defs: tuple[ast.FunctionDef | ast.AsyncFunctionDef, ...], line: int,
                 gate_names: tuple[str, ...], models: dict[int, GateModel]) -> Reach | None:
    """A gate defined in one of ``defs`` (innermost first) before ``line``
    (``async def trigger_response(...)`` inside a websocket handler): the nearest is called by
    its name. ``models``: the closure gates read by the walk, by ``id(def)``."""
    for function in defs:
        for name in gate_names:
            node = next((s for s in function.body
                         if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))
                         and s.name == name and s.lineno < line), None)
            gate = models.get(id(node)) if node is not None else None
            if gate is not None:
                return Reach(gate, "function", callee=name)
    return None


def unless_rebound(reach: Reach, scope: ast.FunctionDef | ast.AsyncFunctionDef,
                   lines: LineIndex) -> Reach:
    """``reach`` (a function gate), or "shadowed" when ``scope`` binds the gate's name
    itself (``from legacy import trigger_response`` inside it)."""
    assert reach.callee is not None
    line = _local_binding(scope, reach.callee, lines)
    if line is None:
        return reach
    return Reach(None, "shadowed", hidden=f"`{reach.callee}` in `{scope.name}` (line {line})")


def _local_binding(function: ast.FunctionDef | ast.AsyncFunctionDef, name: str,
                   lines: LineIndex) -> int | None:
    """The line where ``function`` (or a def inside it) binds ``name`` locally: a parameter,
    an import, an assignment, a def or class, a loop or ``with`` target. The tree is walked
    only when a line of the function mentions the name (the word index says)."""
    last = function.end_lineno or function.lineno
    if not any(function.lineno <= line <= last for line in lines.lines_with_words({name})):
        return None
    for node in ast.walk(function):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            named = not isinstance(node, ast.Lambda) and node is not function and node.name == name
            if named or name in parameter_names(node.args):
                return node.lineno
        elif isinstance(node, ast.ClassDef) and node.name == name:
            return node.lineno
        elif isinstance(node, (ast.Import, ast.ImportFrom)) and any(
                (a.asname or a.name).split(".")[0] == name for a in node.names):
            return node.lineno
        elif isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Store):
            return node.lineno
    return None


def find_module_file(importer: Path | None, module: str, level: int) -> Path | None:
    """The file a ``from <module> import`` in ``importer`` names, searched by path only:
    relative to the importer's package, or under one of the importer's ancestor folders."""
    if importer is None:
        return None
    parts = [p for p in module.split(".") if p]
    if level:
        root = importer.parent
        for _ in range(level - 1):
            root = root.parent
        roots = [root]
    else:
        roots = [importer.parent, *list(importer.parent.parents)[:8]]
    for root in roots:
        base = root.joinpath(*parts) if parts else root
        for candidate in (base.with_suffix(".py") if parts else None, base / "__init__.py"):
            if candidate is not None and candidate.is_file():
                return candidate
    return None
