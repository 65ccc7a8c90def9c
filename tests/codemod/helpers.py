"""Shared checks: run the rewrite on text, and the three properties every fix must have."""

from __future__ import annotations

from respgate_lint.config import Settings
from respgate_lint.engine import analyze_source

from respgate_lint.codemods.rewrite import RewriteResult, rewrite_source


def fix_text(source: str, settings: Settings | None = None, **kw: object) -> tuple[str, RewriteResult]:
    result = rewrite_source(source.encode("utf-8"), source, "utf-8", settings or Settings(), **kw)
    assert result.error is None, result.error
    return result.data.decode("utf-8"), result


def assert_sound_fix(after: str) -> None:
    """Compiles, has no rewritable RGT001 left, and fixing again changes nothing."""
    compile(after, "<fixed>", "exec")
    left = [f for f in analyze_source(after, Settings()).findings if f.code == "RGT001" and f.fixable]
    assert left == [], left
    again, result = fix_text(after)
    assert again == after
    assert not result.changed
