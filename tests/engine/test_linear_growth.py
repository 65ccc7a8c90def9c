"""The engine's work grows linearly with the shapes that once made it quadratic.

No clocks: the work is counted as the Python lines the package executes (``sys.settrace``
line events in ``respgate_lint`` and ``codemods``), which is deterministic. A rescan of the
file per watched name, a copy of the module's bindings per function or branch, or a merge
that walks every name, all run Python lines per name, so they show up as a ratio far above
4 when the input grows 4x. The files are the benchmark's generators
(``benchmarks/pathological.py``), smaller.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from benchmarks.pathological import event_variables, module_constants, noqa_sites
from respgate_lint.config import Settings
from respgate_lint.engine.detector import _Walker
from respgate_lint.engine.parsing import parse_source
from respgate_lint.files import SourceFile
from respgate_lint.runner import check_source
from respgate_lint.sourcetext import LineIndex
from tests.workcount import LINEAR, lines_executed


def _check(text: str) -> Callable[[], Any]:
    source = SourceFile(Path("shape.py"), text.encode("utf-8"), text, "utf-8")
    return lambda: check_source(source, Settings())


@pytest.mark.parametrize("shape, small", [
    (event_variables, 40),     # a new event-holding name per handler: once a rescan each
    (module_constants, 40),    # n constants x n functions with branches: once a copy each
    (noqa_sites, 100),         # n silenced sends
])
def test_check_work_is_linear(shape: Callable[[int], str], small: int) -> None:
    work_small = lines_executed(_check(shape(small)))
    work_big = lines_executed(_check(shape(4 * small)))
    assert work_big / work_small <= LINEAR, (shape.__name__, work_small, work_big)


def test_findings_of_the_shapes() -> None:
    """The shapes are what they claim: every send found (or silenced), once."""
    assert len(check_source(*_source(event_variables(30))).findings) == 30
    assert len(check_source(*_source(module_constants(30))).findings) == 30
    result = check_source(*_source(noqa_sites(30)))
    assert (len(result.findings), len(result.noqa)) == (0, 30)


def _source(text: str) -> tuple[SourceFile, Settings]:
    return SourceFile(Path("shape.py"), text.encode("utf-8"), text, "utf-8"), Settings()


@pytest.mark.parametrize("names", [10, 300])
def test_whole_word_lookups_scan_the_text_a_bounded_number_of_times(names: int) -> None:
    """Hundreds of watched names: at most ``WORD_SCANS`` regex scans and one index."""
    text = event_variables(names)
    walker = _Walker(text, parse_source(text), Settings())
    walker.walk()
    assert walker.lines.word_scans <= LineIndex.WORD_SCANS
    assert walker.lines.index_builds <= 1
    assert len(walker._watched) >= names   # every reply_<i> was watched
