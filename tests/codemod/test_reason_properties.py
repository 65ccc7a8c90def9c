"""Reason properties on generated Realtime programs: valid, unique, deterministic, and stable
when a bypass is inserted above the others (issue 13)."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from respgate_lint.codemods.reasons import MAX_REASON_LENGTH
from respgate_lint.codemods.rewrite import rewrite_source

from respgate_lint.config import Settings

from ..fuzz.realtime_programs import realtime_modules

pytestmark = pytest.mark.filterwarnings("ignore::SyntaxWarning")

_PROBE = ("from respgate_lint.runtime import GatedResponseMixin\n\n\n"
          "class ProbeInserted(GatedResponseMixin):\n"
          "    async def zz_probe_inserted(self):\n"
          "        await self.c.send_event({\"type\": \"response.create\"})\n\n\n")


def _reasons(source: str) -> list[str]:
    result = rewrite_source(source.encode("utf-8"), source, "utf-8", Settings(), filename="<gen>")
    assert result.error is None, result.error
    return [s.reason for s in result.sites if s.status == "rewritten"]


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(realtime_modules())
def test_reasons_are_valid_unique_deterministic_and_stable(source: str) -> None:
    reasons = _reasons(source)
    assert len(set(reasons)) == len(reasons)
    assert all(re.fullmatch(r"[A-Z][A-Z0-9_]*", r) for r in reasons), reasons
    assert all(3 < len(r) <= MAX_REASON_LENGTH for r in reasons), reasons
    assert _reasons(source) == reasons
    newline = "\r\n" if "\r\n" in source else "\n"
    inserted = _reasons(_PROBE.replace("\n", newline) + source)
    assert inserted == ["ZZ_PROBE_INSERTED", *reasons]
