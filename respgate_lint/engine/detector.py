"""The one detector: walks a parsed module and reports RGT001/RGT002/RGT003 findings.

Speed comes from walking statements, not expressions: only statements on "hot" lines
(lines holding a needle from the prefilter, or a name that holds an event) have their
expressions examined, and compound statements with no hot line inside are skipped whole.
Variable bindings flow through branches with "may hold" semantics: after an ``if``, a name
holds the event if it does on any branch; a later rebinding to something else clears it.

Two passes: the walk records every site and what each gate's body sends; then each site is
judged against the gate it reaches (``reach.py``), which may be defined below it or in
another file: RGT002/RGT003 and the fix (``fixes.py``) come from that gate's model.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..config import Settings
from ..rules import RGT001, RGT002, RGT003
from .apis import RESPONSES_WS, talks_only_to_responses_ws
from .attributes import collect_instance_events
from .bindings import Changes, Scope, comprehension_bindings, join, loop_bindings, rebinding
from .chains import if_chain
from .events import EventMatcher
from .factories import collect_factories
from .findings import FileAnalysis, Finding, Fix, Form, NotFixable, SiteContext, Span
from .fixes import SiteFacts, plan_fix
from .gate_helpers import gate_helpers
from .gates import GateModel, add_send, parameter_names, read_gate
from .matches import EventMatch
from .parsing import decode_source, parse_source
from .prefilter import needle_regex
from .reach import (
    ModuleIndex,
    ProjectIndex,
    Reach,
    closure_gate,
    index_module,
    unless_rebound,
)
from .scopes import (
    Frame,
    LineIndex,
    bound_names,
    branch_label,
    case_label,
    collect_module_bindings,
    collect_module_facts,
    watched_names,
)

__all__ = ["analyze_tree", "project_index"]

# A module that names one of these is about the Realtime API (typed classes by any prefix).
_REALTIME_WORDS = re.compile(r"realtime|openai|RESPONSE_CREATE", re.IGNORECASE)

_FUNCS = (ast.FunctionDef, ast.AsyncFunctionDef)
# Project gates under other names: a verb of asking plus "response", or "gate" in the name.
_GATE_LIKE = re.compile(r"(?i)^_*(?:maybe_)?(?:trigger|request|schedule|gate)(?:_[a-z]+)?_response$"
                        r"|^_*\w*gate(?:d)?_(?:response|create)\w*$|^_*\w*response_gate\w*$")
_SCOPED_EXPRS = (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
# Nodes that can hold no call: skipped by the expression walk (``_calls``).
_LEAVES = (ast.Constant, ast.Name, ast.expr_context, ast.operator, ast.unaryop, ast.cmpop,
           ast.boolop)


def analyze_tree(source: str, tree: ast.Module, settings: Settings, *,
                 path: Path | None = None, add_mixin: bool = False) -> FileAnalysis:
    """Every finding in one parsed module (``source`` is the text ``tree`` was parsed from;
    ``path`` lets imports of gates and base classes resolve to the files beside it)."""
    walker = _Walker(source, tree, settings, path)
    walker.walk()
    return walker.judge(project_index(settings), add_mixin)


@lru_cache(maxsize=8)
def project_index(settings: Settings) -> ProjectIndex:
    """One cache of imported modules' gates per settings, for the life of the process."""
    return ProjectIndex(settings, lambda path: _load_module(path, settings))


def _load_module(path: Path, settings: Settings) -> ModuleIndex | None:
    """Another file's gates (signatures and how their bodies send), or None if unreadable."""
    try:
        text = decode_source(path.read_bytes())
        tree = parse_source(text, str(path)) if text is not None else None
    except (OSError, SyntaxError, ValueError, RecursionError):
        return None
    if text is None or tree is None:
        return None
    walker = _Walker(text, tree, settings, path, foreign=True)
    walker.walk()
    return walker.index


@dataclass(frozen=True)
class _SendSite:
    facts: SiteFacts
    context: SiteContext
    class_node: ast.ClassDef | None
    defs: tuple[ast.FunctionDef | ast.AsyncFunctionDef, ...]   # enclosing defs, innermost first


@dataclass(frozen=True)
class _GateCallSite:
    call: ast.Call
    statement: ast.stmt
    awaited: bool
    frame: Frame
    context: SiteContext


class _Walker:
    def __init__(self, source: str, tree: ast.Module, settings: Settings,
                 path: Path | None = None, *, foreign: bool = False) -> None:
        self.tree = tree
        self.settings = settings
        self.index = index_module(tree, settings, path, foreign=foreign)
        self.sites: list[_SendSite | _GateCallSite] = []
        self.closure_gates: dict[int, GateModel] = {}   # id(def) -> a gate defined in a def
        self.lines = LineIndex(source)
        self.facts = collect_module_facts(tree, settings)
        self.facts.responses_only = talks_only_to_responses_ws(source, tree)
        self.facts.mentions_event_type = any(t in source for t in settings.event_types)
        self.facts.speaks_realtime = self.facts.mentions_event_type or bool(
            _REALTIME_WORDS.search(source))
        self.matcher = EventMatcher(settings, self.facts)
        self.result = FileAnalysis()
        self.labels: list[tuple[str, str | None]] = []
        self.except_depth = 0
        self.frames: list[Frame] = []
        self._watched: set[str] = set()
        self._forced = 0  # inside a branch selected by the event type: every line is hot
        regex = needle_regex(settings)
        count = len(self.lines.starts)
        # hot[line] == 1: a byte per line, so marking a line costs O(1) and "any hot line in
        # first..last" is one memchr (bytearray.find), whatever the number of hot lines.
        self.hot = bytearray(count + 2)
        for line in (self.lines.lines_matching(regex) if regex else range(1, count + 1)):
            self.hot[line] = 1
        self._watch(watched_names(self.facts, settings.event_types))
        if self.facts.mentions_event_type:   # conversation.create_response() on its own line
            self._watch(set(self.matcher.sdk_methods))

    # -- hot lines --------------------------------------------------------------------
    def _watch(self, names: set[str]) -> None:
        """Make every line that mentions one of ``names`` hot (costs the names' occurrences,
        not a scan of the file: ``LineIndex.lines_with_words``)."""
        new = names - self._watched
        if not new:
            return
        self._watched |= new
        hot = self.hot
        for line in self.lines.lines_with_words(new):
            hot[line] = 1

    def _is_hot(self, first: int, last: int) -> bool:
        if self._forced:
            return True
        return self.hot.find(1, first, last + 1) >= 0

    # -- walking statements -----------------------------------------------------------
    def walk(self) -> None:
        """Record every site and every gate's sends."""
        self.helpers = gate_helpers(self.tree, self.index, self.lines)
        collect_factories(self.tree.body, self.matcher, self._is_hot)
        if self.facts.factories or self.facts.scoped_factories or self.facts.collection_factories:
            self._watch(self.facts.factories | set(self.facts.scoped_factories)
                        | set(self.facts.collection_factories))
        module_bindings = collect_module_bindings(self.tree, self.matcher)
        self._watch(set(module_bindings) | watched_names(self.facts, self.settings.event_types))
        self.facts.instance_events = collect_instance_events(
            self.tree.body, self.matcher, self._is_hot, self.lines, module_bindings)
        self._watch(self.facts.instance_events)
        self.frames.append(Frame("module", None, Scope(module_bindings)))
        self._block(self.tree.body)
        self.sites = [site for site in self.sites if not (
            isinstance(site, _SendSite) and self.matcher.handed_on_internally(site.facts.send))]

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
            self._if_chain(stmt)
        elif isinstance(stmt, (ast.For, ast.AsyncFor)):
            self._expressions(stmt, [stmt.iter])
            self._unbind(bound_names(stmt.target))
            self._bind_loop(stmt.target, stmt.iter)
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
            bindings = self.frames[-1].bindings
            self._branches(cases, fallthrough=True, selected=[
                subject if self.matcher.case_selects(case.pattern, bindings) else None
                for case in stmt.cases])
        else:
            self._expressions(stmt, [stmt])
            self._bind(stmt)

    def _branches(self, blocks: list[tuple[list[ast.stmt], tuple[str, str] | None]],
                  fallthrough: bool, selected: list[str | None] | None = None) -> None:
        """Walk alternative blocks; ``selected``: per block, the subject that equals the
        event type there (its statements are all examined, the subject is the type)."""
        scope = self.frames[-1].bindings
        mark = scope.mark()  # each block is walked on the scope, then undone; joined below
        results: list[Changes] = [{}] if fallthrough else []
        for index, (body, label) in enumerate(blocks):
            subject = selected[index] if selected else None
            if label:
                self.labels.append(label)
            if subject:
                self.matcher.selected.append(subject)
                self._forced += 1
            self._block(body)
            if subject:
                self.matcher.selected.pop()
                self._forced -= 1
            if label:
                self.labels.pop()
            results.append(scope.changes_since(mark))
            scope.undo(mark)
        scope.release(mark)
        join(scope, results)

    def _if_chain(self, stmt: ast.If) -> None:
        """An ``if``/``elif``/``else`` chain as one set of alternatives, without recursion
        (a chain of thousands of branches is valid code): each test is examined where the
        nested walk would reach it, i.e. while the rest of the chain holds a hot line."""
        chain, final = if_chain(stmt)
        blocks: list[tuple[list[ast.stmt], tuple[str, str] | None]] = []
        selected: list[str | None] = []
        bindings = self.frames[-1].bindings
        for branch in chain:
            if not self._is_hot(branch.lineno, branch.end_lineno or branch.lineno):
                blocks.append(([], None))  # a cold rest: the bindings from before the chain
                selected.append(None)
                break
            self._expressions(branch, [branch.test])
            blocks.append((branch.body, branch_label(branch.test)))
            selected.append(self.matcher.selected_subject(branch.test, bindings))
        else:
            blocks.append((final, None))
            selected.append(None)
        self._branches(blocks, fallthrough=False, selected=selected)

    def _try(self, stmt: ast.Try | ast.TryStar) -> None:
        scope = self.frames[-1].bindings
        mark = scope.mark()
        self._block(stmt.body)
        self._block(stmt.orelse)
        results = [scope.changes_since(mark)]
        scope.undo(mark)
        self.except_depth += 1
        for handler in stmt.handlers:
            if handler.name:
                self._unbind([handler.name])
            self._block(handler.body)
            results.append(scope.changes_since(mark))
            scope.undo(mark)
        self.except_depth -= 1
        scope.release(mark)
        join(scope, results)
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
        bindings = Scope(parent=base, hidden=tuple(params))  # reads through: never copied
        is_gate = node.name in self.settings.gate_functions
        helps = self.helpers.get(id(node))   # a def only the gate calls: the gate's own
        gate = parent.gate or helps
        if is_gate and parent.gate is None:
            if parent.kind == "class":
                gate = self.index.method(node)
            elif parent.kind == "function":  # a closure: called by its name after its def
                gate = self.closure_gates[id(node)] = read_gate(node, self.settings,
                                                                is_method=False)
            else:
                gate = self.index.functions.get(node.name)
                if gate is not None and gate.line != node.lineno:
                    gate = None  # a nested or redefined gate: its sends are the gate's, unread
        frame = Frame(
            kind="function", name=node.name, bindings=bindings,
            is_async=isinstance(node, ast.AsyncFunctionDef), self_name=self_name,
            in_gate=parent.in_gate or is_gate or helps is not None, gate=gate,
            class_node=parent.class_node, functions=(node.name, *parent.functions),
            params=frozenset(parameter_names(node.args)),
            defs=(node, *parent.defs),
        )
        self.frames.append(frame)
        saved_labels, saved_except = self.labels, self.except_depth
        saved_function, saved_selected = self.matcher.function, self.matcher.selected
        self.labels, self.except_depth = [], 0
        self.matcher.function, self.matcher.selected = node, []
        self._block(node.body)
        self.labels, self.except_depth = saved_labels, saved_except
        self.matcher.function, self.matcher.selected = saved_function, saved_selected
        self.frames.pop()
        self._unbind([node.name])

    def _class(self, node: ast.ClassDef) -> None:
        parent = self.frames[-1]
        frame = Frame(kind="class", name=node.name, bindings=Scope(), in_gate=parent.in_gate,
                      gate=parent.gate, class_node=node, functions=parent.functions)
        self.frames.append(frame)
        self._block(node.body)
        self.frames.pop()

    # -- bindings ---------------------------------------------------------------------
    def _bind(self, stmt: ast.stmt) -> None:
        bound, unbound = rebinding(stmt, self.frames[-1].bindings, self.matcher)
        self._unbind(unbound)
        self.frames[-1].bindings.update(bound)
        self._watch({name.rpartition(".")[2] for name in bound})

    def _bind_loop(self, target: ast.expr, iterable: ast.expr) -> None:
        if self._is_hot(iterable.lineno, iterable.end_lineno or iterable.lineno):
            bound = loop_bindings(target, iterable, self.frames[-1].bindings, self.matcher)
            self.frames[-1].bindings.update(bound)
            self._watch(set(bound))

    def _unbind(self, names: list[str]) -> None:
        bindings = self.frames[-1].bindings
        for name in names:
            bindings.unbind(name)

    # -- expressions: record sites ---------------------------------------------------
    def _expressions(self, stmt: ast.stmt, roots: list[ast.AST]) -> None:
        if not self._is_hot(stmt.lineno, stmt.end_lineno or stmt.lineno):
            return
        frame = self.frames[-1]
        bindings = frame.bindings
        if "for" in self.lines.lines_text(stmt.lineno, stmt.end_lineno or stmt.lineno):
            bindings = comprehension_bindings(roots, bindings, self.matcher)
        for call, awaited, in_lambda in _calls(roots):
            if self.matcher.is_gate_call(call):
                self.sites.append(_GateCallSite(call, stmt, awaited, frame, self._context()))
                continue
            self.matcher.note(call)
            send = self.matcher.match_send(call, bindings)
            if (send is None or not self._reported_api(send.event)
                    or not self.matcher.stands(send, stmt, in_lambda)):
                continue
            if frame.in_gate:
                if frame.gate is not None:
                    add_send(frame.gate, send.receiver, send.method, send.event.wire)
                continue
            facts = SiteFacts(
                send=send, statement=stmt, awaited=awaited, in_lambda=in_lambda,
                in_async=frame.kind == "function" and frame.is_async, self_name=frame.self_name,
                in_gate_lookalike=self._in_gate_lookalike(frame.functions),
                class_name=frame.class_node.name if frame.class_node else None)
            self.sites.append(_SendSite(facts, self._context(), frame.class_node, frame.defs))

    def _reported_api(self, event: EventMatch) -> bool:
        """Responses-API websocket sends only when ``apis`` asks for them (apis.py)."""
        api = RESPONSES_WS if self.facts.responses_only else event.api
        return api in self.settings.apis

    def _context(self) -> SiteContext:
        return SiteContext(
            branch_labels=tuple(label for label, _ in reversed(self.labels)),
            branch_subject=self.labels[-1][1] if self.labels else None,
            functions=self.frames[-1].functions,
            in_except=self.except_depth > 0,
        )

    def _in_gate_lookalike(self, functions: tuple[str, ...]) -> str | None:
        """The enclosing function named like a gate but not configured as one
        (``_trigger_response``, ``request_response``, ``maybe_request_response``), if any:
        rewriting its send into a gate call would gate twice and bury the team's own gate
        and its reason argument."""
        gates = self.settings.gate_functions
        return next((name for name in functions if name not in gates
                     and (name.strip("_") in gates or _GATE_LIKE.match(name))), None)

    # -- judging: the second pass -------------------------------------------------------
    def judge(self, project: ProjectIndex, add_mixin: bool = False) -> FileAnalysis:
        """Findings for the recorded sites, each against the gate it reaches."""
        judge = _Judge(self, project, add_mixin)
        for site in self.sites:
            if isinstance(site, _SendSite):
                judge.send(site)
            else:
                judge.gate_call(site)
        return self.result

    def span(self, node: ast.AST) -> Span:
        end_line = getattr(node, "end_lineno", None) or node.lineno  # type: ignore[attr-defined]
        end_col = getattr(node, "end_col_offset", None)
        col = node.col_offset  # type: ignore[attr-defined]
        end_col = end_col if end_col is not None else col
        return Span(node.lineno, self.lines.char_col(node.lineno, col),  # type: ignore[attr-defined]
                    end_line, self.lines.char_col(end_line, end_col))


class _Judge:
    """RGT001 with its fix, RGT002 and RGT003, from the gates the sites reach."""

    def __init__(self, walker: _Walker, project: ProjectIndex, add_mixin: bool) -> None:
        self.walker = walker
        self.project = project
        self.add_mixin = add_mixin
        self.settings = walker.settings
        self.result = walker.result
        self._reach: dict[int, Reach] = {}
        self._reason_sites: dict[str, int] = {}
        self._noted: set[str] = set()

    def reach(self, class_node: ast.ClassDef | None) -> Reach:
        key = id(class_node)
        if key not in self._reach:
            self._reach[key] = self._find_reach(class_node)
        return self._reach[key]

    def _find_reach(self, class_node: ast.ClassDef | None) -> Reach:
        index = self.walker.index
        method = self.project.method_gate(index, class_node) if class_node else None
        if method is not None and method.kind == "method":
            return method
        function = self.project.function_gate(index)
        if function.kind == "function":
            return function
        if method is not None and method.kind in ("hidden", "shadowed"):
            return method
        return function if function.kind == "hidden" else Reach(None, "missing")

    # -- RGT001 -------------------------------------------------------------------------
    def send(self, site: _SendSite) -> None:
        facts = site.facts
        send = facts.send
        plan = plan_fix(facts, self._site_reach(site), self.walker.span, self.add_mixin)
        message = RGT001.format(form=send.event.form.value, method=send.method,
                                gate=self.settings.gate_functions[0])
        event = send.event_node
        self._add(RGT001.code, message, send.call, facts.statement, send.event.form, site.context,
                  facts.class_name, fix=plan if isinstance(plan, Fix) else None,
                  why_not=plan if isinstance(plan, str) else None,
                  event=self.walker.span(event) if event is not None else None)

    def _site_reach(self, site: _SendSite) -> Reach:
        """A gate defined in a def around the site, else the class's or module's gate,
        unless the site's own function rebinds its name (then nothing is guessed)."""
        closure = closure_gate(site.defs, site.facts.statement.lineno,
                               self.settings.gate_functions, self.walker.closure_gates)
        if closure is not None:
            return closure
        reach = self.reach(site.class_node)
        if reach.kind != "function" or reach.callee is None or not site.defs:
            return reach
        return unless_rebound(reach, site.defs[-1], self.walker.lines)

    # -- RGT002 / RGT003 ----------------------------------------------------------------
    def gate_call(self, site: _GateCallSite) -> None:
        call, frame = site.call, site.frame
        gate = self._called_gate(call, frame)
        label = ast.unparse(call.func)
        class_name = frame.class_node.name if frame.class_node else None
        if gate is None or not gate.readable:
            if gate is not None:
                why = f"{gate.describe()} has no reason parameter; set gate-reason-param"
            else:
                why = self._unreadable_why(call, frame)
            self._note(call, f"`{label}(...)`: respgate cannot read this gate ({why}); "
                             "RGT002/RGT003 not checked")
            return
        is_statement = isinstance(site.statement, ast.Expr) and site.statement.value is call
        if (gate.is_async and frame.kind == "function" and frame.is_async and is_statement
                and not site.awaited):
            message = RGT002.format(gate=label, function=frame.name or "")
            self._add(RGT002.code, message, call, site.statement, Form.GATE_CALL, site.context,
                      class_name)
        found, reason = _reason_argument(call, gate)
        if not found:
            return
        if isinstance(reason, ast.Constant) and isinstance(reason.value, str):
            first = self._reason_sites.setdefault(reason.value, call.lineno)
            self.result.gate_reasons.append(reason.value)
            if first != call.lineno and not frame.in_gate:
                problem = (f"reason {reason.value!r} of `{label}(...)` is already used at line "
                           f"{first}; give each call site its own reason")
                self._add(RGT003.code, RGT003.format(problem=problem), call, site.statement,
                          Form.GATE_CALL, site.context, class_name)
        elif not frame.in_gate:
            problem = _unliteral_reason_problem(label, reason, frame)
            self._add(RGT003.code, RGT003.format(problem=problem), call, site.statement,
                      Form.GATE_CALL, site.context, class_name)

    def _called_gate(self, call: ast.Call, frame: Frame) -> GateModel | None:
        """The model of the gate this call reaches: ``self.gate`` through the class,
        ``gate`` through the module, any other receiver only if the file defines one gate
        of that name."""
        func = call.func
        index = self.walker.index
        if isinstance(func, ast.Name):
            return self.project.function_gate(index, func.id).gate
        if not isinstance(func, ast.Attribute):
            return None
        name = func.attr
        owner = func.value
        if (isinstance(owner, ast.Name) and owner.id == frame.self_name
                and frame.class_node is not None):
            return self.project.method_gate(index, frame.class_node, (name,)).gate
        if isinstance(owner, ast.Attribute) and owner.attr == "response_gate":
            from .gates import REFERENCE_GATE
            return REFERENCE_GATE  # the runtime's ResponseGate, through the mixin's property
        candidates = [m for node in index.classes.values()
                      for m in index.class_gates(node).values() if m.name == name]
        candidates += [m for m in index.functions.values() if m.name == name]
        return candidates[0] if len(candidates) == 1 else None

    def _unreadable_why(self, call: ast.Call, frame: Frame) -> str:
        func = call.func
        if (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)
                and func.value.id == frame.self_name and frame.class_node is not None):
            reach = self.project.method_gate(self.walker.index, frame.class_node, (func.attr,))
            if reach.hidden:
                return f"the class may inherit it from `{reach.hidden}`, which it cannot read"
            return f"class {frame.class_node.name} and its bases define no `{func.attr}`"
        if isinstance(func, ast.Name):
            reach = self.project.function_gate(self.walker.index, func.id)
            if reach.hidden:
                return f"it is imported from `{reach.hidden}`, which it cannot read"
            return f"no definition of `{func.id}` in reach"
        return "the object it is called on is unknown"

    def _note(self, node: ast.expr, text: str) -> None:
        if text not in self._noted:
            self._noted.add(text)
            self.result.notes.append((node.lineno, text))

    def _add(self, code: str, message: str, call: ast.Call, stmt: ast.stmt, form: Form,
             context: SiteContext, class_name: str | None, *, fix: Fix | None = None,
             why_not: str | None = None, event: Span | None = None) -> None:
        if code != RGT001.code:
            why_not = NotFixable.NOT_GATE_CALL.value
        self.result.findings.append(Finding(
            code=code, message=message, span=self.walker.span(call), form=form,
            statement=self.walker.span(stmt),
            function=context.functions[0] if context.functions else None,
            class_name=class_name, event=event, fix=fix, why_not=why_not, context=context,
        ))


def _unliteral_reason_problem(label: str, reason: ast.expr | None, frame: Frame) -> str:
    """What is wrong with a reason that is not a literal. A wrapper that passes its own
    parameter on gets told how to have its callers' reasons checked instead."""
    if reason is None:
        return f"`{label}(...)` has no reason; telemetry groups triggers by a literal reason"
    if isinstance(reason, ast.Name) and reason.id in frame.params and frame.name:
        param = "" if "reason" in reason.id.lower() else f' and gate-reason-param = "{reason.id}"'
        return (f"`{label}(...)` passes on `{reason.id}`, a parameter of `{frame.name}`: its "
                f"callers choose the reason, unchecked; set `{frame.name}` in gate-functions"
                f"{param} so that each of its calls is checked instead")
    return (f"`{label}(...)` has a reason that is not a string literal; telemetry groups "
            "triggers by a literal reason")


def _reason_argument(call: ast.Call, gate: GateModel) -> tuple[bool, ast.expr | None]:
    """(readable?, the reason expression or None when not passed)."""
    if any(isinstance(a, ast.Starred) for a in call.args) or any(
            k.arg is None for k in call.keywords):
        return False, None
    for keyword in call.keywords:
        if keyword.arg == gate.reason_param:
            return True, keyword.value
    positional = [p.name for p in gate.params if p.kind != "keyword_only"]
    if gate.reason_param in positional:
        index = positional.index(gate.reason_param)
        if index < len(call.args):
            return True, call.args[index]
    return True, None


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
        awaits = node.value if isinstance(node, ast.Await) else None
        children: list[ast.AST] = []
        for name in node._fields:  # ast.iter_child_nodes, without the leaves (no call in them)
            value = getattr(node, name, None)
            if isinstance(value, list):
                children.extend(v for v in value if isinstance(v, ast.AST)
                                and not isinstance(v, _LEAVES))
            elif isinstance(value, ast.AST) and not isinstance(value, _LEAVES):
                children.append(value)
        for child in reversed(children):
            stack.append((child, child is awaits, inner))
