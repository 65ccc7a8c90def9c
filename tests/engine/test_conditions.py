"""``equality_tests``: the one reading of branch conditions behind reason labels and
"this branch handles only response.create"."""

from __future__ import annotations

import ast

import pytest

from respgate_lint.engine.conditions import equality_tests
from respgate_lint.engine.scopes import branch_label


def _read(test: str, *, through_or: bool) -> list[tuple[str, list[str]]]:
    node = ast.parse(test, mode="eval").body
    return [(ast.unparse(s), [ast.unparse(v) for v in values])
            for s, values in equality_tests(node, through_or=through_or)]


@pytest.mark.parametrize("test, through_or, expected", [
    ("t == RC", False, [("t", ["RC"]), ("RC", ["t"])]),
    ("RC is t", False, [("RC", ["t"]), ("t", ["RC"])]),
    ("t in (A, B)", False, [("t", ["A", "B"])]),
    ("t in {A}", False, [("t", ["A"])]),
    ("t in names", False, []),
    ("a < b", False, []),
    ("a == b == c", False, []),
    ("ready and t == RC", False, [("t", ["RC"]), ("RC", ["t"])]),
    ("t == A or t == B", False, []),
    ("t == A or u == 'x'", True, [("t", ["A"]), ("A", ["t"]), ("u", ["'x'"]), ("'x'", ["u"])]),
])
def test_comparisons_read_from_a_condition(test: str, through_or: bool,
                                           expected: list[tuple[str, list[str]]]) -> None:
    assert _read(test, through_or=through_or) == expected


@pytest.mark.parametrize("test, label", [
    ("name == 'save_lead'", ("save_lead", "name")),
    ("'save_lead' == name", ("save_lead", "name")),
    ("ok or tool in ('', 'book', 'cancel')", ("book", "tool")),
    ("name == ''", None),
    ("count == 3", None),
])
def test_branch_labels_are_the_first_non_empty_string_compared(
        test: str, label: tuple[str, str] | None) -> None:
    assert branch_label(ast.parse(test, mode="eval").body) == label
