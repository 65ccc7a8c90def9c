"""Every rewrite shape and every "not fixed" reason, as before/after snapshots."""

from __future__ import annotations

import pytest

from respgate_lint.config import Settings
from respgate_lint.engine import NotFixable
from respgate_lint.rules import RGT001

from .cases import INSIDE_GATE, NOT_FIXED, REWRITES
from .helpers import assert_sound_fix, fix_text


@pytest.mark.parametrize("before,after", [c[1:] for c in REWRITES], ids=[c[0] for c in REWRITES])
def test_rewrite_snapshot(before: str, after: str) -> None:
    fixed, result = fix_text(before)
    assert fixed == after
    assert result.changed
    assert all(s.status == "rewritten" for s in result.sites), result.sites
    assert_sound_fix(fixed)


@pytest.mark.parametrize("source,why", [c[1:] for c in NOT_FIXED], ids=[c[0] for c in NOT_FIXED])
def test_not_fixed_snapshot(source: str, why: str) -> None:
    fixed, result = fix_text(source)
    assert fixed == source
    assert not result.changed
    assert [s.why for s in result.sites] == [why]
    assert result.sites[0].status in ("not-fixed", "noqa")


def test_every_not_fixable_reason_has_a_snapshot() -> None:
    covered = {why for _, _, why in NOT_FIXED}
    missing = [r.name for r in NotFixable if r is not NotFixable.NOT_GATE_CALL
               and r.value not in covered]
    assert not missing, f"add a NOT_FIXED case for {missing}"


def test_send_inside_gate_is_left_alone_and_not_reported() -> None:
    fixed, result = fix_text(INSIDE_GATE)
    assert fixed == INSIDE_GATE and result.sites == []


@pytest.mark.parametrize("before,after", RGT001.fixes)
def test_rule_catalogue_fix_pairs_hold_exactly(before: str, after: str) -> None:
    fixed, _ = fix_text(before)
    assert fixed == after
    assert_sound_fix(fixed)


def test_configured_gate_name_and_prefix_are_used() -> None:
    source = ("class B:\n    async def handle_tool_call(self, tool_name):\n"
              "        if tool_name == 'lookup':\n"
              "            await self.c.send_event({'type': 'response.create'})\n")
    settings = Settings().replace(gate_functions=("gate",), tool_reason_prefix="TOOL_")
    fixed, _ = fix_text(source, settings)
    assert "await self.gate(\"TOOL_LOOKUP\", self.c, force=False)" in fixed


def test_class_without_gate_is_reported_and_add_mixin_adds_base_and_import() -> None:
    source = ('"""Doc."""\nimport json\n\n\nclass Bridge:\n    async def greet(self):\n'
              '        await self.c.send_event({"type": "response.create"})\n\n\n'
              'class Other(object):\n    async def greet(self):\n'
              '        await self.c.send_event({"type": "response.create"})\n')
    plain, result = fix_text(source)
    assert [line for line, _ in result.notes] == [5, 10]
    assert "will fail at run time" in result.notes[0][1]
    fixed, result = fix_text(source, add_mixin=True)
    assert result.notes == []
    assert fixed.startswith('"""Doc."""\nimport json\nfrom respgate_lint.runtime import GatedResponseMixin\n')
    assert "class Bridge(GatedResponseMixin):" in fixed
    assert "class Other(GatedResponseMixin, object):" in fixed
    assert fixed.replace("(GatedResponseMixin)", "").replace("GatedResponseMixin, ", "").replace(
        "from respgate_lint.runtime import GatedResponseMixin\n", "") == plain
    assert_sound_fix(fixed)
    again, _ = fix_text(fixed, add_mixin=True)
    assert again == fixed


def test_add_mixin_empty_parens_and_no_imports() -> None:
    source = 'class Bridge():\n    async def greet(self):\n        await self.c.send_event({"type": "response.create"})'
    fixed, _ = fix_text(source, add_mixin=True)
    assert fixed.startswith("from respgate_lint.runtime import GatedResponseMixin\nclass Bridge(GatedResponseMixin):")
    compile(fixed, "x", "exec")


def test_inherited_gate_gets_no_note() -> None:
    source = 'class Bridge(Base):\n    async def greet(self):\n        await self.c.send_event({"type": "response.create"})\n'
    _, result = fix_text(source)
    assert result.notes == [] and result.sites[0].status == "rewritten"
