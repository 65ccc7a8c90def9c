"""The one detector: walks a parsed module and reports RGT001/RGT002/RGT003 findings.

Speed comes from walking statements, not expressions: only statements on "hot" lines
(lines holding a needle from the prefilter, or a name that holds an event) have their
expressions examined, and compound statements with no hot line inside are skipped whole.
Variable bindings flow through branches with "may hold" semantics: after an ``if``, a name
holds the event if it does on any branch; a later rebinding to something else clears it.
"""

from __future__ import annotations

import ast
import bisect
import re
from collections.abc import Iterator

from ..config import Settings
from ..rules import RGT001, RGT002, RGT003
from .events import EventMatch, EventMatcher, SendMatch
from .findings import FileAnalysis, Finding, Form, NotFixable, SiteContext, Span
from .prefilter import needle_regex
from .scopes import (
    ClassInfo,
    Frame,
    LineIndex,
    bound_names,
    branch_label,
    case_label,
    collect_module_bindings,
    collect_module_facts,
    merge_bindings,
)

__all__ = ["analyze_tree"]

_GATE_CALLABLE = frozenset({"send_event", "send", "send_json", "send_str", "send_text"})
_PAYLOAD_KEYS = frozenset({"type", "response", "event_id"})
_FUNCS = (ast.FunctionDef, ast.AsyncFunctionDef)
_SCOPED_EXPRS = (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def analyze_tree(source: str, tree: ast.Module, settings: Settings) -> FileAnalysis:
    """Every finding in one parsed module (``source`` is the text ``tree`` was parsed from)."""
    return _Walker(source, tree, settings).run()


class _Walker:
    def __init__(self, source: str, tree: ast.Module, settings: Settings) -> None:
        self.tree = tree
        self.settings = settings
        self.lines = LineIndex(source)
        self.facts = collect_module_facts(tree, settings)
        self.matcher = EventMatcher(settings, self.facts)
        self.result = FileAnalysis()
        self.labels: list[tuple[str, str | None]] = []
        self.except_depth = 0
        self.frames: list[Frame] = []
        self._watched: set[str] = set()
        self._reason_sites: dict[str, int] = {}
        regex = needle_regex(settings)
        hot = self.lines.lines_matching(regex) if regex else set(range(1, len(self.lines.starts) + 1))
        self.hot = sorted(hot)
        names = self.facts.constant_names | self.facts.event_names
        for members in self.facts.class_constants.values():
            names.update(members)
        self._watch(names)

    # -- hot lines --------------------------------------------------------------------
    def _watch(self, names: set[str]) -> None:
        """Make every line that mentions one of ``names`` hot."""
        new = names - self._watched
        if not new:
            return
        self._watched |= new
        regex = re.compile(r"\b(?:%s)\b" % "|".join(re.escape(n) for n in sorted(new)))
        self.hot = sorted(set(self.hot) | self.lines.lines_matching(regex))

    def _is_hot(self, first: int, last: int) -> bool:
        i = bisect.bisect_left(self.hot, first)
        return i < len(self.hot) and self.hot[i] <= last

    # -- walking statements -----------------------------------------------------------
    def run(self) -> FileAnalysis:
        self._collect_factories(self.tree.body, None)
        module_bindings = collect_module_bindings(self.tree, self.matcher)
        self._watch(set(module_bindings))
        self.frames.append(Frame("module", None, dict(module_bindings)))
        self._block(self.tree.body)
        return self.result

    def _collect_factories(self, body: list[ast.stmt], function: str | None) -> None:
        """Functions that ``return`` an event literal; calling one builds the event.

        Done before the main walk because a method may be called above its definition.
        """
        for stmt in body:
            if not self._is_hot(stmt.lineno, stmt.end_lineno or stmt.lineno):
                continue
            if isinstance(stmt, ast.Return) and stmt.value is not None and function:
                if self.matcher.match(stmt.value, {}) is not None:
                    self.facts.factories.add(function)
            elif isinstance(stmt, _FUNCS):
                self._collect_factories(stmt.body, stmt.name)
            else:
                for field_name in ("body", "orelse", "finalbody", "handlers", "cases"):
                    inner = getattr(stmt, field_name, None)
                    if inner:
                        blocks = [b.body for b in inner] if field_name in ("handlers", "cases") else [inner]
                        for block in blocks:
                            self._collect_factories(block, function)
        if function is None and self.facts.factories:
            self._watch(set(self.facts.factories))

    def _block(self, body: list[ast.stmt]) -> None:
        for stmt in body:
            if self._is_hot(stmt.lineno, stmt.end_lineno or stmt.lineno):
                self._statement(stmt)

    def _statement(self, stmt: ast.stmt) -> None:
        if isinstance(stmt, _FUNCS):
            self._function(stmt)
        elif isinstance(stmt, ast.ClassDef):
            self._class(stmt)
        elif isinstance(stmt, ast.If):
            self._expressions(stmt, [stmt.test])
            label = branch_label(stmt.test)
            self._branches([(stmt.body, label), (stmt.orelse, None)], fallthrough=False)
        elif isinstance(stmt, (ast.For, ast.AsyncFor)):
            self._expressions(stmt, [stmt.iter])
            self._unbind(bound_names(stmt.target))
            self._branches([(stmt.body, None)], fallthrough=True)
            self._block(stmt.orelse)
        elif isinstance(stmt, ast.While):
            self._expressions(stmt, [stmt.test])
            self._branches([(stmt.body, None)], fallthrough=True)
            self._block(stmt.orelse)
        elif isinstance(stmt, (ast.With, ast.AsyncWith)):
            self._expressions(stmt, [item.context_expr for item in stmt.items])
            for item in stmt.items:
                if item.optional_vars is not None:
                    self._unbind(bound_names(item.optional_vars))
            self._block(stmt.body)
        elif isinstance(stmt, (ast.Try, ast.TryStar)):
            self._try(stmt)
        elif isinstance(stmt, ast.Match):
            self._expressions(stmt, [stmt.subject])
            subject = ast.unparse(stmt.subject)
            cases = [(case.body, (lbl, subject) if (lbl := case_label(case.pattern)) else None)
                     for case in stmt.cases]
            self._branches(cases, fallthrough=True)
        else:
            self._expressions(stmt, [stmt])
            self._bind(stmt)

    def _branches(self, blocks: list[tuple[list[ast.stmt], tuple[str, str] | None]],
                  fallthrough: bool) -> None:
        frame = self.frames[-1]
        before = frame.bindings
        results = [before] if fallthrough else []
        for body, label in blocks:
            frame.bindings = dict(before)
            if label:
                self.labels.append(label)
            self._block(body)
            if label:
                self.labels.pop()
            results.append(frame.bindings)
        frame.bindings = merge_bindings(results)

    def _try(self, stmt: ast.Try | ast.TryStar) -> None:
        frame = self.frames[-1]
        before = frame.bindings
        frame.bindings = dict(before)
        self._block(stmt.body)
        self._block(stmt.orelse)
        results = [frame.bindings]
        self.except_depth += 1
        for handler in stmt.handlers:
            frame.bindings = dict(before)
            if handler.name:
                self._unbind([handler.name])
            self._block(handler.body)
            results.append(frame.bindings)
        self.except_depth -= 1
        frame.bindings = merge_bindings(results)
        self._block(stmt.finalbody)

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        parent = self.frames[-1]
        params = [a.arg for a in node.args.posonlyargs + node.args.args]
        if parent.kind == "class":
            decorators = {d.id if isinstance(d, ast.Name) else getattr(d, "attr", "")
                          for d in node.decorator_list}
            is_plain_method = not decorators & {"staticmethod", "classmethod"}
            self_name = params[0] if params and is_plain_method else None
        elif parent.kind == "function":
            shadowed = set(params) | {a.arg for a in node.args.kwonlyargs}
            self_name = parent.self_name if parent.self_name not in shadowed else None
        else:
            self_name = None
        base = parent.bindings if parent.kind == "function" else self.frames[0].bindings
        bindings = {k: v for k, v in base.items() if k not in params}
        frame = Frame(
            kind="function", name=node.name, bindings=bindings,
            is_async=isinstance(node, ast.AsyncFunctionDef), self_name=self_name,
            in_gate=parent.in_gate or node.name in self.settings.gate_functions,
            class_info=parent.class_info, functions=(node.name, *parent.functions),
        )
        self.frames.append(frame)
        saved_labels, saved_except = self.labels, self.except_depth
        self.labels, self.except_depth = [], 0
        self._block(node.body)
        self.labels, self.except_depth = saved_labels, saved_except
        self.frames.pop()
        self._unbind([node.name])

    def _class(self, node: ast.ClassDef) -> None:
        parent = self.frames[-1]
        frame = Frame(kind="class", name=node.name, bindings={}, in_gate=parent.in_gate,
                      class_info=ClassInfo(node), functions=parent.functions)
        self.frames.append(frame)
        self._block(node.body)
        self.frames.pop()

    # -- bindings ---------------------------------------------------------------------
    def _bind(self, stmt: ast.stmt) -> None:
        frame = self.frames[-1]
        if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and stmt.value is not None:
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            found = self.matcher.match(stmt.value, frame.bindings)
            names = [n for t in targets for n in bound_names(t)]
            if found is None and names and self.matcher.is_event_type(stmt.value, frame.bindings):
                found = EventMatch(Form.CONSTANT, None, stmt.lineno, type_only=True)
            if found is None:
                self._unbind(names)
                self._bind_type_key(targets, stmt.value)
                return
            for name in names:
                frame.bindings[name] = found
            self._watch(set(names))
        elif isinstance(stmt, (ast.Import, ast.ImportFrom)):
            self._unbind([(a.asname or a.name).split(".")[0] for a in stmt.names])
        elif isinstance(stmt, ast.Delete):
            self._unbind([n for t in stmt.targets for n in bound_names(t)])

    def _bind_type_key(self, targets: list[ast.expr], value: ast.expr) -> None:
        """``evt["type"] = "response.create"`` turns ``evt`` into the event."""
        for target in targets:
            if (isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name)
                    and isinstance(target.slice, ast.Constant) and target.slice.value == "type"
                    and self.matcher.is_event_type(value, self.frames[-1].bindings)):
                name = target.value.id
                self.frames[-1].bindings[name] = EventMatch(Form.DICT, None, target.lineno)
                self._watch({name})

    def _unbind(self, names: list[str]) -> None:
        bindings = self.frames[-1].bindings
        for name in names:
            bindings.pop(name, None)

    # -- expressions ------------------------------------------------------------------
    def _expressions(self, stmt: ast.stmt, roots: list[ast.AST]) -> None:
        if not self._is_hot(stmt.lineno, stmt.end_lineno or stmt.lineno):
            return
        for call, awaited, in_lambda in _calls(roots):
            if self.matcher.is_gate_call(call):
                self._gate_call(stmt, call, awaited)
                continue
            send = self.matcher.match_send(call, self.frames[-1].bindings)
            if send is not None and not self.frames[-1].in_gate:
                self._report_send(stmt, send, awaited, in_lambda)

    def _gate_call(self, stmt: ast.stmt, call: ast.Call, awaited: bool) -> None:
        frame = self.frames[-1]
        gate = ast.unparse(call.func)
        is_statement = isinstance(stmt, ast.Expr) and stmt.value is call
        if frame.kind == "function" and frame.is_async and is_statement and not awaited:
            message = RGT002.format(gate=gate, function=frame.name or "")
            self._add(RGT002.code, message, call, stmt, Form.GATE_CALL)
        reason = call.args[0] if call.args else next(
            (k.value for k in call.keywords if k.arg == "reason"), None)
        if isinstance(reason, ast.Constant) and isinstance(reason.value, str):
            first = self._reason_sites.setdefault(reason.value, call.lineno)
            self.result.gate_reasons.append(reason.value)
            if first != call.lineno and not frame.in_gate:
                problem = (f"reason {reason.value!r} of `{gate}(...)` is already used at line "
                           f"{first}; give each call site its own reason")
                self._add(RGT003.code, RGT003.format(problem=problem), call, stmt, Form.GATE_CALL)
        elif not frame.in_gate:
            what = "has no reason" if reason is None else "has a reason that is not a string literal"
            problem = f"`{gate}(...)` {what}; telemetry groups triggers by a literal reason"
            self._add(RGT003.code, RGT003.format(problem=problem), call, stmt, Form.GATE_CALL)

    def _report_send(self, stmt: ast.stmt, send: SendMatch, awaited: bool, in_lambda: bool) -> None:
        why = self._why_not_fixable(stmt, send, awaited, in_lambda)
        message = RGT001.format(form=send.event.form.value, method=send.method,
                                gate=self.settings.gate_functions[0])
        keys = send.event.keys or ()
        self._add(
            RGT001.code, message, send.call, stmt, send.event.form,
            receiver=ast.unparse(send.receiver) if send.receiver is not None else None,
            send_method=send.method, awaited=awaited,
            why_not=why.value if why else None,
            payload=tuple(k for k in keys if k != "type"),
        )

    def _why_not_fixable(self, stmt: ast.stmt, send: SendMatch, awaited: bool,
                         in_lambda: bool) -> NotFixable | None:
        frame = self.frames[-1]
        call = send.call
        event = send.event
        is_statement = isinstance(stmt, ast.Expr) and (
            stmt.value is call or (isinstance(stmt.value, ast.Await) and stmt.value.value is call))
        checks: list[tuple[bool, NotFixable]] = [
            (in_lambda, NotFixable.IN_LAMBDA),
            (send.handed_off, NotFixable.HANDED_OFF),
            (frame.self_name is None, NotFixable.NO_SELF),
            (self._in_gate_lookalike(frame.functions), NotFixable.GATE_LOOKALIKE),
            (not is_statement, NotFixable.VALUE_USED),
            (not frame.is_async, NotFixable.NOT_ASYNC),
            (not awaited, NotFixable.NOT_AWAITED),
            (send.receiver is None, NotFixable.NOT_A_METHOD),
            (event.form is Form.VARIABLE, NotFixable.BUILT_ELSEWHERE),
            (event.form is Form.EVENT_CONSTANT, NotFixable.EVENT_CONSTANT),
            (event.form is Form.FACTORY, NotFixable.FACTORY),
            (event.form is Form.EVENT_NAME, NotFixable.EVENT_NAME),
            (event.form is Form.TYPED_CLASS, NotFixable.TYPED_CLASS),
            (event.form is Form.JSON_TEXT and event.keys != ("type",), NotFixable.JSON_TEXT),
            (event.converted, NotFixable.CONVERTED),
            (event.keys is None, NotFixable.UNKNOWN_KEYS),
            (event.form is Form.SDK_METHOD and send.extra_args, NotFixable.SDK_ARGS),
            (not set(event.keys or ()) <= _PAYLOAD_KEYS, NotFixable.EXTRA_KEYS),
            (event.form is not Form.SDK_METHOD and send.method not in _GATE_CALLABLE,
             NotFixable.SEND_METHOD),
            (event.form is not Form.SDK_METHOD and send.extra_args, NotFixable.EXTRA_ARGS),
        ]
        return next((why for failed, why in checks if failed), None)

    def _in_gate_lookalike(self, functions: tuple[str, ...]) -> bool:
        """Inside ``_trigger_response`` (not a gate unless configured): rewriting its send
        into a gate call would bury the team's own gate and its reason argument."""
        gates = self.settings.gate_functions
        return any(name not in gates and name.strip("_") in gates for name in functions)

    def _add(self, code: str, message: str, call: ast.Call, stmt: ast.stmt, form: Form,
             **details: object) -> None:
        frame = self.frames[-1]
        why_not = details.pop("why_not", NotFixable.NOT_GATE_CALL.value)
        context = SiteContext(
            branch_labels=tuple(label for label, _ in reversed(self.labels)),
            branch_subject=self.labels[-1][1] if self.labels else None,
            functions=frame.functions,
            in_except=self.except_depth > 0,
            class_gate=frame.class_info.gate_status(self.settings.gate_functions)
            if frame.class_info else "missing",
            self_name=frame.self_name,
        )
        self.result.findings.append(Finding(
            code=code, message=message, span=self._span(call), form=form,
            statement=self._span(stmt), function=frame.functions[0] if frame.functions else None,
            class_name=frame.class_info.node.name if frame.class_info else None,
            fixable=why_not is None, why_not=why_not, context=context,
            **details,  # type: ignore[arg-type]
        ))

    def _span(self, node: ast.stmt | ast.expr) -> Span:
        end_line = node.end_lineno or node.lineno
        end_col = node.end_col_offset if node.end_col_offset is not None else node.col_offset
        return Span(node.lineno, self.lines.char_col(node.lineno, node.col_offset),
                    end_line, self.lines.char_col(end_line, end_col))


def _calls(roots: list[ast.AST]) -> Iterator[tuple[ast.Call, bool, bool]]:
    """Every call under ``roots`` with (awaited?, inside a lambda/comprehension?).

    Nested function and class bodies are statements of their own and are not entered.
    """
    stack: list[tuple[ast.AST, bool, bool]] = [(root, False, False) for root in reversed(roots)]
    while stack:
        node, awaited, in_lambda = stack.pop()
        if isinstance(node, ast.Call):
            yield node, awaited, in_lambda
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        inner = in_lambda or isinstance(node, _SCOPED_EXPRS)
        is_await = isinstance(node, ast.Await)
        children = list(ast.iter_child_nodes(node))
        for child in reversed(children):
            stack.append((child, is_await and child is node.value, inner))  # type: ignore[attr-defined]
