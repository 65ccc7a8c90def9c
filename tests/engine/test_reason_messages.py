"""RGT003's wording for a reason that is not a literal: a wrapper that passes its own
parameter on is told how to have its callers checked, not to invent a literal for itself."""

from __future__ import annotations

from textwrap import dedent

from respgate_lint.config import Settings
from respgate_lint.engine import analyze_source

WRAPPERS = dedent('''\
    from respgate_lint.runtime import GatedResponseMixin


    class Bridge(GatedResponseMixin):
        async def respond(self, why):
            await self.trigger_response(why, self.client)

        async def respond_for(self, tool_reason, client):
            await self.trigger_response(tool_reason, client)

        async def shout(self, why):
            await self.trigger_response(why.upper(), self.client)

        async def on_tool(self):
            await self.respond("TOOL_DONE")

        async def on_other_tool(self):
            await self.respond("TOOL_DONE")
''')


def _rgt003(source: str, settings: Settings | None = None) -> dict[int, str]:
    findings = analyze_source(source, settings or Settings()).findings
    return {f.line: f.message for f in findings if f.code == "RGT003"}


def test_a_wrapper_passing_its_parameter_on_is_told_how_to_check_its_callers() -> None:
    messages = _rgt003(WRAPPERS)
    assert set(messages) == {6, 9, 12}
    assert "passes on `why`, a parameter of `respond`" in messages[6]
    assert 'set `respond` in gate-functions and gate-reason-param = "why"' in messages[6]
    # a parameter whose name says "reason" needs no gate-reason-param
    assert "set `respond_for` in gate-functions so that" in messages[9]
    # a computed reason is no pass-through: the general wording
    assert "not a string literal" in messages[12] and "gate-functions" not in messages[12]


def test_following_the_advice_checks_the_callers_instead() -> None:
    settings = Settings().replace(
        gate_functions=("trigger_response", "trigger_response_from_tool", "respond"),
        gate_reason_param="why")
    messages = _rgt003(WRAPPERS, settings)
    assert 6 not in messages            # inside a gate: delegation
    assert "'TOOL_DONE'" in messages[18] and "already used at line 15" in messages[18]
