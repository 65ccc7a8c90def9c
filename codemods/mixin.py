"""``--add-mixin``: give a class without a gate ``GatedResponseMixin`` as a base, and import it.

Two targeted insertions (the class header and one import line) instead of a whole-module
libcst pass, so the rest of the file's bytes stay untouched and a 16,000-line file stays fast.
"""

from __future__ import annotations

import ast
import io
import tokenize
from collections.abc import Iterable

from respgate_lint.engine import Finding
from respgate_lint.sourcetext import ByteOffsets

__all__ = ["MIXIN_MODULE", "MIXIN_NAME", "enclosing_class", "mixin_splices"]

MIXIN_NAME = "GatedResponseMixin"
MIXIN_MODULE = "respgate_lint.runtime"


def enclosing_class(tree: ast.Module, finding: Finding) -> ast.ClassDef | None:
    best = None
    for node in ast.walk(tree):
        if (isinstance(node, ast.ClassDef) and node.name == finding.class_name
                and node.lineno <= finding.line <= (node.end_lineno or node.lineno)):
            if best is None or node.lineno > best.lineno:
                best = node
    return best


def _header_insert(node: ast.ClassDef, text: str, offsets: ByteOffsets) -> tuple[int, bytes]:
    """Where and what to insert in ``class Name...:`` to add the mixin as the first base."""
    firsts = [(b.lineno, b.col_offset) for b in node.bases]
    firsts += [(k.lineno, k.col_offset) for k in node.keywords]
    if firsts:
        line, byte_col = min(firsts)
        col = offsets.text_lines.char_col(line, byte_col)
        return offsets.byte_offset(line, col), offsets.encode(f"{MIXIN_NAME}, ")
    body_line = node.body[0].lineno
    header = "".join(offsets.text_lines.text(n) for n in range(node.lineno, body_line + 1))
    start_col = offsets.text_lines.char_col(node.lineno, node.col_offset)
    depth = 0
    tokens = tokenize.generate_tokens(io.StringIO(" " * start_col + header[start_col:]).readline)
    for tok in tokens:
        if tok.type != tokenize.OP:
            continue
        if tok.string == "[":
            depth += 1
        elif tok.string == "]":
            depth -= 1
        elif depth == 0 and tok.string in ("(", ":"):
            row, col = tok.start
            if tok.string == ":":
                insert = f"({MIXIN_NAME})"
            else:
                row, col = next(t for t in tokens if t.type == tokenize.OP).start  # the ")"
                insert = MIXIN_NAME
            return offsets.byte_offset(node.lineno + row - 1, col), offsets.encode(insert)
    raise ValueError(f"cannot find the header of class {node.name}")  # pragma: no cover


def _import_insert(tree: ast.Module, offsets: ByteOffsets) -> tuple[int, bytes] | None:
    """After the module's leading docstring and imports; None if it is imported already."""
    for stmt in tree.body:
        if isinstance(stmt, ast.ImportFrom) and any(a.name == MIXIN_NAME and not a.asname
                                                    for a in stmt.names):
            return None
    last = None
    for index, stmt in enumerate(tree.body):
        is_doc = (index == 0 and isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant)
                  and isinstance(stmt.value.value, str))
        if not (is_doc or isinstance(stmt, (ast.Import, ast.ImportFrom))):
            break
        last = stmt
    line = f"from {MIXIN_MODULE} import {MIXIN_NAME}{offsets.newline}"
    if last is None:
        return offsets.line_start_byte(tree.body[0].lineno), offsets.encode(line)
    after = (last.end_lineno or last.lineno) + 1
    if after > len(offsets.byte_starts):  # the import is the last line, with no newline
        return len(offsets.data), offsets.encode(offsets.newline + line.rstrip("\r\n"))
    return offsets.line_start_byte(after), offsets.encode(line)


def mixin_splices(tree: ast.Module, text: str, offsets: ByteOffsets,
                  findings: Iterable[Finding]) -> list[tuple[int, bytes]]:
    """Insertions for every class of ``findings`` plus the import (once)."""
    inserts: list[tuple[int, bytes]] = []
    seen: set[int] = set()
    for finding in findings:
        node = enclosing_class(tree, finding)
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        inserts.append(_header_insert(node, text, offsets))
    if inserts:
        found = _import_insert(tree, offsets)
        if found is not None:
            inserts.append(found)
    return inserts
