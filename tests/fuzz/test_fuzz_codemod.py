"""The codemod on generated programs: output parses, a second run changes nothing, and a
program without findings comes back byte-identical (``rewrite_source`` is what ``respgate fix``
runs on each file)."""

from __future__ import annotations

import hypothesmith
import pytest
from hypothesis import given
from hypothesis import strategies as st

from respgate_lint.codemods.rewrite import rewrite_source
from respgate_lint.engine import analyze_source
from respgate_lint.sourcetext import span_text, split_lines

from .programs import DEFAULT, WIDE, parses
from .realtime_programs import realtime_modules

# hypothesmith compiles what it generates ("<string>": `1(2)` draws a SyntaxWarning); that is
# the generator talking, not respgate.
pytestmark = pytest.mark.filterwarnings("ignore::SyntaxWarning")

_ANY_PROGRAM = st.one_of(hypothesmith.from_grammar(), hypothesmith.from_node())


def _fix(data: bytes, settings=DEFAULT):  # type: ignore[no-untyped-def]
    text = data.decode("utf-8")
    return rewrite_source(data, text, "utf-8", settings, filename="<fuzz>")


def _assert_safe_and_idempotent(source: str, settings=DEFAULT) -> None:  # type: ignore[no-untyped-def]
    data = source.encode("utf-8")
    first = _fix(data, settings)
    assert first.error is None, first.error
    _assert_safe_fixes_applied(source, first, settings)
    if not first.changed:
        assert first.data == data
        return
    new_text = first.data.decode("utf-8")
    assert parses(new_text) is not None, new_text
    second = _fix(first.data, settings)
    assert second.error is None, second.error
    assert not second.changed and second.data == first.data, new_text
    rewritten = sum(site.status == "rewritten" for site in first.sites)
    assert rewritten >= 1
    # Each rewritten site is gone; nothing else appeared or vanished.
    before = [f for f in analyze_source(source, settings).findings if f.code == "RGT001"]
    after = [f for f in analyze_source(new_text, settings).findings if f.code == "RGT001"]
    assert len(after) == len(before) - rewritten, new_text


def _assert_safe_fixes_applied(source: str, result, settings) -> None:  # type: ignore[no-untyped-def]
    """"Fixable" always means "rewritten, and every carried payload value is in the output"."""
    lines = split_lines(source)
    sites = {(s.line, s.col): s for s in result.sites}
    new_text = result.data.decode("utf-8")
    for finding in analyze_source(source, settings).findings:
        if finding.code != "RGT001" or not finding.safe_fix:
            continue
        site = sites[(finding.line, finding.col)]
        if site.status == "noqa" or site.why == "shares a statement with another rewritten send":
            continue
        assert site.status == "rewritten", (site, source)
        assert finding.fix is not None
        for arg in finding.fix.args:
            if arg.span is not None:
                carried = span_text(lines, arg.span)
                assert carried and carried in new_text, (carried, new_text)


@pytest.mark.slow
@given(realtime_modules())
def test_codemod_on_realtime_handlers(source: str) -> None:
    _assert_safe_and_idempotent(source)


@pytest.mark.slow
@given(_ANY_PROGRAM)
def test_codemod_leaves_programs_without_findings_byte_identical(source: str) -> None:
    if parses(source) is None:
        return
    data = source.encode("utf-8")
    findings = [f for f in analyze_source(source, DEFAULT).findings if f.code == "RGT001"]
    result = _fix(data)
    if not findings:
        assert not result.changed and result.data == data
    else:  # pragma: no cover - hypothesmith practically never writes a send
        _assert_safe_and_idempotent(source)


@pytest.mark.slow
@given(_ANY_PROGRAM)
def test_codemod_with_look_everywhere_settings(source: str) -> None:
    """Every method call is a send and every capitalised name an event: many rewrites."""
    if parses(source) is None:
        return
    _assert_safe_and_idempotent(source, WIDE)
