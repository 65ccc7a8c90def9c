"""The evidence around a rewritten site: what its code path says about itself.

A reason name is the only thing telemetry shows about which path asked for a response, so
it should say *which* path: "slot unavailable", "retry", "no business id". This module
reads that from the ``ast`` tree the rewrite already parsed, around each finding's
statement. It never decides what is a send (the engine did); it only looks at:

* the ``function_call_output`` item sent just before the create (``"error_code"``,
  ``"error"``, ``"status"``, ``"success"`` of its output, literal or built just above);
* the enclosing ``if``/``elif``/``else`` conditions, ``except`` clauses and ``match`` cases,
  nearest first, up to the branch or function that gives the stem;
* retry / fallback / graceful-failure words in the innermost branch (comments, log
  strings, calls, the condition);
* the branch labels, functions and class that make the stem (names in ``reasons``).

Pure: the same tree and text give the same evidence.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from respgate_lint.engine import Finding
from respgate_lint.engine.scopes import LineIndex

from .words import (GENERIC_EXCEPTIONS, TOOL_SUBJECT, code_words, function_base,
                    predicate_words, words_of_identifier)

__all__ = ["Item", "Label", "SiteEvidence", "gather_evidence"]

_COMPOUND = (ast.If, ast.For, ast.AsyncFor, ast.While, ast.With, ast.AsyncWith, ast.Try,
             ast.Match, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef,
             getattr(ast, "TryStar", ast.Try))
_FUNCS = (ast.FunctionDef, ast.AsyncFunctionDef)
_BLOCK_FIELDS = ("body", "orelse", "finalbody")
_WINDOW_BEFORE = 20   # lines of a branch read for words before the site
_WINDOW_AFTER = 3     # ... and after it (a "retry sent" log line)
_OUTPUT_TYPE = "function_call_output"
_CODE_KEYS = ("error_code", "errorcode", "code", "error_type", "reason_code", "failure_reason",
              "reason")
_ERROR_KEYS = ("error", "err", "error_message")
_STATUS_KEYS = ("status", "result", "outcome", "state")
_SUCCESS_KEYS = ("success", "ok", "succeeded")
_SUCCESS_WORDS = frozenset({"ok", "success", "succeeded", "successful", "done", "complete",
                            "completed", "confirmed", "booked", "created", "sent", "saved",
                            "found", "available", "true", "scheduled", "updated", "placed",
                            "accepted", "submitted", "added", "stored", "recorded", "transferred"})
_FAILED_WORDS = frozenset({"error", "failed", "failure", "fail", "false", "ko"})
_HELPER_NAME = re.compile(r"(?i)(?=.*(?:output|result))(?=.*(?:function|tool|call|send|submit))")
_TYPED_OUTPUT = re.compile(r"(?i)function_?call_?output")
_GRACEFUL = re.compile(r"gracefu|\bgiv(?:e|es|ing) up|gave up|exhausted|too many (?:retries|attempts)"
                       r"|max(?:imum)?[ _-]?(?:retries|attempts)[ _-]?(?:reached|exceeded|hit)")
_FALLBACK = re.compile(r"fall[ _-]?back|falling back")
_RETRY = re.compile(r"re-?try|retrie[sd]|retrying|re-?send|once more|one more (?:try|time|attempt)"
                    r"|\btry(?:ing)?(?: [a-z]+){0,3} again")
_WORD_CLASSES = (("GRACEFUL_FAILURE", _GRACEFUL), ("FALLBACK", _FALLBACK), ("RETRY", _RETRY))


@dataclass(frozen=True)
class Item:
    """One piece of evidence: the words it adds to a name and where they came from."""

    words: tuple[str, ...]      # UPPER words; () for "the success path" (adds nothing)
    source: str                 # what a reviewer reads: 'if not business_id'
    kind: str                   # output | success | failed | words | if | else | except | where


@dataclass(frozen=True)
class Label:
    """A string-labelled branch around the site (``if name == "book"``, ``case "book":``)."""

    values: tuple[str, ...]
    subject: str


@dataclass
class SiteEvidence:
    """Everything a reason is made from, for one site (items nearest/strongest first)."""

    labels: list[Label] = field(default_factory=list)      # innermost first
    functions: list[str] = field(default_factory=list)     # innermost first
    class_name: str | None = None
    items: list[Item] = field(default_factory=list)
    found: bool = False                                    # the statement was found in the tree


def gather_evidence(findings: Sequence[Finding], tree: ast.Module, text: str) -> list[SiteEvidence]:
    """One ``SiteEvidence`` per finding, in the order given."""
    index = _TreeIndex(tree, text)
    boundaries = set()
    nodes = []
    for finding in findings:
        node = index.statement_of(finding)
        nodes.append(node)
        if node is not None:
            boundaries.add(id(node))
    return [_Site(index, node, boundaries).evidence() if node is not None else SiteEvidence()
            for node in nodes]


class _TreeIndex:
    """Parents and sibling blocks of every statement; statements by position."""

    def __init__(self, tree: ast.Module, text: str) -> None:
        self.lines = LineIndex(text)
        self.parent: dict[int, tuple[ast.AST, str]] = {}
        self.by_lines: dict[tuple[int, int], list[ast.stmt]] = {}
        stack: list[ast.AST] = [tree]
        while stack:
            node = stack.pop()
            for name, block in _child_blocks(node):
                for child in block:
                    self.parent[id(child)] = (node, name)
                    if isinstance(child, ast.stmt):
                        key = (child.lineno, child.end_lineno or child.lineno)
                        self.by_lines.setdefault(key, []).append(child)
                    stack.append(child)

    def statement_of(self, finding: Finding) -> ast.stmt | None:
        stmt = finding.statement
        candidates = self.by_lines.get((stmt.line, stmt.end_line), [])
        for node in candidates:
            if self.lines.char_col(node.lineno, node.col_offset) == stmt.col:
                return node
        return candidates[-1] if candidates else None

    def ancestors(self, node: ast.AST) -> Iterator[tuple[ast.AST, str, ast.AST]]:
        """(parent, field, child) from the node up to the module."""
        while id(node) in self.parent:
            parent, name = self.parent[id(node)]
            yield parent, name, node
            node = parent

    def block_of(self, node: ast.AST) -> list[ast.AST]:
        parent, name = self.parent[id(node)]
        return list(getattr(parent, name))

    def line(self, number: int) -> str:
        if number < 1 or number > len(self.lines.starts):
            return ""
        return self.lines.text(number)


def _child_blocks(node: ast.AST) -> Iterator[tuple[str, list[ast.AST]]]:
    for name in (*_BLOCK_FIELDS, "handlers", "cases"):
        block = getattr(node, name, None)
        if isinstance(block, list) and block and isinstance(block[0], ast.AST):
            yield name, block


class _Site:
    """The walk from one site's statement outwards."""

    def __init__(self, index: _TreeIndex, node: ast.stmt, boundaries: set[int]) -> None:
        self.index = index
        self.node = node
        self.boundaries = boundaries
        self.chain = list(index.ancestors(node))
        self.limit = self._limit()

    def _limit(self) -> int:
        """How far up the chain path evidence is read: to the labelled branch that gives the
        stem, or the innermost function, whichever is nearer. A label nested in a tool
        branch (``if name == "book"`` ... ``if status == "pending"``) is path evidence: the
        tool branch gives the stem."""
        labelled = []
        for i, (parent, name, _child) in enumerate(self.chain):
            if isinstance(parent, _FUNCS):
                return _stem_label_depth(labelled, i)
            if isinstance(parent, ast.If) and name == "body" and _labels_of(parent.test):
                labelled.append((i, _label_subject(parent.test)))
            elif isinstance(parent, ast.match_case) and _case_values(parent.pattern):
                match = self.index.parent.get(id(parent))
                labelled.append((i, ast.unparse(match[0].subject) if match else ""))  # type: ignore[attr-defined]
        return _stem_label_depth(labelled, len(self.chain))

    def evidence(self) -> SiteEvidence:
        result = SiteEvidence(found=True)
        for depth, (parent, name, _child) in enumerate(self.chain):
            if isinstance(parent, ast.If) and name == "body" and depth >= self.limit:
                values = _labels_of(parent.test)
                if values:
                    result.labels.append(Label(values, _label_subject(parent.test)))
            elif isinstance(parent, ast.match_case) and depth >= self.limit:
                values = _case_values(parent.pattern)
                match = self.index.parent.get(id(parent))
                if values and match is not None:
                    result.labels.append(Label(values, ast.unparse(match[0].subject)))  # type: ignore[attr-defined]
            elif isinstance(parent, _FUNCS):
                result.functions.append(parent.name)
            elif isinstance(parent, ast.ClassDef) and result.class_name is None:
                result.class_name = parent.name
        output = self._output()
        words = self._words()
        structural, deferred = self._structure()
        where = [Item(tuple(function_base(f).split("_")), f"function {f}", "where")
                 for f in result.functions if function_base(f)]
        if result.class_name:
            where.append(Item(words_of_identifier(result.class_name), f"class {result.class_name}",
                              "where"))
        if output is not None and output.kind == "success":
            items = [output, *structural, *words, *deferred]
        else:
            strong = [output] if output is not None and output.kind == "output" else []
            weak = [output] if output is not None and output.kind == "failed" else []
            items = [*strong, *words, *structural, *weak, *deferred]
        result.items = [i for i in items + where if i.words or i.kind == "success"]
        return result

    # -- the function_call_output item sent before the create -------------------------
    def _output(self) -> Item | None:
        for depth, (parent, name, child) in enumerate(self.chain):
            if depth > self.limit:
                break
            block = list(getattr(parent, name))
            position = next(i for i, s in enumerate(block) if s is child)
            if name in ("handlers", "cases"):
                position = 0  # other except clauses and cases are other paths, not "before"
            for stmt in reversed(block[:position]):
                if self._contains_site(stmt):
                    return None
                found = self._outputs_in(stmt)
                if found:
                    distinct = {(i.words, i.kind) for i in found}
                    return found[-1] if len(distinct) == 1 else None
            if depth == self.limit:
                break
        return None

    def _contains_site(self, stmt: ast.AST) -> bool:
        """Another create before this one ends the search: its output was for it."""
        if id(stmt) in self.boundaries:
            return True
        if isinstance(stmt, _COMPOUND):
            for _, block in _child_blocks(stmt):
                for child in block:
                    if self._contains_site(child):
                        return True
        return False

    def _outputs_in(self, stmt: ast.AST) -> list[Item]:
        if isinstance(stmt, (*_FUNCS, ast.ClassDef)):
            return []
        found = []
        for node in ast.walk(stmt):
            value: ast.expr | None = None
            if isinstance(node, ast.Dict) and _dict_get(node, "type") == _OUTPUT_TYPE:
                value = _dict_value(node, "output")
            elif isinstance(node, ast.Call):
                callee = _callee(node)
                if callee == "dict" and _keyword_str(node, "type") == _OUTPUT_TYPE:
                    value = _keyword(node, "output")
                elif _TYPED_OUTPUT.search(callee):
                    value = _keyword(node, "output")
                elif _HELPER_NAME.match(callee):
                    value = self._helper_payload(node)
                else:
                    continue
            else:
                continue
            item = self._describe_output(value, 0) if value is not None else None
            found.append(item or Item((), "output (not a literal)", "neutral"))
        return [i for i in found if i.kind != "neutral"] or ([] if not found else [found[-1]])

    def _helper_payload(self, call: ast.Call) -> ast.expr | None:
        """``send_function_output(call_id, {"error": ...})``: the dict-like argument."""
        for arg in [*call.args, *(k.value for k in call.keywords)]:
            resolved = self._resolve(arg, 0)
            if isinstance(resolved, (ast.Dict, ast.JoinedStr)) or _is_dumps(resolved) or (
                    isinstance(resolved, ast.Call) and _callee(resolved) == "dict"):
                return arg
        return None

    def _resolve(self, expr: ast.expr | None, depth: int) -> ast.expr | None:
        """A name bound just above (``result = {...}``) stands for its value."""
        if isinstance(expr, ast.Name) and depth < 3:
            value = self._assigned_before(expr.id)
            return self._resolve(value, depth + 1) if value is not None else None
        return expr

    def _assigned_before(self, name: str) -> ast.expr | None:
        """The value last bound to ``name`` before the site, if that binding is on the site's
        own path (bound in one branch of an if/else and used after it: ambiguous, None)."""
        function = next((p for p, _, _ in self.chain if isinstance(p, _FUNCS)), None)
        if function is None:
            return None
        best: ast.Assign | ast.AnnAssign | None = None
        for node in ast.walk(function):
            if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.lineno < self.node.lineno:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if any(isinstance(t, ast.Name) and t.id == name for t in targets):
                    if best is None or node.lineno > best.lineno:
                        best = node
        if best is None:
            return None
        parent = self.index.parent.get(id(best))
        on_path = {(id(p), f) for p, f, _ in self.chain}
        if parent is None or (id(parent[0]), parent[1]) not in on_path:
            return None
        return best.value

    def _describe_output(self, value: ast.expr, depth: int) -> Item | None:
        value = self._resolve(value, 0) or value
        if _is_dumps(value) and isinstance(value, ast.Call) and value.args and depth < 3:
            return self._describe_output(value.args[0], depth + 1)
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            try:
                parsed = json.loads(value.value)
            except ValueError:
                return None
            return _describe_mapping({k: ast.Constant(v) for k, v in parsed.items()}
                                     if isinstance(parsed, dict) else {})
        if isinstance(value, ast.Dict):
            return _describe_mapping(_dict_items(value))
        if isinstance(value, ast.Call) and _callee(value) == "dict":
            return _describe_mapping({k.arg: k.value for k in value.keywords if k.arg})
        return None

    # -- retry / fallback / graceful-failure words in the innermost branch -------------
    def _words(self) -> list[Item]:
        branch = self._innermost_branch()
        if branch is None:
            return []
        parent, name, child = branch
        block = list(getattr(parent, name))
        texts = self._window_texts(block, child)
        if isinstance(parent, ast.If) and name == "body" and not _labels_of(parent.test):
            if _condition(parent.test, False)[:1] not in (("NOT",), ("NO",)):
                texts.append(ast.unparse(parent.test))  # `not in RETRYABLE` is no retry
            texts.extend(self._comments_above(parent.lineno))
        if isinstance(parent, ast.ExceptHandler) and parent.type is not None:
            texts.append(ast.unparse(parent.type))
        haystack = "\n".join(texts).lower()
        for word, regex in _WORD_CLASSES:
            match = regex.search(haystack)
            if match:
                start = len(re.match(r"\w*", haystack[match.start()::-1]).group()) - 1
                end = match.end() + len(re.match(r"\w*", haystack[match.end():]).group())
                shown = haystack[match.start() - start:end]
                return [Item((word,), f'"{shown}" in the branch', "words")]
        return []

    def _innermost_branch(self) -> tuple[ast.AST, str, ast.AST] | None:
        for depth, (parent, name, child) in enumerate(self.chain):
            if depth > self.limit:
                return None
            if isinstance(parent, (ast.If, ast.ExceptHandler, ast.match_case, *_FUNCS,
                                   ast.For, ast.AsyncFor, ast.While)):
                return parent, name, child
        return None

    def _window_texts(self, block: list[ast.AST], carrier: ast.AST) -> list[str]:
        lo = max(self.node.lineno - _WINDOW_BEFORE, _block_start(self.index, block))
        hi = (self.node.end_lineno or self.node.lineno) + _WINDOW_AFTER
        texts: list[str] = []
        skipped: list[tuple[int, int]] = []
        self._collect(block, carrier, lo, hi, texts, skipped)
        last = max((getattr(s, "end_lineno", 0) or 0) for s in block)
        for number in range(lo, min(hi, last) + 1):
            if not any(a <= number <= b for a, b in skipped):
                comment = _comment_of(self.index.line(number))
                if comment:
                    texts.append(comment)
        return texts

    def _collect(self, block: list[ast.AST], carrier: ast.AST | None, lo: int, hi: int,
                 texts: list[str], skipped: list[tuple[int, int]]) -> None:
        for stmt in block:
            start, end = stmt.lineno, stmt.end_lineno or stmt.lineno  # type: ignore[attr-defined]
            if end < lo or start > hi:
                continue
            if isinstance(stmt, _COMPOUND) or isinstance(stmt, ast.ExceptHandler):
                if stmt is carrier or self._holds(stmt):
                    for _, inner in _child_blocks(stmt):
                        self._collect(inner, None, lo, hi, texts, skipped)
                    if isinstance(stmt, ast.ExceptHandler) and stmt.type is not None:
                        texts.append(ast.unparse(stmt.type))
                else:
                    skipped.append((start, end))
                continue
            texts.extend(_texts_of(stmt))

    def _holds(self, stmt: ast.AST) -> bool:
        """Is the site inside this (Try/With/loop) statement, or its except clause?"""
        return any(child is stmt or parent is stmt for parent, _, child in self.chain)

    def _comments_above(self, line: int) -> list[str]:
        out = []
        number = line - 1
        while number >= 1:
            comment = _comment_of(self.index.line(number))
            if not comment or self.index.line(number).lstrip()[:1] != "#":
                break
            out.append(comment)
            number -= 1
        return out

    # -- conditions, else branches, except clauses, cases: nearest first ---------------
    def _structure(self) -> tuple[list[Item], list[Item]]:
        near: list[Item] = []
        deferred: list[Item] = []
        for depth, (parent, name, child) in enumerate(self.chain):
            if depth >= self.limit:
                break
            if isinstance(parent, ast.If) and name == "body":
                phrase = _label_words(parent.test) or _condition(parent.test, False)
                if phrase:
                    near.append(Item(phrase, f"if {_short(parent.test)}", "if"))
            elif isinstance(parent, ast.If) and name == "orelse":
                if len(parent.orelse) == 1 and isinstance(child, ast.If):
                    continue  # an elif: its own condition said it
                item = _else_item(parent)
                if item is not None:
                    near.append(item)
            elif isinstance(parent, ast.ExceptHandler):
                words, generic = _except_words(parent.type)
                source = f"except {_short(parent.type)}" if parent.type is not None else "except:"
                (deferred if generic else near).append(Item(words, source, "except"))
            elif isinstance(parent, ast.match_case):
                values = _case_values(parent.pattern)
                if values:
                    words = _label_words_of(values)
                    near.append(Item(words, f"case {ast.unparse(parent.pattern)}", "if"))
                    continue
                match = self.index.parent.get(id(parent))
                subject = ast.unparse(match[0].subject) if match else ""  # type: ignore[attr-defined]
                near.append(Item(("UNKNOWN", *_subject_words(subject)), "case _", "else-label"))
        return near, deferred


# -- small pure helpers ------------------------------------------------------------------
def _stem_label_depth(labelled: list[tuple[int, str]], default: int) -> int:
    """The innermost label gives the stem, unless it is nested in a tool-name branch."""
    if not labelled:
        return default
    tools = [depth for depth, subject in labelled if TOOL_SUBJECT.search(subject.strip())]
    if tools and not TOOL_SUBJECT.search(labelled[0][1].strip()):
        return tools[0]
    return labelled[0][0]


def _label_words_of(values: Sequence[str]) -> tuple[str, ...]:
    out: list[str] = []
    for value in values[:2]:
        words = code_words(ast.Constant(value), free_text=True)
        if words:
            out += (["OR"] if out else []) + list(words)
    return tuple(out)


def _label_words(test: ast.expr) -> tuple[str, ...]:
    values = _labels_of(test)
    return _label_words_of(values) if values else ()


def _block_start(index: _TreeIndex, block: list[ast.AST]) -> int:
    """The first line of a block, with the comment lines right above its first statement."""
    line = block[0].lineno  # type: ignore[attr-defined]
    while line > 1 and index.line(line - 1).lstrip().startswith("#"):
        line -= 1
    return line


def _texts_of(stmt: ast.AST) -> list[str]:
    """Strings, called names and counters bumped in a simple statement (not assigned names:
    ``self._retries = 0`` on a success path says nothing about retrying)."""
    out = []
    if isinstance(stmt, ast.AugAssign):
        out.append(ast.unparse(stmt.target))
    for node in ast.walk(stmt):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            out.append(node.value)
        elif isinstance(node, ast.Call):
            out.append(_callee(node))
    return out


def _comment_of(line: str) -> str:
    """The ``# comment`` of a source line, outside string quotes (one-line strings)."""
    quote = ""
    i = 0
    while i < len(line):
        char = line[i]
        if quote:
            if char == "\\":
                i += 1
            elif line.startswith(quote, i):
                i += len(quote) - 1
                quote = ""
        elif char in "'\"":
            quote = char * 3 if line.startswith(char * 3, i) else char
            i += len(quote) - 1
        elif char == "#":
            return line[i + 1:].strip()
        i += 1
    return ""


def _short(node: ast.AST | None, limit: int = 48) -> str:
    text = ast.unparse(node) if node is not None else ""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _show(value: ast.expr | None) -> str:
    if isinstance(value, ast.Constant) and isinstance(value.value, str):
        text = value.value if len(value.value) <= 40 else value.value[:39] + "…"
        return json.dumps(text, ensure_ascii=False)
    return _short(value, 40)


def _callee(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return ""


def _is_dumps(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Call) and _callee(node) in ("dumps", "to_json")


def _dict_items(node: ast.Dict) -> dict[str, ast.expr]:
    return {k.value: v for k, v in zip(node.keys, node.values)
            if isinstance(k, ast.Constant) and isinstance(k.value, str)}


def _dict_get(node: ast.Dict, key: str) -> object:
    value = _dict_items(node).get(key)
    return value.value if isinstance(value, ast.Constant) else None


def _dict_value(node: ast.Dict, key: str) -> ast.expr | None:
    return _dict_items(node).get(key)


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def _keyword_str(call: ast.Call, name: str) -> object:
    value = _keyword(call, name)
    return value.value if isinstance(value, ast.Constant) else None


def _describe_mapping(items: dict[str, ast.expr]) -> Item | None:
    """The outcome an output reports: an error code, an error text, a status, success."""
    lowered = {k.lower(): v for k, v in items.items()}
    for key in _CODE_KEYS + _ERROR_KEYS:
        value = lowered.get(key)
        if isinstance(value, ast.Dict) and key in _ERROR_KEYS:
            nested = _describe_mapping(_dict_items(value))
            if nested is not None and nested.kind == "output":
                return nested
            continue
        words = code_words(value, free_text=key in _ERROR_KEYS)
        if words:
            return Item(words, f"output {key}={_show(value)}", "output")
    for key in _STATUS_KEYS:
        value = lowered.get(key)
        if isinstance(value, ast.Constant) and isinstance(value.value, str) and value.value:
            lowered_value = value.value.lower()
            if lowered_value in _SUCCESS_WORDS:
                return Item((), f'output {key}="{value.value}"', "success")
            if lowered_value in _FAILED_WORDS:
                return Item(("FAILED",), f'output {key}="{value.value}"', "failed")
            words = code_words(value, free_text=False)
            if words:
                return Item(words, f'output {key}="{value.value}"', "output")
    for key in _SUCCESS_KEYS:
        value = lowered.get(key)
        if isinstance(value, ast.Constant) and isinstance(value.value, bool):
            if value.value:
                return Item((), f"output {key}=True", "success")
            return Item(("FAILED",), f"output {key}=False", "failed")
    return None


def _labels_of(test: ast.expr) -> tuple[str, ...]:
    """The string labels of a branch test, like the engine's ``branch_label`` but keeping
    every literal of ``name in ("a", "b")``."""
    if isinstance(test, ast.BoolOp):
        for value in test.values:
            found = _labels_of(value)
            if found:
                return found
        return ()
    if not isinstance(test, ast.Compare) or len(test.ops) != 1:
        return ()
    op, left, right = test.ops[0], test.left, test.comparators[0]
    if isinstance(op, (ast.Eq, ast.Is)):
        for const in (right, left):
            if isinstance(const, ast.Constant) and isinstance(const.value, str) and const.value:
                return (const.value,)
    if isinstance(op, ast.In) and isinstance(right, (ast.Tuple, ast.List, ast.Set)):
        return tuple(e.value for e in right.elts
                     if isinstance(e, ast.Constant) and isinstance(e.value, str) and e.value)
    return ()


def _label_subject(test: ast.expr) -> str:
    if isinstance(test, ast.BoolOp):
        for value in test.values:
            if _labels_of(value):
                return _label_subject(value)
        return ""
    if isinstance(test, ast.Compare):
        left, right = test.left, test.comparators[0]
        return ast.unparse(right if isinstance(left, ast.Constant) else left)
    return ""


def _case_values(pattern: ast.pattern) -> tuple[str, ...]:
    if isinstance(pattern, ast.MatchValue):
        value = pattern.value
        if isinstance(value, ast.Constant) and isinstance(value.value, str) and value.value:
            return (value.value,)
    if isinstance(pattern, ast.MatchOr):
        return tuple(v for sub in pattern.patterns for v in _case_values(sub))
    if isinstance(pattern, ast.MatchAs) and pattern.pattern is not None:
        return _case_values(pattern.pattern)
    return ()


def _subject_words(subject: str) -> tuple[str, ...]:
    """``tool_call.function.name`` -> ("NAME",); a tool subject reads as TOOL."""

    if TOOL_SUBJECT.search(subject.strip()):
        return ("TOOL",)
    names = re.findall(r"[A-Za-z_][A-Za-z0-9_]*", subject)
    names = [n for n in names if n not in ("self", "get")]
    return words_of_identifier(names[-1])[-2:] if names else ()


def _else_item(node: ast.If) -> Item | None:
    """``else``: after a string-label chain, "unknown <subject>"; otherwise the negation of
    the condition just above it (weaker than the branch's own evidence)."""
    if _labels_of(node.test):
        words = ("UNKNOWN", *_subject_words(_label_subject(node.test)))
        return Item(words, f"else of if {_short(node.test)}", "else-label")
    phrase = _condition(node.test, True)
    return Item(phrase, f"else of if {_short(node.test)}", "else") if phrase else None


def _except_words(type_node: ast.expr | None) -> tuple[tuple[str, ...], bool]:
    """``except json.JSONDecodeError`` -> JSON_DECODE_ERROR; ``(KeyError, ValueError)`` ->
    KEY_OR_VALUE_ERROR; ``Exception`` and a bare ``except`` -> ERROR (generic)."""
    if type_node is None:
        return ("ERROR",), True
    elts = type_node.elts if isinstance(type_node, ast.Tuple) else [type_node]
    names = [n.attr if isinstance(n, ast.Attribute) else n.id for n in elts
             if isinstance(n, (ast.Attribute, ast.Name))]
    specific = [n for n in names if n not in GENERIC_EXCEPTIONS]
    if not specific:
        return ("ERROR",), True
    if len(specific) > 1 and all(n.endswith("Error") and n != "Error" for n in specific[:3]):
        bases = [words_of_identifier(n[:-5]) for n in specific[:3]]
        joined: list[str] = []
        for i, base in enumerate(bases):
            joined += (["OR"] if i else []) + list(base)
        return (*joined, "ERROR"), False
    return words_of_identifier(specific[0]), False


def _condition(test: ast.expr, negate: bool) -> tuple[str, ...]:
    """Words for a branch condition: ``not business_id`` -> NO_BUSINESS_ID, ``x != "a"`` ->
    NOT_A, ``getattr(self, "_done", False)`` -> DONE. () when it says nothing usable."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return _condition(test.operand, not negate)
    if isinstance(test, ast.Await):
        return _condition(test.value, negate)
    if isinstance(test, ast.BoolOp):
        values = test.values
        guards = {ast.unparse(v) for v in values if isinstance(v, (ast.Name, ast.Attribute))}
        for value in values:
            text = ast.unparse(value)
            if text in guards and any(text in ast.unparse(o) and o is not value for o in values):
                continue  # `x and x.ok`: the None guard says less than what follows
            phrase = _condition(value, negate)
            if phrase:
                return phrase
        return ()
    if isinstance(test, ast.Compare) and len(test.ops) == 1:
        return _comparison(test, negate)
    if isinstance(test, ast.Call) and _callee(test) == "hasattr":
        subject = _subject_name(test)
        return predicate_words(f"has_{subject}", negate) if subject else ()
    subject = _subject_name(test)
    return predicate_words(subject, negate) if subject else ()


def _subject_name(node: ast.expr) -> str:
    """The identifier a condition is about: a name, an attribute, ``getattr(o, "name")``,
    ``d.get("key")``, ``hasattr(o, "name")``, ``is_valid(x)``, ``len(x)``."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
        return str(node.slice.value)
    if isinstance(node, ast.Call):
        name = _callee(node)
        literal = next((a.value for a in node.args if isinstance(a, ast.Constant)
                        and isinstance(a.value, str)), None)
        if name in ("getattr", "hasattr", "get") and literal:
            return literal
        if name in ("len", "bool", "any", "all") and node.args:
            return _subject_name(node.args[0])
        if name in ("isinstance",) and len(node.args) == 2:
            return _subject_name(node.args[1])
        if name in ("is_set", "done", "empty", "exists", "is_alive", "locked") and \
                isinstance(node.func, ast.Attribute):
            inner = _subject_name(node.func.value)
            return f"{inner}_{name}" if inner else name
        return name
    return ""


def _comparison(test: ast.Compare, negate: bool) -> tuple[str, ...]:

    op, left, right = test.ops[0], test.left, test.comparators[0]
    if isinstance(left, ast.Constant) and not isinstance(right, ast.Constant):
        left, right = right, left
    if isinstance(op, (ast.NotEq, ast.IsNot, ast.NotIn)):
        negate = not negate
        op = {ast.NotEq: ast.Eq(), ast.IsNot: ast.Is(), ast.NotIn: ast.In()}[type(op)]
    if isinstance(right, ast.Constant):
        value = right.value
        if value is None or value is False or value == 0 or value == "":
            if isinstance(op, (ast.Eq, ast.Is)):
                return predicate_words(_subject_name(left), not negate)
        if value is True and isinstance(op, (ast.Eq, ast.Is)):
            return predicate_words(_subject_name(left), negate)
        if isinstance(value, str) and isinstance(op, (ast.Eq, ast.Is)):
            words = code_words(right, free_text=False)
            return (("NOT", *words) if negate else words) if words else ()
        if isinstance(value, int) and value == 0 and isinstance(op, (ast.Gt, ast.NotEq)):
            return predicate_words(_subject_name(left), negate)
        return ()
    if isinstance(op, ast.In) and isinstance(right, (ast.Name, ast.Attribute)):
        words = words_of_identifier(_subject_name(right))
        return (("NOT", *words) if negate else words) if words else ()
    return ()
