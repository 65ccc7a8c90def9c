"""``respgate fix -``: fix source read from stdin; the fixed source (or the diff) to stdout.

For editors and pipelines. The same per-file pipeline and rewrite as for a file
(``runner.check_source`` then ``codemods.rewrite.rewrite_file``), under the name given by
``--stdin-filename`` (its configuration, excludes and per-file ignores apply). Nothing is
lost: whenever no rewrite can be made (an excluded name, a syntax error, an internal error)
the input goes back to stdout unchanged, so ``respgate fix - < a.py > b.py`` always leaves a
complete ``b.py``. The site lines and the summary go to stderr.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..config import Settings
from ..files import FileProblem
from ..runner import SettingsResolver, check_source, stdin_settings, stdin_source
from .fix_output import FixReporter
from .inputs import read_stdin

__all__ = ["fix_stdin"]


def fix_stdin(name: Path, resolver: SettingsResolver, exclude: tuple[str, ...], *,
              add_mixin: bool, unsafe_fixes: bool, diff: bool, quiet: bool,
              explain_reasons: bool) -> int:
    """Fix stdin under ``name``; returns the exit code (as ``respgate fix`` for one file)."""
    from respgate_lint.codemods.diff import patch_name, unified_diff

    data = read_stdin()
    reporter = FixReporter(diff_mode=diff, quiet=quiet, explain_reasons=explain_reasons or diff,
                           report_to_stderr=True)
    settings = stdin_settings(name, resolver, exclude)
    new = data
    if settings is not None:
        fixed, new = _fixed(name, data, settings, add_mixin=add_mixin,
                            unsafe_fixes=unsafe_fixes)
        fixed.diff = unified_diff(patch_name(name), data, new) if diff else b""
        reporter.file(fixed)
    if not diff:
        reporter.write_source(new)
    reporter.summary()
    return reporter.finish()


def _fixed(name: Path, data: bytes, settings: Settings, *, add_mixin: bool,
           unsafe_fixes: bool) -> tuple[Any, bytes]:
    """A ``FileFix`` for the source and the rewritten bytes (the input when not rewritten)."""
    from respgate_lint.codemods.fixer import FileFix, planned_fix

    loaded = stdin_source(data, name)
    if isinstance(loaded, FileProblem):
        return FileFix(name, problem=loaded.message), data
    analysed = check_source(loaded, settings, add_mixin=add_mixin, keep=True)
    fixed, new = planned_fix(name, analysed, settings, unsafe_fixes=unsafe_fixes)
    return fixed, data if new is None else new
