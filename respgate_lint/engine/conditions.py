"""What an ``if`` test compares: the one reading of ``x == v``, ``v is x``, ``x in (v, w)``.

Two questions are asked of branch conditions, with different answers, and both read the test
through ``equality_tests``:
- which literal labels a branch, for reason names (``scopes.branch_label``);
- which expression is compared with the event type, so that a branch is known to handle
  only response.create (``EventMatcher.selected_subject``).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

__all__ = ["equality_tests"]


def equality_tests(test: ast.expr, *, through_or: bool) -> Iterator[tuple[ast.expr, list[ast.expr]]]:
    """``(subject, values)`` for each comparison in ``test`` that holds when ``subject``
    equals one of ``values``: both readings of ``a == b`` / ``a is b`` (``(a, [b])`` first),
    and ``(a, elements)`` of ``a in (...)`` / ``[...]`` / ``{...}``. The operands of ``and``
    are read in order, those of ``or`` too when ``through_or``; comparisons of more than two
    operands, and anything else, are not read."""
    if isinstance(test, ast.BoolOp):
        if through_or or isinstance(test.op, ast.And):
            for value in test.values:
                yield from equality_tests(value, through_or=through_or)
        return
    if not isinstance(test, ast.Compare) or len(test.ops) != 1:
        return
    op, left, right = test.ops[0], test.left, test.comparators[0]
    if isinstance(op, (ast.Eq, ast.Is)):
        yield left, [right]
        yield right, [left]
    elif isinstance(op, ast.In) and isinstance(right, (ast.Tuple, ast.List, ast.Set)):
        yield left, list(right.elts)
