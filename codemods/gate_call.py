"""Write the text of the gate call a fix describes: pure text work, no decisions.

The engine decided the callee, ``await``, and every argument (the reason slot, literal text,
or a span of the original source: the client, a payload value). This module copies the text
under those spans, puts the reason in, and moves comments: a comment inside a carried span
travels with it; one on the line where a carried value ends stays on that argument's line;
every other comment inside the statement is kept on the line of the call's opening
parenthesis. ("The line where it ends": only closing brackets and commas between the value
and the comment, so ``client.send_event(  # why`` stays with the call, not the client.) Nothing is dropped. A one-line send becomes a one-line call; a multi-line send a
multi-line call, one argument per line.
"""

from __future__ import annotations

import io
import tokenize
from collections.abc import Callable
from dataclasses import dataclass

from respgate_lint.engine import Fix, Span

__all__ = ["Comment", "render_gate_call", "statement_comments"]


@dataclass(frozen=True)
class Comment:
    line: int     # absolute, 1-based
    col: int      # absolute character column
    text: str


def statement_comments(segment: str, start: Span) -> list[Comment]:
    """Comments inside a statement's text (``\\n`` newlines) that begins at ``start``."""
    if "#" not in segment:
        return []
    found = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(segment).readline):
            if tok.type == tokenize.COMMENT:
                row, col = tok.start
                line = start.line + row - 1
                found.append(Comment(line, col + start.col if row == 1 else col, tok.string))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return []  # the caller verifies the whole module; comments are best effort here
    return found


def _inside(comment: Comment, span: Span) -> bool:
    return (span.line, span.col) <= (comment.line, comment.col) <= (span.end_line, span.end_col)


def render_gate_call(fix: Fix, reason: str, text_of: Callable[[Span], str],
                     comments: list[Comment], multi_line: bool, indent: str) -> str:
    """``[await ]callee(args)`` as the statement's new text (first line unindented)."""
    spans = [a.span for a in fix.args if a.span is not None]
    travelling = [c for c in comments if any(_inside(c, s) for s in spans)]
    per_arg: list[list[Comment]] = []
    claimed = set(map(id, travelling))
    for arg in fix.args:
        own: list[Comment] = []
        end = arg.span
        if end is not None:
            own = [c for c in comments if id(c) not in claimed and c.line == end.end_line
                   and c.col >= end.end_col and not text_of(
                       Span(c.line, end.end_col, c.line, c.col)).strip(" \t,)]}")]
            claimed.update(map(id, own))
        per_arg.append(own)
    head = [c for c in comments if id(c) not in claimed]
    texts = []
    for arg in fix.args:
        if arg.reason:
            value = f'"{reason}"'
        elif arg.span is not None:
            value = text_of(arg.span)
        else:
            value = arg.text or ""
        texts.append(f"{arg.keyword}={value}" if arg.keyword else value)
    prefix = "await " if fix.awaited else ""
    if not multi_line:
        return f"{prefix}{fix.callee}({', '.join(texts)})"
    step = "\t" if indent.startswith("\t") else "    "
    inner = indent + step
    first = f"{prefix}{fix.callee}("
    lines = [first + (f"  {head[0].text}" if head else "")]
    lines += [inner + c.text for c in head[1:]]
    for text, own in zip(texts, per_arg):
        line = f"{inner}{text},"
        if own:
            line += "  " + own[0].text
        lines.append(line)
        lines += [inner + c.text for c in own[1:]]
    lines.append(indent + ")")
    return "\n".join(lines)
