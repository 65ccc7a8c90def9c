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
    assert len(result.sites) == 1 and (result.sites[0].why or "").startswith(why), result.sites
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
    source = ("class B:\n    async def gate(self, reason, client, force=False):\n"
              "        await client.send_event({'type': 'response.create'})\n\n"
              "    async def handle_tool_call(self, tool_name):\n"
              "        if tool_name == 'lookup':\n"
              "            await self.c.send_event({'type': 'response.create'})\n")
    settings = Settings().replace(gate_functions=("gate",), tool_reason_prefix="TOOL_")
    fixed, _ = fix_text(source, settings)
    assert "await self.gate(\"TOOL_LOOKUP\", self.c, force=False)" in fixed


def test_class_without_gate_is_not_fixed_and_add_mixin_adds_base_and_import() -> None:
    source = ('"""Doc."""\nimport json\n\n\nclass Bridge:\n    async def greet(self):\n'
              '        await self.c.send_event({"type": "response.create"})\n\n\n'
              'class Other(object):\n    async def greet(self):\n'
              '        await self.c.send_event({"type": "response.create"})\n')
    plain, result = fix_text(source)
    assert plain == source
    assert [(s.line, s.why) for s in result.sites] == [(7, NotFixable.NO_GATE.value),
                                                        (12, NotFixable.NO_GATE.value)]
    fixed, result = fix_text(source, add_mixin=True)
    assert [s.status for s in result.sites] == ["rewritten", "rewritten"]
    # the codemod cannot wire observe(): it says where, once per class
    assert [line for line, _ in result.notes] == [5, 10]
    assert all("self.response_gate.observe(event)" in note for _, note in result.notes)
    assert fixed.startswith('"""Doc."""\nimport json\nfrom respgate_lint.runtime import GatedResponseMixin\n')
    assert "class Bridge(GatedResponseMixin):" in fixed
    assert "class Other(GatedResponseMixin, object):" in fixed
    assert fixed.count("await self.trigger_response(") == 2
    assert_sound_fix(fixed)
    again, _ = fix_text(fixed, add_mixin=True)
    assert again == fixed


def test_add_mixin_empty_parens_and_no_imports() -> None:
    source = 'class Bridge():\n    async def greet(self):\n        await self.c.send_event({"type": "response.create"})'
    fixed, _ = fix_text(source, add_mixin=True)
    assert fixed.startswith("from respgate_lint.runtime import GatedResponseMixin\nclass Bridge(GatedResponseMixin):")
    compile(fixed, "x", "exec")


def test_add_mixin_keeps_generic_and_says_where_to_observe() -> None:
    source = ("import json\nfrom typing import Generic, TypeVar\nT = TypeVar('T')\n\n\n"
              "class Bridge(Generic[T]):\n    async def pump(self, ws):\n"
              "        async for message in ws:\n            event = json.loads(message)\n"
              "            if event['type'] == 'response.done':\n"
              "                await ws.send(json.dumps({'type': 'response.create'}))\n")
    plain, result = fix_text(source)
    assert plain == source and result.sites[0].why == NotFixable.NO_GATE.value
    fixed, result = fix_text(source, add_mixin=True)
    assert "class Bridge(GatedResponseMixin, Generic[T]):" in fixed
    assert "await self.trigger_response(\"RESPONSE_DONE\", ws, force=False)" in fixed
    assert result.notes == [(8, "class Bridge now uses GatedResponseMixin, whose gate must see "
                                "every server event: add `self.response_gate.observe(event)` in "
                                "this loop right after `event` is assigned (line 9)")]
    assert_sound_fix(fixed)
    # the loop's own target is the event: then the first line of the loop is the place
    direct = source.replace("async for message in ws:\n            event = json.loads(message)\n",
                            "async for event in ws:\n")
    assert direct != source
    _, result = fix_text(direct, add_mixin=True)
    assert [note for _, note in result.notes] == [
        "class Bridge now uses GatedResponseMixin, whose gate must see every server event: "
        "add `self.response_gate.observe(event)` as the first line of this loop"]


def test_add_mixin_observes_the_loop_of_server_events_not_of_frame_kinds() -> None:
    """An aiohttp relay: both loops test ``msg.type`` (the frame's kind, WSMsgType); only the
    second decodes server events and reads their type."""
    source = ("import json\nimport aiohttp\n\n\nclass Relay:\n"
              "    async def upstream(self, browser, openai_ws):\n"
              "        async for msg in browser:\n"
              "            if msg.type == aiohttp.WSMsgType.TEXT:\n"
              "                await openai_ws.send_str(msg.data)\n\n"
              "    async def downstream(self, browser, openai_ws):\n"
              "        async for msg in openai_ws:\n"
              "            if msg.type == aiohttp.WSMsgType.TEXT:\n"
              "                data = json.loads(msg.data)\n"
              "                if data['type'] == 'response.done':\n"
              "                    await openai_ws.send_json({'type': 'response.create'})\n")
    fixed, result = fix_text(source, add_mixin=True)
    assert "await self.trigger_response(" in fixed
    assert result.notes == [(12, "class Relay now uses GatedResponseMixin, whose gate must see "
                                 "every server event: add `self.response_gate.observe(data)` in "
                                 "this loop right after `data` is assigned (line 14)")]
    assert_sound_fix(fixed)


def test_unreadable_base_is_not_fixed_and_add_mixin_is_unsafe() -> None:
    source = ('from framework import Base\n\n\nclass Bridge(Base):\n    async def greet(self):\n'
              '        await self.c.send_event({"type": "response.create"})\n')
    plain, result = fix_text(source)
    assert plain == source
    assert result.sites[0].why == NotFixable.HIDDEN_BASE.value + ": `Base`"
    withheld, result = fix_text(source, add_mixin=True)
    assert withheld == source and result.sites[0].status == "unsafe"
    assert "takes precedence" in (result.sites[0].why or "")
    fixed, result = fix_text(source, add_mixin=True, unsafe_fixes=True)
    assert "class Bridge(GatedResponseMixin, Base):" in fixed
    assert result.sites[0].status == "rewritten" and result.sites[0].unsafe
