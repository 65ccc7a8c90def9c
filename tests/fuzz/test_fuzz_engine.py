"""The engine never raises on generated programs, with default and with look-everywhere settings.

hypothesmith writes arbitrary valid Python (it reaches the prefilter and, with WIDE settings,
the walker on every statement); ``realtime_modules`` writes Realtime handlers full of sends,
traps, gates and control flow (the engine's deep paths with default settings).
"""

from __future__ import annotations

import hypothesmith
import pytest
from hypothesis import given
from hypothesis import strategies as st

from respgate_lint.engine import analyze, analyze_source, split_suppressed

from .programs import DEFAULT, WIDE, check_analysis, parses
from .realtime_programs import realtime_modules

# hypothesmith compiles what it generates ("<string>": `1(2)` draws a SyntaxWarning); that is
# the generator talking, not respgate.
# hypothesmith compiles what it generates ("<string>": invalid escapes, `1(2)`); that is the
# generator talking, not respgate, which silences the parser's warnings about user code.
pytestmark = [pytest.mark.filterwarnings("ignore::SyntaxWarning:<string>"),
              pytest.mark.filterwarnings("ignore::DeprecationWarning:<string>")]

_ANY_PROGRAM = st.one_of(hypothesmith.from_grammar(), hypothesmith.from_node())


@pytest.mark.slow
@given(_ANY_PROGRAM)
def test_engine_never_raises_on_arbitrary_python(source: str) -> None:
    tree = parses(source)
    if tree is None:
        return
    for settings in (DEFAULT, WIDE):
        analysis = analyze(source, tree, settings)
        check_analysis(source, analysis)
        split_suppressed(analysis.findings, source)


@pytest.mark.slow
@given(realtime_modules())
def test_engine_never_raises_on_realtime_handlers(source: str) -> None:
    assert parses(source) is not None, source
    for settings in (DEFAULT, WIDE):
        analysis = analyze_source(source, settings)
        check_analysis(source, analysis)


@pytest.mark.slow
@given(realtime_modules())
def test_analyze_and_analyze_source_agree(source: str) -> None:
    """flake8 hands over its own tree; ``respgate check`` parses: same findings either way."""
    tree = parses(source)
    assert tree is not None
    assert analyze(source, tree, DEFAULT).findings == analyze_source(source, DEFAULT).findings
