"""Output formats of ``respgate check``: one module per format, imported only when used.

Every renderer takes the same ``Report`` (files with findings or problems, in discovery order,
plus counters) and writes to a text stream. Heavy imports (rich for ``text``, the codemod for
``sarif``) happen inside the renderer, and ``text`` does not import rich at all when there is
nothing to show, so a clean ``respgate check`` stays fast.
"""

from __future__ import annotations

import importlib
import os
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from ...config import Settings
from ...runner import FileResult
from ..terminal import color_wanted, shown

if TYPE_CHECKING:
    from ...engine.findings import Finding

__all__ = ["FORMATS", "Report", "display_path", "fix_hint", "plain_message", "render", "shown_path",
           "use_plain"]

# format name -> module under respgate_lint.cli.output
FORMATS: dict[str, str] = {
    "text": "text",
    "json": "json_format",
    "github": "github",
    "sarif": "sarif",
}


class Report:
    """What one ``respgate check`` run has to say (a plain class: see ``config.Settings``)."""

    def __init__(self, *, statistics: bool = False,
                 settings_for: Callable[[Path], Settings] = lambda path: Settings()) -> None:
        self.results: list[FileResult] = []   # only files with something to say
        self.files_checked = 0
        self.silenced = 0                 # findings hidden by ``# noqa``
        self.baselined: int | None = None  # accepted by --baseline (None: no baseline given)
        self.baseline_fixed = 0           # baselined findings no longer present
        self.statistics = statistics
        self.settings_for = settings_for

    @property
    def findings(self) -> list[tuple[FileResult, Finding]]:
        return [(r, f) for r in self.results for f in r.findings]

    @property
    def problems(self) -> list[FileResult]:
        return [r for r in self.results if r.problem is not None]

    def counts_by_code(self) -> Counter[str]:
        return Counter(f.code for _, f in self.findings)

    def baseline_note(self) -> str | None:
        """One sentence about the baseline, or None when no baseline was used."""
        if self.baselined is None:
            return None
        note = f"{self.baselined} baselined finding{'s' if self.baselined != 1 else ''} remain"
        if self.baseline_fixed:
            note += (f"; {self.baseline_fixed} baselined finding"
                     f"{'s are' if self.baseline_fixed != 1 else ' is'} fixed "
                     "(run `respgate baseline` to shrink the baseline)")
        return note


def display_path(path: Path | str) -> str:
    """The path relative to the current folder when it lies inside it (posix), else as given."""
    raw = Path(path)
    try:
        return Path(os.path.abspath(raw)).relative_to(Path.cwd()).as_posix()
    except ValueError:
        return raw.as_posix()


def plain_message(finding: Finding) -> str:
    """The finding's message without the leading code (outputs carry the code separately)."""
    prefix = f"{finding.code} "
    return finding.message.removeprefix(prefix)


def shown_path(path: Path | str) -> str:
    """``display_path`` as text output prints it: control characters and undecodable bytes
    escaped (``terminal.shown``)."""
    return shown(display_path(path))


# RGT002/RGT003 are never rewritten by `respgate fix`: what to do by hand instead
_BY_HAND = {
    "RGT002": "fix by hand: put `await` before the gate call (or hand the coroutine to "
              "`asyncio.create_task(...)`); `respgate fix` does not add it",
    "RGT003": "fix by hand: give this call its own string-literal reason, unique in the file "
              "and named after its code path (e.g. \"TOOL_RESULT_RETRY\"); `respgate fix` "
              "names reasons only for the sends it rewrites",
}


def fix_hint(finding: Finding) -> str:
    """What to do about a finding: for RGT001 what `respgate fix` will do with it; for the
    codes the codemod never fixes, the change to make by hand."""
    if finding.fix is None and finding.code in _BY_HAND:
        return _BY_HAND[finding.code]
    return finding.fix_summary()


def use_plain(stream: TextIO) -> bool:
    """No colour or box drawing unless colour is wanted (``terminal.color_wanted``:
    NO_COLOR > FORCE_COLOR > a terminal)."""
    return not color_wanted(stream)


def render(fmt: str, report: Report, stream: TextIO) -> None:
    """Write ``report`` in format ``fmt`` (a key of ``FORMATS``)."""
    module = importlib.import_module(f"{__name__}.{FORMATS[fmt]}")
    module.render(report, stream)
