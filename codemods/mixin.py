"""``--add-mixin``: give a class without a gate ``GatedResponseMixin`` as a base, and import it.

Two targeted insertions (the class header and one import line) instead of a whole-module
libcst pass, so the rest of the file's bytes stay untouched and a 16,000-line file stays fast.
The mixin only works when it sees the server events, which the codemod cannot wire: it
finds the class's receive loop and says which line to add there (``observe_note``).
"""

from __future__ import annotations

import ast
import io
import tokenize
from collections.abc import Iterable

from respgate_lint.engine import Finding
from respgate_lint.sourcetext import ByteOffsets

__all__ = ["MIXIN_MODULE", "MIXIN_NAME", "enclosing_class", "mixin_splices", "observe_note"]

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


_TYPE_READS = ("type", "event_type")


def observe_note(tree: ast.Module, finding: Finding) -> tuple[int, str] | None:
    """What to add so the mixin's gate sees server events; None if the class feeds it already."""
    node = enclosing_class(tree, finding)
    if node is None:
        return None
    if any(isinstance(n, ast.Attribute) and n.attr == "observe" for n in ast.walk(node)):
        return None
    found = _receive_loop(node)
    line = "self.response_gate.observe({})"
    if found is None:
        return node.lineno, (
            f"class {node.name} now uses {MIXIN_NAME}, whose gate must see every server event: "
            f"add `{line.format('event')}` where this class receives them (respgate found no "
            "receive loop); until then held responses wait for their timeout")
    loop, name = found
    assigned = _assignment_line(loop, name)
    where = ("as the first line of this loop" if assigned is None else
             f"in this loop right after `{name}` is assigned (line {assigned})")
    return loop.lineno, (
        f"class {node.name} now uses {MIXIN_NAME}, whose gate must see every server event: "
        f"add `{line.format(name)}` {where}")


def _assignment_line(loop: ast.stmt, name: str) -> int | None:
    """The line where the loop's body assigns ``name`` (None: it is the loop's own target)."""
    if isinstance(loop, (ast.For, ast.AsyncFor)) and isinstance(loop.target, ast.Name) and (
            loop.target.id == name):
        return None
    lines = [n.lineno for stmt in loop.body for n in ast.walk(stmt)  # type: ignore[attr-defined]
             if isinstance(n, ast.Assign) and any(
                 isinstance(t, ast.Name) and t.id == name for t in n.targets)]
    return min(lines) if lines else None


def _receive_loop(node: ast.ClassDef) -> tuple[ast.stmt, str] | None:
    """A loop over server events: ``async for event in ws`` (or ``for``/``while`` with
    ``event = json.loads(await ws.recv())``) whose body reads the event's type."""
    for loop in ast.walk(node):
        if isinstance(loop, (ast.AsyncFor, ast.For)) and isinstance(loop.target, ast.Name):
            names = {loop.target.id} | _decoded_names(loop.body, loop.target.id)
            for name in sorted(names):
                if _reads_type(loop.body, name):
                    return loop, name
        elif isinstance(loop, ast.While):
            for name in sorted(_received_names(loop.body)):
                if _reads_type(loop.body, name):
                    return loop, name
    return None


def _decoded_names(body: list[ast.stmt], raw: str) -> set[str]:
    """``event = json.loads(message)``: names that hold the decoded ``raw`` (also under an
    ``if msg.type == TEXT:``)."""
    found = set()
    for stmt in (node for top in body for node in ast.walk(top)):
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(
                stmt.targets[0], ast.Name) and any(
                isinstance(n, ast.Name) and n.id == raw for n in ast.walk(stmt.value)):
            found.add(stmt.targets[0].id)
    return found


def _received_names(body: list[ast.stmt]) -> set[str]:
    """Names assigned from an awaited ``recv()``/``receive()`` (possibly decoded)."""
    found = set()
    for stmt in body:
        for node in ast.walk(stmt):
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(
                    node.targets[0], ast.Name) and any(
                    isinstance(c, ast.Call) and isinstance(c.func, ast.Attribute)
                    and c.func.attr in ("recv", "receive", "receive_json", "receive_text")
                    for c in ast.walk(node.value)):
                found.add(node.targets[0].id)
    decoded = set()
    for name in found:
        decoded |= _decoded_names(body, name)
    return found | decoded


def _reads_type(body: list[ast.stmt], name: str) -> bool:
    for stmt in body:
        for node in ast.walk(stmt):
            if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and (
                    node.value.id == name and isinstance(node.slice, ast.Constant)
                    and node.slice.value in _TYPE_READS):
                return True
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and (
                    node.func.attr == "get" and isinstance(node.func.value, ast.Name)
                    and node.func.value.id == name and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and node.args[0].value in _TYPE_READS):
                return True
    return _attribute_reads_type(body, name)


def _attribute_reads_type(body: list[ast.stmt], name: str) -> bool:
    """``event.type`` read as an event type: not when it is only ever compared with other
    things than strings (aiohttp's ``msg.type == WSMsgType.TEXT`` is the frame's kind)."""
    read = as_text = as_other = False
    for stmt in body:
        for node in ast.walk(stmt):
            if _is_type_attribute(node, name):
                read = True
            elif isinstance(node, ast.Compare):
                sides = (node.left, *node.comparators)
                if any(_is_type_attribute(side, name) for side in sides):
                    others = [side for side in sides if not _is_type_attribute(side, name)]
                    as_text = as_text or any(_is_text(side) for side in others)
                    as_other = as_other or not any(_is_text(side) for side in others)
    return read and (as_text or not as_other)


def _is_type_attribute(node: ast.expr, name: str) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr in _TYPE_READS
            and isinstance(node.value, ast.Name) and node.value.id == name)


def _is_text(node: ast.expr) -> bool:
    """A string, or a tuple/list/set of strings (``in ("response.done", ...)``)."""
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return bool(node.elts) and all(_is_text(e) for e in node.elts)
    return isinstance(node, ast.Constant) and isinstance(node.value, str)
