"""Real gate shapes: the rewrite must fit the gate the code base has, and still run.

Each case is a small module with its own gate and a bypassing send. It is fixed with the
real codemod, then imported and driven with fake clients: the create must reach the wire
*through the gate* (the gate counts it), with its payload; or the site is left alone with
the reason the engine gives. Nothing may raise.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from respgate_lint.codemods.fixer import FixTask, fix_file
from respgate_lint.config import Settings
from respgate_lint.engine import NotFixable

from .helpers import assert_sound_fix, fix_text


# -- fake clients: each accepts exactly one kind of event, like the real ones ----------------
class DictClient:
    """``await client.send_event(dict)`` (a Realtime client wrapper)."""

    def __init__(self, wire: list[dict[str, Any]]) -> None:
        self.wire = wire

    async def send_event(self, event: dict[str, Any]) -> None:
        if not isinstance(event, dict):
            raise TypeError(f"send_event takes a dict, got {type(event).__name__}")
        self.wire.append(event)


class TextSocket:
    """``await ws.send(str)`` (a raw websocket: JSON text only)."""

    def __init__(self, wire: list[dict[str, Any]]) -> None:
        self.wire = wire

    async def send(self, text: str) -> None:
        if not isinstance(text, str):
            raise TypeError(f"send takes text, got {type(text).__name__}")
        self.wire.append(json.loads(text))


class SyncSocket:
    """``ws.send(str)`` without await (websocket-client, in a thread)."""

    def __init__(self, wire: list[dict[str, Any]]) -> None:
        self.wire = wire

    def send(self, text: str) -> None:
        self.wire.append(json.loads(text))


def _load(path: Path, name: str) -> Any:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _left_alone(source: str, why: NotFixable) -> None:
    """The site is not rewritten, and the reason given is ``why``."""
    fixed, result = fix_text(source)
    assert fixed == source
    assert (result.sites[0].why or "").startswith(why.value), result.sites


def _fix_and_load(tmp_path: Path, source: str, name: str, *, withheld: bool = False,
                  **settings: Any) -> tuple[Any, Any]:
    """Fix, check the result (``withheld``: unsafe fixes are left, so only compile it) and
    import it."""
    path = tmp_path / f"{name}.py"
    path.write_text(textwrap.dedent(source))
    result = fix_file(FixTask(path, Settings().replace(**settings) if settings else Settings(),
                              unsafe_fixes=False))
    assert result.problem is None, result.problem
    text = path.read_text()
    if settings or withheld:
        compile(text, str(path), "exec")
    else:
        assert_sound_fix(text)
    return result, _load(path, f"gate_shape_{name}")


SEED = '''
    import json

    class Bridge:
        """The seed's production gate: reason first, client optional, no payload."""

        def __init__(self, client, ws):
            self.client, self.ws, self.gated = client, ws, []

        async def trigger_response(self, reason, client=None, is_greeting=False, force=False):
            client = client or self.client
            self.gated.append(reason)
            await client.send_event({"type": "response.create"})

        async def on_tool_done(self, name):
            if name == "book":
                await self.client.send_event({"type": "response.create"})

        async def on_drop(self):
            await self.ws.send(json.dumps({"type": "response.create"}))

        async def greet(self):
            await self.client.send_event({"type": "response.create", "response": {"instructions": "Hi"}})
'''


def test_seed_gate_without_payload(tmp_path: Path) -> None:
    result, module = _fix_and_load(tmp_path, SEED, "seed", withheld=True)
    statuses = {s.line: (s.status, s.why) for s in result.sites}
    assert [v[0] for v in statuses.values()] == ["rewritten", "unsafe", "not-fixed"]
    assert statuses[max(statuses)][1].startswith(NotFixable.GATE_PAYLOAD.value)
    text = (tmp_path / "seed.py").read_text()
    assert 'await self.trigger_response("FUNCTION_BOOK", self.client, force=False)' in text
    # a raw websocket is not what this gate sends with; its own client (self.client) may be
    # another session, so handing the create to it is an unsafe fix, withheld by default
    assert "sends with `self.client` when no client is passed; this site sends with `self.ws`" \
        in (statuses[sorted(statuses)[1]][1] or "")
    assert 'await self.ws.send(json.dumps({"type": "response.create"}))' in text
    wire: list[dict[str, Any]] = []
    bridge = module.Bridge(DictClient(wire), TextSocket(wire))
    asyncio.run(bridge.on_tool_done("book"))
    assert bridge.gated == ["FUNCTION_BOOK"]
    assert wire == [{"type": "response.create"}]


def test_seed_gate_own_client_for_another_socket_with_unsafe_fixes() -> None:
    fixed, result = fix_text(textwrap.dedent(SEED), unsafe_fixes=True)
    assert 'await self.trigger_response("DROP", force=False)' in fixed
    drop = sorted(result.sites, key=lambda s: s.line)[1]
    assert drop.status == "rewritten" and drop.unsafe


def test_seed_gate_with_payload_parameter_keeps_the_payload(tmp_path: Path) -> None:
    source = SEED.replace("is_greeting=False, force=False):",
                          "is_greeting=False, force=False, response=None):").replace(
        'await client.send_event({"type": "response.create"})\n',
        'await client.send_event({"type": "response.create", **({"response": response} '
        'if response else {})})\n', 1)
    result, module = _fix_and_load(tmp_path, source, "seed_payload", withheld=True)
    assert [s.status for s in result.sites] == ["rewritten", "unsafe", "rewritten"]
    wire: list[dict[str, Any]] = []
    bridge = module.Bridge(DictClient(wire), TextSocket(wire))
    asyncio.run(bridge.greet())
    assert bridge.gated == ["GREET"]
    assert wire == [{"type": "response.create", "response": {"instructions": "Hi"}}]


def test_module_level_gate_client_first_is_called_directly(tmp_path: Path) -> None:
    source = '''
        import json

        GATED = []

        async def trigger_response(client, reason):
            GATED.append(reason)
            await client.send(json.dumps({"type": "response.create"}))

        async def on_silence(ws):
            await ws.send(json.dumps({"type": "response.create"}))

        class Handler:
            def __init__(self, ws):
                self.ws = ws

            async def on_timeout(self):
                await self.ws.send(json.dumps({"type": "response.create"}))
    '''
    result, module = _fix_and_load(tmp_path, source, "module_gate")
    text = (tmp_path / "module_gate.py").read_text()
    assert "await trigger_response(ws, \"SILENCE\")" in text
    assert "await trigger_response(self.ws, \"TIMEOUT\")" in text
    assert "self.trigger_response" not in text
    wire: list[dict[str, Any]] = []
    asyncio.run(module.on_silence(TextSocket(wire)))
    asyncio.run(module.Handler(TextSocket(wire)).on_timeout())
    assert module.GATED == ["SILENCE", "TIMEOUT"] and len(wire) == 2


def test_sync_gate_is_called_not_awaited(tmp_path: Path) -> None:
    source = '''
        import json

        class Bridge:
            def __init__(self, ws):
                self.ws, self.gated = ws, []

            def trigger_response(self, reason, force=False):
                self.gated.append(reason)
                self.ws.send(json.dumps({"type": "response.create"}))

            def on_commit(self):
                self.ws.send(json.dumps({"type": "response.create"}))
    '''
    result, module = _fix_and_load(tmp_path, source, "sync_gate")
    text = (tmp_path / "sync_gate.py").read_text()
    assert '        self.trigger_response("COMMIT", force=False)\n' in text
    wire: list[dict[str, Any]] = []
    bridge = module.Bridge(SyncSocket(wire))
    bridge.on_commit()
    assert bridge.gated == ["COMMIT"] and wire == [{"type": "response.create"}]


def test_awaited_send_and_sync_gate_is_an_unsafe_fix(tmp_path: Path) -> None:
    source = textwrap.dedent('''
        class Bridge:
            def trigger_response(self, reason):
                self.loop.create_task(self.client.send_event({"type": "response.create"}))

            async def on_done(self):
                await self.client.send_event({"type": "response.create"})
    ''')
    fixed, result = fix_text(source)
    assert fixed == source and result.sites[0].status == "unsafe"
    assert "synchronous" in (result.sites[0].why or "")
    fixed, result = fix_text(source, unsafe_fixes=True)
    assert '        self.trigger_response("DONE")\n' in fixed and result.sites[0].unsafe


def test_gate_that_sends_another_way_is_not_handed_a_raw_websocket(tmp_path: Path) -> None:
    source = textwrap.dedent('''
        import json

        class Bridge:
            async def trigger_response(self, reason, client):
                await client.send_event({"type": "response.create"})

            async def on_drop(self):
                await self.ws.send(json.dumps({"type": "response.create"}))
    ''')
    fixed, result = fix_text(source)
    assert fixed == source
    why = result.sites[0].why or ""
    assert why.startswith(NotFixable.GATE_CLIENT.value)
    assert "client.send_event(...)" in why and "self.ws.send(...)" in why


def test_gate_in_a_base_class_of_the_same_file_keeps_generic(tmp_path: Path) -> None:
    source = '''
        from typing import Generic, TypeVar

        T = TypeVar("T")

        class Gated:
            async def trigger_response(self, reason, client=None, force=False):
                self.gated.append(reason)
                await (client or self.client).send_event({"type": "response.create"})

        class Bridge(Gated, Generic[T]):
            def __init__(self, client):
                self.client, self.gated = client, []

            async def on_tool(self):
                await self.client.send_event({"type": "response.create"})
    '''
    result, module = _fix_and_load(tmp_path, source, "base_class")
    assert [s.status for s in result.sites] == ["rewritten"]
    wire: list[dict[str, Any]] = []
    bridge = module.Bridge(DictClient(wire))
    asyncio.run(bridge.on_tool())
    assert bridge.gated == ["TOOL"] and wire == [{"type": "response.create"}]


def test_gate_and_base_class_imported_from_other_files_of_the_tree(tmp_path: Path) -> None:
    package = tmp_path / "agentpkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "base.py").write_text(textwrap.dedent('''
        class Gated:
            async def trigger_response(self, client, reason, *, response=None):
                self.gated.append(reason)
                await client.send_event({"type": "response.create", "response": response or {}})
    '''))
    (package / "gates.py").write_text(textwrap.dedent('''
        GATED = []

        async def trigger_response(reason, ws):
            GATED.append(reason)
            await ws.send_event({"type": "response.create"})
    '''))
    (package / "bridge.py").write_text(textwrap.dedent('''
        from .base import Gated
        from .gates import trigger_response as gated_send


        class Bridge(Gated):
            def __init__(self, client):
                self.client, self.gated = client, []

            async def on_tool(self):
                await self.client.send_event({"type": "response.create", "response": {"a": 1}})


        async def on_idle(ws):
            await ws.send_event({"type": "response.create"})
    '''))
    result = fix_file(FixTask(package / "bridge.py", Settings()))
    assert [s.status for s in result.sites] == ["rewritten", "rewritten"], result.sites
    text = (package / "bridge.py").read_text()
    assert 'await self.trigger_response(self.client, "TOOL", response={"a": 1})' in text
    assert 'await gated_send("IDLE", ws)' in text
    sys.path.insert(0, str(tmp_path))
    try:
        bridge_module = importlib.import_module("agentpkg.bridge")
        gates_module = importlib.import_module("agentpkg.gates")
        wire: list[dict[str, Any]] = []
        bridge = bridge_module.Bridge(DictClient(wire))
        asyncio.run(bridge.on_tool())
        asyncio.run(bridge_module.on_idle(DictClient(wire)))
        assert bridge.gated == ["TOOL"] and gates_module.GATED == ["IDLE"]
        assert wire == [{"type": "response.create", "response": {"a": 1}},
                        {"type": "response.create"}]
    finally:
        sys.path.remove(str(tmp_path))
        for name in [m for m in sys.modules if m.startswith("agentpkg")]:
            del sys.modules[name]


def test_third_party_base_is_not_fixed_without_add_mixin() -> None:
    source = textwrap.dedent('''
        from voiceframework import RealtimeApp

        class Bot(RealtimeApp):
            async def on_done(self):
                await self.client.send_event({"type": "response.create"})
    ''')
    fixed, result = fix_text(source)
    assert fixed == source
    assert result.sites[0].why == NotFixable.HIDDEN_BASE.value + ": `RealtimeApp`"


def test_keyword_only_reason_and_kwargs_gate() -> None:
    source = textwrap.dedent('''
        class Bridge:
            async def trigger_response(self, *, reason, client, **options):
                await client.send_event({"type": "response.create", **options})

            async def nudge(self):
                await self.client.send_event({"type": "response.create"})

            async def speak(self):
                await self.client.send_event({"type": "response.create", "response": {"x": 1}})
    ''')
    fixed, result = fix_text(source)
    assert 'await self.trigger_response(reason="NUDGE", client=self.client)' in fixed
    assert result.sites[1].status == "unsafe" and "**kwargs" in (result.sites[1].why or "")
    fixed, _ = fix_text(source, unsafe_fixes=True)
    assert ('await self.trigger_response(reason="SPEAK", client=self.client, response={"x": 1})'
            in fixed)


def test_reason_parameter_named_by_setting() -> None:
    source = textwrap.dedent('''
        class Bridge:
            async def trigger_response(self, why, client):
                await client.send_event({"type": "response.create"})

            async def nudge(self):
                await self.client.send_event({"type": "response.create"})
    ''')
    fixed, result = fix_text(source)
    assert fixed == source and (result.sites[0].why or "").startswith(NotFixable.GATE_SHAPE.value)
    assert "gate-reason-param" in (result.sites[0].why or "")
    fixed, _ = fix_text(source, Settings().replace(gate_reason_param="why"))
    assert 'await self.trigger_response("NUDGE", self.client)' in fixed


def test_client_parameter_named_by_setting() -> None:
    source = textwrap.dedent('''
        class Bridge:
            async def trigger_response(self, reason, link):
                await self.send_via(link)

            async def nudge(self):
                await self.pipe.send_event({"type": "response.create"})
    ''')
    fixed, result = fix_text(source)
    assert fixed == source and result.sites[0].status in ("unsafe", "not-fixed")
    settings = Settings().replace(gate_client_param="link")
    fixed, result = fix_text(source, settings, unsafe_fixes=True)
    assert 'await self.trigger_response("NUDGE", self.pipe)' in fixed


@pytest.mark.parametrize("gate", [
    "def trigger_response(self, reason, client, mode):",
    "async def trigger_response(self, reason, client, /, mode, *, force=False):",
])
def test_gate_requiring_an_argument_the_site_cannot_give_is_not_fixed(gate: str) -> None:
    source = (f"class Bridge:\n    {gate}\n        pass\n\n    async def a(self):\n"
              "        await self.client.send_event({'type': 'response.create'})\n")
    _left_alone(source, NotFixable.GATE_REQUIRED)


def test_gate_sending_through_a_local_alias_of_its_client_gets_the_sites_client() -> None:
    source = textwrap.dedent('''
        class Bridge:
            async def trigger_response(self, reason, client=None, is_greeting=False, force=False):
                _client = client or self.realtime_client
                if not _client:
                    return False
                await _client.send_event({"type": "response.create"})
                return True

            async def on_tool(self, client):
                await client.send_event({"type": "response.create"})
    ''')
    fixed, result = fix_text(source)
    assert result.sites[0].status == "rewritten"
    assert 'await self.trigger_response("TOOL", client, force=False)' in fixed


def test_a_gate_read_from_another_file_is_named_by_that_file(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "base.py").write_text(
        "class Base:\n    async def trigger_response(self, reason, client):\n"
        "        await client.send_event({'type': 'response.create'})\n")
    (package / "bot.py").write_text(
        "import json\nfrom .base import Base\n\n\nclass Bot(Base):\n    async def on_idle(self):\n"
        "        await self.ws.send(json.dumps({'type': 'response.create'}))\n")
    result = fix_file(FixTask(package / "bot.py", Settings()))
    (site,) = result.sites
    assert site.status == "not-fixed" and (site.why or "").startswith(NotFixable.GATE_CLIENT.value)
    assert f"({package / 'base.py'}:2)" in (site.why or "")


# -- parameters named like a client or a reason that are neither -----------------------------
class Database:
    """A connection of another kind: ``execute`` only."""

    def __init__(self) -> None:
        self.rows: list[str] = []

    async def execute(self, sql: str, value: str) -> None:
        self.rows.append(value)


NAMED_LIKE_A_CLIENT = '''
    import json

    class Bridge:
        def __init__(self, ws):
            self.ws, self.gated = ws, []

        async def trigger_response(self, reason, conn=None):
            """`conn` is the audit database; the create goes out on self.ws."""
            if conn is not None:
                await conn.execute("INSERT INTO audit VALUES (?)", reason)
            self.gated.append(reason)
            await self.ws.send(json.dumps({"type": "response.create"}))

        async def on_tool_done(self):
            await self.ws.send(json.dumps({"type": "response.create"}))

        async def on_other_socket(self, other_ws):
            await other_ws.send(json.dumps({"type": "response.create"}))
'''


def test_a_parameter_named_like_a_client_that_the_gate_does_not_send_with(
        tmp_path: Path) -> None:
    path = tmp_path / "named_like_client.py"
    path.write_text(textwrap.dedent(NAMED_LIKE_A_CLIENT))
    result = fix_file(FixTask(path, Settings(), unsafe_fixes=False))
    text = path.read_text()
    compile(text, str(path), "exec")
    module = _load(path, "gate_shape_named_like_client")
    # the gate sends on self.ws itself: the site's self.ws is not handed over as `conn`
    assert 'await self.trigger_response("TOOL_DONE")' in text
    wire: list[dict[str, Any]] = []
    bridge = module.Bridge(TextSocket(wire))
    asyncio.run(bridge.on_tool_done())
    assert bridge.gated == ["TOOL_DONE"] and wire == [{"type": "response.create"}]
    # another socket than the gate's own: at best an unsafe fix, never a silent one
    other = next(s for s in result.sites if s.line != min(x.line for x in result.sites))
    assert other.status == "unsafe" and "not with its `conn` parameter" in (other.why or "")


def test_a_reasoning_parameter_is_not_the_reason() -> None:
    source = textwrap.dedent('''
        class Bridge:
            async def trigger_response(self, client=None, reasoning_effort="low"):
                await (client or self.client).send_event(
                    {"type": "response.create", "response": {"reasoning": {"effort": reasoning_effort}}})

            async def nudge(self):
                await self.client.send_event({"type": "response.create"})
    ''')
    _left_alone(source, NotFixable.GATE_SHAPE)


def test_a_base_it_cannot_read_before_the_gates_base_may_shadow_the_gate() -> None:
    source = textwrap.dedent('''
        from voiceframework import RealtimeApp

        class GateBase:
            async def trigger_response(self, reason, client=None):
                await (client or self.client).send_event({"type": "response.create"})

        class Bot(RealtimeApp, GateBase):
            async def on_done(self):
                await self.client.send_event({"type": "response.create"})

        class Ordered(GateBase, RealtimeApp):
            async def on_done(self):
                await self.client.send_event({"type": "response.create"})
    ''')
    _, result = fix_text(source)
    first, second = sorted(result.sites, key=lambda s: s.line)
    assert first.why == NotFixable.HIDDEN_BASE.value + ": `RealtimeApp`"
    assert second.status == "rewritten"   # GateBase comes first in the MRO


def test_a_class_attribute_that_rebinds_the_gate_name_is_never_guessed() -> None:
    source = textwrap.dedent('''
        async def _legacy_gate(self, client):
            return await client.legacy_respond()

        class Base:
            async def trigger_response(self, reason, client=None):
                await (client or self.client).send_event({"type": "response.create"})

        class Child(Base):
            trigger_response = _legacy_gate

            async def on_done(self):
                await self.client.send_event({"type": "response.create"})

        class GrandChild(Child):
            async def on_done(self):
                await self.client.send_event({"type": "response.create"})
    ''')
    for options in ({}, {"add_mixin": True, "unsafe_fixes": True}):
        fixed, result = fix_text(source, **options)
        assert fixed == source, options
        assert [s.why for s in result.sites] == [
            NotFixable.GATE_SHADOWED.value + ": `Child.trigger_response`"] * 2


def test_a_gate_name_rebound_inside_the_sites_function_is_never_guessed() -> None:
    source = textwrap.dedent('''
        import json

        async def trigger_response(client, reason, *, force=False):
            await client.send(json.dumps({"type": "response.create"}))

        async def on_book(ws):
            from legacy.gates import trigger_response
            await ws.send(json.dumps({"type": "response.create"}))

        async def on_cancel(ws):
            await ws.send(json.dumps({"type": "response.create"}))
    ''')
    fixed, result = fix_text(source)
    book, cancel = sorted(result.sites, key=lambda s: s.line)
    assert book.status == "not-fixed" and book.why == (
        NotFixable.GATE_SHADOWED.value + ": `trigger_response` in `on_book` (line 8)")
    assert cancel.status == "rewritten"
    assert 'await trigger_response(ws, "CANCEL", force=False)' in fixed
    compile(fixed, "<fixed>", "exec")


CLOSURE_GATE = '''
    import json

    async def handle_call(openai_ws, events, gated):
        in_flight = False

        async def trigger_response(reason, *, force=False):
            nonlocal in_flight
            if in_flight and not force:
                return
            in_flight = True
            gated.append(reason)
            await openai_ws.send(json.dumps({"type": "response.create"}))

        for event in events:
            if event["type"] == "response.function_call_arguments.done":
                await openai_ws.send(json.dumps({"type": "response.create"}))
            elif event["type"] == "response.done":
                in_flight = False

    async def elsewhere(openai_ws):
        await openai_ws.send(json.dumps({"type": "response.create"}))
'''


def test_a_gate_defined_inside_the_handler_is_called_by_its_name(tmp_path: Path) -> None:
    path = tmp_path / "closure_gate.py"
    path.write_text(textwrap.dedent(CLOSURE_GATE))
    result = fix_file(FixTask(path, Settings(), unsafe_fixes=False))
    text = path.read_text()
    assert 'await trigger_response("FUNCTION_CALL_ARGUMENTS_DONE", force=False)' in text
    # outside the handler the closure is out of reach: left alone
    assert [s.status for s in sorted(result.sites, key=lambda s: s.line)] == [
        "rewritten", "not-fixed"]
    module = _load(path, "gate_shape_closure")
    wire: list[dict[str, Any]] = []
    gated: list[str] = []
    done = {"type": "response.function_call_arguments.done"}
    asyncio.run(module.handle_call(TextSocket(wire), [done, done, {"type": "response.done"},
                                                      done], gated))
    assert gated == ["FUNCTION_CALL_ARGUMENTS_DONE"] * 2   # the second one was held
    assert wire == [{"type": "response.create"}] * 2
