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
* the branch labels, functions and class that make the stem (names in ``reasons``);
* only to tell apart sites that would otherwise read the same: the payload's
  instructions, the event sent just before, the comment on or above the site.

Pure: the same tree and text give the same evidence.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from respgate_lint.engine import Finding

from .phrases import (
    Item,
    callee,
    case_values,
    condition,
    describe_mapping,
    dict_get,
    dict_items,
    dict_value,
    else_item,
    except_words,
    is_dumps,
    keyword,
    keyword_str,
    label_subject,
    label_words,
    label_words_of,
    labels_of,
    short,
    show,
    subject_words,
)
from .tree_index import Chain, TreeIndex, child_blocks
from .words import (
    GENERIC_WORDS,
    TOOL_SUBJECT,
    code_words,
    free_text_words,
    function_base,
    words_of_identifier,
)

__all__ = ["Item", "Label", "SiteEvidence", "gather_evidence"]

_COMPOUND = (ast.If, ast.For, ast.AsyncFor, ast.While, ast.With, ast.AsyncWith, ast.Try,
             ast.Match, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef,
             getattr(ast, "TryStar", ast.Try))
_FUNCS = (ast.FunctionDef, ast.AsyncFunctionDef)
_WINDOW_BEFORE = 20   # lines of a branch read for words before the site
_WINDOW_AFTER = 3     # ... and after it (a "retry sent" log line)
_OUTPUT_TYPE = "function_call_output"
_HELPER_NAME = re.compile(r"(?i)(?=.*(?:output|result))(?=.*(?:function|tool|call|send|submit))")
_TYPED_OUTPUT = re.compile(r"(?i)function_?call_?output")
_GRACEFUL = re.compile(r"gracefu|\bgiv(?:e|es|ing) up|gave up|exhausted|too many (?:retries|attempts)"
                       r"|max(?:imum)?[ _-]?(?:retries|attempts)[ _-]?(?:reached|exceeded|hit)")
_FALLBACK = re.compile(r"fall[ _-]?back|falling back")
_RETRY = re.compile(r"re-?try|retrie[sd]|retrying|re-?send|once more|one more (?:try|time|attempt)"
                    r"|\btry(?:ing)?(?: [a-z]+){0,3} again")
_WORD_CLASSES = (("GRACEFUL_FAILURE", _GRACEFUL), ("FALLBACK", _FALLBACK), ("RETRY", _RETRY))


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
    index = TreeIndex(tree, text)
    chains = [index.path_to(f.statement.line, f.statement.end_line, f.statement.col)
              for f in findings]
    boundaries = {id(chain[0][2]) for chain in chains if chain}
    return [_Site(index, chain, boundaries).evidence() if chain else SiteEvidence()
            for chain in chains]


def _parent_of(chain: Chain, node: ast.AST) -> ast.AST | None:
    return next((p for p, _, c in chain if c is node), None)


class _Site:
    """The walk from one site's statement outwards."""

    def __init__(self, index: TreeIndex, chain: Chain, boundaries: set[int]) -> None:
        self.index = index
        self.node: ast.stmt = chain[0][2]  # type: ignore[assignment]
        self.boundaries = boundaries
        self.chain = chain
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
            if isinstance(parent, ast.If) and name == "body" and labels_of(parent.test):
                labelled.append((i, label_subject(parent.test)))
            elif isinstance(parent, ast.match_case) and case_values(parent.pattern):
                match = _parent_of(self.chain, parent)
                labelled.append((i, ast.unparse(match.subject) if match else ""))  # type: ignore[attr-defined]
        return _stem_label_depth(labelled, len(self.chain))

    def evidence(self) -> SiteEvidence:
        result = SiteEvidence(found=True)
        for depth, (parent, name, _child) in enumerate(self.chain):
            if isinstance(parent, ast.If) and name == "body" and depth >= self.limit:
                values = labels_of(parent.test)
                if values:
                    result.labels.append(Label(values, label_subject(parent.test)))
            elif isinstance(parent, ast.match_case) and depth >= self.limit:
                values = case_values(parent.pattern)
                match = _parent_of(self.chain, parent)
                if values and match is not None:
                    result.labels.append(Label(values, ast.unparse(match.subject)))  # type: ignore[attr-defined]
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
        items += self._extras()
        result.items = [i for i in items + where if i.words or i.kind == "success"]
        return result

    # -- only to tell apart sites that would otherwise read the same ---------------------
    def _extras(self) -> list[Item]:
        """What the response is for (its instructions), what was sent just before it, and
        the comment on or above it. Never a site's first evidence: too free-form."""
        out = []
        for node in ast.walk(self.node):
            value = None
            if isinstance(node, ast.Dict):
                value = dict_items(node).get("instructions")
            elif isinstance(node, ast.keyword) and node.arg == "instructions":
                value = node.value
            words = tuple(w for w in code_words(value, free_text=True) if w not in GENERIC_WORDS)
            if words:
                out.append(Item(words[:3], f"instructions {show(value)}", "extra"))
                break
        after = self._after_event()
        if after is not None:
            out.append(after)
        comment = self._site_comment()
        if comment:
            words = tuple(w for w in free_text_words(comment) if w not in GENERIC_WORDS)[:3]
            if words:
                out.append(Item(words, f"comment # {comment[:40]}", "extra"))
        return out

    def _after_event(self) -> Item | None:
        parent, name, child = self.chain[0]
        block = getattr(parent, name)
        position = self.index.position(block, child)
        for stmt in reversed(block[max(0, position - 3):position]):
            if isinstance(stmt, (*_COMPOUND, ast.ExceptHandler)) or id(stmt) in self.boundaries:
                return None
            for node in ast.walk(stmt):
                kind = dict_get(node, "type") if isinstance(node, ast.Dict) else None
                if isinstance(kind, str) and "." in kind and kind != "response.create":
                    words = _event_words(kind, node)  # type: ignore[arg-type]
                    return Item(("AFTER", *words), f"after {kind}", "extra") if words else None
        return None

    def _site_comment(self) -> str:
        first = self.node.lineno
        comment = _comment_of(self.index.line(first))
        number = first - 1
        while not comment and number >= 1 and self.index.line(number).lstrip().startswith("#"):
            comment = _comment_of(self.index.line(number))
            number -= 1
        if re.search(r"[(){}\[\]=]|noqa|type:", comment):
            return ""  # commented-out code or a directive, not prose
        return comment

    # -- the function_call_output item sent before the create -------------------------
    def _output(self) -> Item | None:
        for depth, (parent, name, child) in enumerate(self.chain):
            if depth > self.limit:
                break
            block = getattr(parent, name)
            position = self.index.position(block, child)
            if name in ("handlers", "cases"):
                position = 0  # other except clauses and cases are other paths, not "before"
            for stmt in (block[i] for i in range(position - 1, -1, -1)):
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
        """Another create before this one ends the search: its output was for it.
        An explicit stack: an ``elif`` chain nests thousands of statements deep."""
        stack = [stmt]
        while stack:
            node = stack.pop()
            if id(node) in self.boundaries:
                return True
            if isinstance(node, _COMPOUND):
                for _, block in child_blocks(node):
                    stack.extend(block)
        return False

    def _outputs_in(self, stmt: ast.AST) -> list[Item]:
        if isinstance(stmt, (*_FUNCS, ast.ClassDef)):
            return []
        found = []
        for node in ast.walk(stmt):
            value: ast.expr | None = None
            if isinstance(node, ast.Dict) and dict_get(node, "type") == _OUTPUT_TYPE:
                value = dict_value(node, "output")
            elif isinstance(node, ast.Call):
                name = callee(node)
                if (name == "dict" and keyword_str(node, "type") == _OUTPUT_TYPE) or (
                        name[:1].isupper() and _TYPED_OUTPUT.search(name)):  # a typed item class
                    value = keyword(node, "output")
                elif _HELPER_NAME.match(name):
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
            if isinstance(resolved, (ast.Dict, ast.JoinedStr)) or is_dumps(resolved) or (
                    isinstance(resolved, ast.Call) and callee(resolved) == "dict"):
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
        best = self.index.assigned_before(function, name, self.node.lineno)
        if not isinstance(best, (ast.Assign, ast.AnnAssign)):
            return None
        if not any(any(s is best for s in getattr(p, f)) for p, f, _ in self.chain):
            return None  # bound inside a branch the site is not in
        return best.value

    def _describe_output(self, value: ast.expr, depth: int) -> Item | None:
        value = self._resolve(value, 0) or value
        if is_dumps(value) and isinstance(value, ast.Call) and value.args and depth < 3:
            return self._describe_output(value.args[0], depth + 1)
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            try:
                parsed = json.loads(value.value)
            except ValueError:
                return None
            return describe_mapping({k: ast.Constant(v) for k, v in parsed.items()}
                                     if isinstance(parsed, dict) else {})
        if isinstance(value, ast.Dict):
            return describe_mapping(dict_items(value))
        if isinstance(value, ast.Call) and callee(value) == "dict":
            return describe_mapping({k.arg: k.value for k in value.keywords if k.arg})
        return None

    # -- retry / fallback / graceful-failure words in the innermost branch -------------
    def _words(self) -> list[Item]:
        """The branch's own lines first, then its header (the condition, the comments above
        the ``if``): a comment above an if/else pair often names both branches."""
        branch = self._innermost_branch()
        if branch is None:
            return []
        parent, name, child = branch
        block = getattr(parent, name)
        header: list[str] = []
        if isinstance(parent, ast.If) and name == "body" and not labels_of(parent.test):
            if condition(parent.test, False)[:1] not in (("NOT",), ("NO",)):
                header.append(ast.unparse(parent.test))  # `not in RETRYABLE` is no retry
            header.extend(self._comments_above(parent.lineno))
        if isinstance(parent, ast.ExceptHandler) and parent.type is not None:
            header.append(ast.unparse(parent.type))
        for texts in (self._window_texts(block, child), header):
            found = _word_class("\n".join(texts).lower())
            if found:
                return [found]
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
        last = self.index.spans(block).max_end[-1]
        for number in range(lo, min(hi, last) + 1):
            if not any(a <= number <= b for a, b in skipped):
                comment = _comment_of(self.index.line(number))
                if comment:
                    texts.append(comment)
        return texts

    def _collect(self, block: list[ast.AST], carrier: ast.AST | None, lo: int, hi: int,
                 texts: list[str], skipped: list[tuple[int, int]]) -> None:
        for stmt in (block[i] for i in self.index.overlapping(block, lo, hi)):
            start, end = stmt.lineno, stmt.end_lineno or stmt.lineno  # type: ignore[attr-defined]
            if isinstance(stmt, (*_COMPOUND, ast.ExceptHandler)):
                if stmt is carrier or self._holds(stmt):
                    for _, inner in child_blocks(stmt):
                        self._collect(inner, None, lo, hi, texts, skipped)
                    if isinstance(stmt, ast.ExceptHandler) and stmt.type is not None:
                        texts.append(ast.unparse(stmt.type))
                else:
                    skipped.append((start, end))
                continue
            if stmt is not self.node:  # the site's own instructions are what it says, not why
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
                phrase = label_words(parent.test) or condition(parent.test, False)
                if phrase:
                    near.append(Item(phrase, f"if {short(parent.test)}", "if"))
            elif isinstance(parent, ast.If) and name == "orelse":
                if len(parent.orelse) == 1 and isinstance(child, ast.If):
                    continue  # an elif: its own condition said it
                item = else_item(parent)
                if item is not None:
                    near.append(item)
            elif isinstance(parent, ast.ExceptHandler):
                words, generic = except_words(parent.type)
                source = f"except {short(parent.type)}" if parent.type is not None else "except:"
                (deferred if generic else near).append(Item(words, source, "except"))
            elif isinstance(parent, ast.match_case):
                values = case_values(parent.pattern)
                if values:
                    words = label_words_of(values)
                    near.append(Item(words, f"case {ast.unparse(parent.pattern)}", "if"))
                    continue
                match = _parent_of(self.chain, parent)
                subject = ast.unparse(match.subject) if match else ""  # type: ignore[attr-defined]
                near.append(Item(("UNKNOWN", *subject_words(subject)), "case _", "else-label"))
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


def _word_class(haystack: str) -> Item | None:
    for word, regex in _WORD_CLASSES:
        match = regex.search(haystack)
        if match:
            start = match.start() - len(re.match(r"\w*", haystack[match.start()::-1]).group()) + 1
            end = match.end() + len(re.match(r"\w*", haystack[match.end():]).group())
            return Item((word,), f'"{haystack[start:end]}" in the branch', "words")
    return None


def _event_words(kind: str, node: ast.Dict) -> tuple[str, ...]:
    """``input_audio_buffer.commit`` -> BUFFER_COMMIT; a user message item -> USER_MESSAGE."""
    if kind == "conversation.item.create":
        item = dict_items(node).get("item")
        if isinstance(item, ast.Dict):
            item_type = dict_get(item, "type")
            role = dict_get(item, "role")
            if item_type == "function_call_output":
                return ()
            if item_type == "message" and isinstance(role, str):
                return (*words_of_identifier(role), "MESSAGE")
        return ("ITEM",)
    parts = kind.split(".")
    words = words_of_identifier(parts[-1])
    if len(parts) > 1 and parts[-1] in ("create", "update", "commit", "clear", "append", "cancel",
                                        "delete", "truncate"):
        words = (*words_of_identifier(parts[-2])[-1:], *words)
    return words


def _block_start(index: TreeIndex, block: list[ast.AST]) -> int:
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
            out.append(callee(node))
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


