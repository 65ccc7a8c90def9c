"""The structures behind linear hot lines and bindings give the answers of the simple ones.

``LineIndex.lines_with_words`` (a word index after a few scans) must find exactly the lines
the regex ``\\b(?:w1|w2)\\b`` finds; ``Scope`` with ``mark`` / ``changes_since`` / ``undo`` /
``join`` must hold exactly what the walker's former dict copies and merge held.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from respgate_lint.engine.bindings import Scope, join
from respgate_lint.engine.findings import Form
from respgate_lint.engine.matches import EventMatch
from respgate_lint.sourcetext import LineIndex

# Word characters of several scripts (\w is Unicode), separators, and every line ending.
_ALPHABET = st.sampled_from(list("ab_1é٣ß") + [" ", ".", "#", '"', "\r", "\n", "\r\n", "\t", "\f"])
_TEXT = st.lists(_ALPHABET, max_size=60).map("".join)
_WORD = st.text(alphabet="ab_1é٣ß", min_size=1, max_size=3)


def _regex_lines(index: LineIndex, words: list[str]) -> set[int]:
    if not words:
        return set()
    return index.lines_matching(re.compile(r"\b(?:%s)\b" % "|".join(
        re.escape(w) for w in sorted(words))))


@settings(max_examples=300, deadline=None)
@given(_TEXT, st.lists(st.lists(_WORD, max_size=4), min_size=1, max_size=6))
def test_word_lookups_match_the_regex(text: str, batches: list[list[str]]) -> None:
    index, reference = LineIndex(text), LineIndex(text)
    for words in batches:   # the first batches scan, the later ones use the index
        assert index.lines_with_words(words) == _regex_lines(reference, words), words
    assert index.word_scans <= LineIndex.WORD_SCANS


def test_words_that_are_not_one_word_still_match() -> None:
    index = LineIndex("a.b = 1\nx\n")
    assert index.lines_with_words(["x"]) == {2}
    assert index.lines_with_words(["a.b"]) == {1}
    assert index.lines_with_words(["", "x"]) == {2}


def test_a_big_batch_builds_the_index_at_once() -> None:
    index = LineIndex("".join(f"n{i} = 1\n" for i in range(100)))
    assert index.lines_with_words([f"n{i}" for i in range(50)]) == set(range(1, 51))
    assert (index.word_scans, index.index_builds) == (0, 1)


# -- scopes ---------------------------------------------------------------------------------
def _match(line: int) -> EventMatch:
    return EventMatch(Form.DICT, None, line)


# A program: ("bind", name, line) | ("unbind", name) | ("branches", fallthrough, [program...])
_NAMES = st.sampled_from(["a", "b", "c", "d"])
_STEP = st.deferred(lambda: st.one_of(
    st.tuples(st.just("bind"), _NAMES, st.integers(1, 50)),
    st.tuples(st.just("unbind"), _NAMES),
    st.tuples(st.just("branches"), st.booleans(), st.lists(_PROGRAM, min_size=1, max_size=3)),
))
_PROGRAM = st.lists(_STEP, max_size=5)


def _run_dicts(bindings: dict[str, EventMatch], program: list) -> dict[str, EventMatch]:
    """The walker's former model: a copy per branch, then "may hold" merge, first wins."""
    for step in program:
        if step[0] == "bind":
            bindings[step[1]] = _match(step[2])
        elif step[0] == "unbind":
            bindings.pop(step[1], None)
        else:
            results = [bindings] if step[1] else []
            results += [_run_dicts(dict(bindings), body) for body in step[2]]
            merged: dict[str, EventMatch] = {}
            for branch in results:
                for name, match in branch.items():
                    merged.setdefault(name, match)
            bindings = merged
    return bindings


def _run_scope(scope: Scope, program: list) -> None:
    for step in program:
        if step[0] == "bind":
            scope.bind(step[1], _match(step[2]))
        elif step[0] == "unbind":
            scope.unbind(step[1])
        else:
            mark = scope.mark()
            results = [{}] if step[1] else []
            for body in step[2]:
                _run_scope(scope, body)
                results.append(scope.changes_since(mark))
                scope.undo(mark)
            scope.release(mark)
            join(scope, results)


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(_NAMES, st.integers(1, 50)), st.lists(_NAMES, max_size=2), _PROGRAM)
def test_scope_holds_what_the_copies_held(module: dict[str, int], params: list[str],
                                          program: list) -> None:
    outer = Scope({name: _match(line) for name, line in module.items()})
    inner = Scope(parent=outer, hidden=tuple(params))   # a function: parameters hidden
    expected = _run_dicts({k: v for k, v in outer.items() if k not in params}, program)
    _run_scope(inner, program)
    assert dict(inner.items()) == expected
    assert {name: outer.get(name) for name in module} == {
        name: _match(line) for name, line in module.items()}   # the module is never written


def test_a_function_scope_holds_only_its_own_changes() -> None:
    """Reading through instead of copying: a function over 5,000 module constants starts
    with its parameters only, and a branch leaves only what it changed."""
    module = Scope({f"C{i}": _match(i) for i in range(5000)})
    function = Scope(parent=module, hidden=("self", "C7"))
    assert len(function._own) == 2 and "C7" not in function and "C8" in function
    mark = function.mark()
    function.bind("evt", _match(1))
    results = [{}, function.changes_since(mark)]
    function.undo(mark)
    function.release(mark)
    join(function, results)
    assert len(function._own) == 3 and function.get("evt") == _match(1)
    assert function._trail == []
