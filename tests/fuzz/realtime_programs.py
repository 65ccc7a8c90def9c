"""A hypothesis strategy for Realtime-handler programs: every send form in every position.

Generic program generators (hypothesmith) almost never write ``response.create``, so they
only reach the prefilter. This strategy composes modules from the forms DESIGN.md lists
(dict literals, JSON text, ``dict()``, variables, constants, typed classes, the SDK method,
queued sends, sends handed to threads/callbacks, event constants, wrappers, type arguments,
multi-type factories and selected branches, folded constants, collections, senders without
a send verb), the traps (``response.created``, comparisons, never-sent dicts, other types
asked of a multi-type factory, a received event queued by a server, an ORM's
``db.response.create``, Responses-API events), gate
definitions and gate calls, inside if/elif/else, match/case, try/except/finally, loops,
``with``, nested defs, lambdas and comprehensions, so the engine's deeper paths and the
codemod's rewrites get exercised. Every generated module parses (``ast.parse``).
"""

from __future__ import annotations

from hypothesis import strategies as st

__all__ = ["realtime_modules"]

RECEIVERS = ("client", "self.client", "self._sess", "ws", "conn", "self.conn", "self._clients[0]")
METHODS = ("send_event", "send", "send_json", "send_str", "_queue_msg", "emit", "send_text",
           "publish")
EVENTS = (
    '{"type": "response.create"}',
    "{'type': 'response.create', 'response': {'modalities': ['audio']}}",
    '{\n        "type": "response.create",  # multi-line\n        "event_id": eid,\n    }',
    'dict(type="response.create")',
    'json.dumps({"type": "response.create"})',
    "'{\"type\": \"response.create\"}'",
    '{"type": RESPONSE_CREATE}',
    '{"type": SendEvents.RESPONSE_CREATE}',
    '{"type": EVENT_RESPONSE_CREATE, "response": {}}',
    "ResponseCreateEvent(response=None)",
    "ResponseCreateEvent.build()",
    'typing.cast(dict, {"type": "response.create"})',
    "evt",
    "payload",
    "RESPONSE_CREATE_EVENT",
    "events.RESPONSE_CREATE_MSG.copy()",
    # round 2: wrappers, typed classes by word and alias, type arguments, folded constants,
    # collections, helper calls
    'RawMessage(message={"type": "response.create"})',
    'Envelope("openai", RawClientMessage(type="response.create", other_data={}))',
    'ConversationResponseCreateEvent().with_instructions("hi").model_dump_json()',
    "RTEvent().default_json()",
    "Event(service_type=Events.RESPONSE_CREATE)",
    "make_event(event_type=SendEvents.RESPONSE_CREATE)",
    "make_event(kind)",
    '{"type": f"{RESPONSE}.{CREATE}"}',
    '{"type": RESPONSE + "." + CREATE}',
    'cast(Any, strip_not_given({"type": "response.create", **base}))',
    "messages.response_create(kind)",
    '[{"type": "input_audio_buffer.commit"}, {"type": "response.create"}]',
    "*batch",
    "Msg.CREATE",
    # traps: not sends of response.create
    '{"type": "response.created"}',
    '{"type": "session.update"}',
    '{"type": "response.cancel"}',
    "RESPONSE_CREATED",
    "{**base, 'type': kind}",
    "make_event(event_type=SendEvents.SESSION_UPDATE)",
    "ResponseCreatedEvent(response={})",
    "ResponseCreate(**message)",
    '{"type": f"{RESPONSE}.cancel"}',
    '{"type": "response.create", "model": "gpt-5", "input": "hi"}',
)
NAMES = ("evt", "payload", "msg", "kind", "eid", "base", "batch", "message")
GATES = ("trigger_response", "trigger_response_from_tool", "_trigger_response")
REASONS = ('"GREETING"', '"TOOL_DONE"', '"GREETING"', "reason", 'f"R_{kind}"', "")


def _indent(lines: list[str], by: str = "    ") -> list[str]:
    return [by + line if line else line for line in lines]


@st.composite
def _simple(draw: st.DrawFn, is_async: bool, has_self: bool) -> list[str]:
    recv = draw(st.sampled_from(RECEIVERS if has_self else
                                tuple(r for r in RECEIVERS if not r.startswith("self"))))
    method = draw(st.sampled_from(METHODS))
    event = draw(st.sampled_from(EVENTS))
    aw = "await " if is_async and draw(st.booleans()) else ""
    name = draw(st.sampled_from(NAMES))
    gate = draw(st.sampled_from(GATES))
    reason = draw(st.sampled_from(REASONS))
    target = "self." if has_self and draw(st.booleans()) else ""
    first_arg = reason or '"X"'
    choices = [
        f"{aw}{recv}.{method}({event})",
        f"{aw}{recv}.response.create()",
        f"{aw}{recv}.responses.create(model='x')",
        f"{aw}{recv}.chat.completions.with_streaming_response.create()",
        f"{name} = {event}",
        f'{name}["type"] = "response.create"',
        f"{name} = None",
        f"{name}.append({event})",
        f"for {name} in ({event}, {{'type': 'input_audio_buffer.commit'}}):\n    {aw}{recv}.{method}({name})",
        f"{aw}{recv}.{method}(*{name})",
        f"{aw}self._up({event})" if has_self else f"{aw}_up({event})",
        f"{aw}{recv}.create_response()",
        "db.response.create(call_id=eid)",
        f"match kind:\n    case SendEvents.RESPONSE_CREATE:\n        {aw}{recv}.{method}(make_event(kind))",
        f'if kind == "response.create":\n    {aw}{recv}.{method}(build(event_type=kind))',
        f"item = ResponseCreate(**{name})\n{aw}self.queue.put(item)" if has_self else "pass",
        f"result = {aw}{recv}.{method}({event})",
        f"return {aw}{recv}.{method}({event})",
        f"tasks.append(lambda: {recv}.{method}({event}))",
        f"[{recv}.{method}(e) for e in ({event},)]",
        f"{aw}{recv}.{method}({event}, timeout=1)",
        f"{aw}asyncio.to_thread({recv}.{method}, {event})",
        f"loop.call_soon_threadsafe({recv}.{method}, {event})",
        f'{aw}{recv}.{method}(type="response.create", response={{}})',
        f'if event["type"] == "input_audio_buffer.speech_stopped":\n    {aw}{recv}.{method}({event})',
        f"{aw}{target}{gate}({reason})" if reason else f"{aw}{target}{gate}()",
        f"{aw}{target}{gate}({first_arg}, {recv}, force=False)",
        'if event["type"] == "response.create":\n    log.info("response.create seen")',
        f'log.debug("sending response.create via {method}")',
        f"del {name}",
        "pass",
    ]
    return draw(st.sampled_from(choices)).split("\n")


@st.composite
def _block(draw: st.DrawFn, depth: int, is_async: bool, has_self: bool) -> list[str]:
    count = draw(st.integers(1, 4))
    lines: list[str] = []
    for _ in range(count):
        if depth <= 0 or draw(st.integers(0, 3)) > 0:
            lines += draw(_simple(is_async, has_self))
        else:
            lines += draw(_compound(depth - 1, is_async, has_self))
    return lines


@st.composite
def _compound(draw: st.DrawFn, depth: int, is_async: bool, has_self: bool) -> list[str]:
    def body(async_: bool = is_async, self_: bool = has_self) -> list[str]:
        return _indent(draw(_block(depth, async_, self_)))

    kind = draw(st.sampled_from(("if", "match", "try", "for", "while", "with", "def", "async def",
                                 "class")))
    if kind == "if":
        label = draw(st.sampled_from(("save_lead_info", "end_call", "book")))
        out = [f'if name == "{label}":', *body()]
        if draw(st.booleans()):
            out += ['elif name == "transfer":', *body()]
        if draw(st.booleans()):
            out += ["else:", *body()]
        return out
    if kind == "match":
        return ["match name:", '    case "save_lead_info":', *_indent(body()),
                "    case _:", *_indent(body())]
    if kind == "try":
        out = ["try:", *body(), "except (ValueError, KeyError) as exc:", *body()]
        if draw(st.booleans()):
            out += ["finally:", *body()]
        return out
    if kind == "for":
        return [f"{'async ' if is_async and draw(st.booleans()) else ''}for item in items:",
                *body(), "else:", "    pass"]
    if kind == "while":
        return ["while retries:", *body(), "    break"]
    if kind == "with":
        return [f"{'async ' if is_async and draw(st.booleans()) else ''}with lock as held:",
                *body()]
    if kind == "class":
        return ["class Inner:", *_indent(draw(_method(depth)))]
    name = draw(st.sampled_from(GATES + ("helper", "on_tool_call")))
    async_ = kind == "async def"
    args = "self, reason, client, force=False" if has_self and draw(st.booleans()) else "*args"
    return [f"{kind} {name}({args}):", *body(async_, has_self and args.startswith("self"))]


@st.composite
def _method(draw: st.DrawFn, depth: int) -> list[str]:
    deco = draw(st.sampled_from(("", "@staticmethod", "@classmethod", "@decorated")))
    async_ = draw(st.booleans())
    name = draw(st.sampled_from(GATES + ("handle_event", "on_function_call", "greet", "retry")))
    first = {"@staticmethod": "", "@classmethod": "cls, "}.get(deco, "self, ")
    has_self = deco not in ("@staticmethod", "@classmethod")
    head = [deco] if deco else []
    return [*head, f"{'async ' if async_ else ''}def {name}({first}event, name=None):",
            *_indent(draw(_block(depth, async_, has_self)))]


@st.composite
def realtime_modules(draw: st.DrawFn, max_depth: int = 3) -> str:
    """Source text of one module full of Realtime sends and traps (always parses)."""
    header = [
        "import json", "import typing", "from events import RESPONSE_CREATE, SendEvents, "
        "ResponseCreateEvent", "from events import ResponseCreateEvent as RTEvent",
        "from respgate_lint.runtime import GatedResponseMixin",
        "EVENT_RESPONSE_CREATE = 'response.create'",
        "RESPONSE_CREATED = 'response.created'", 'RESPONSE = "response"', 'CREATE = "create"',
        "", "class Msg:", '    CREATE = {"type": "response.create"}', "",
        "def make_event(event_type, **fields):",
        "    if event_type == SendEvents.RESPONSE_CREATE:",
        '        return {"type": "response.create", **fields}',
        '    return {"type": event_type, **fields}', "",
        "async def _up(payload):", "    await WS.send(json.dumps(payload))", "",
    ]
    parts: list[str] = []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(("class", "func", "afunc", "stmt")))
        if kind == "class":
            base = draw(st.sampled_from(("", "(Base)", "(GatedResponseMixin)")))
            methods = [line for _ in range(draw(st.integers(1, 3)))
                       for line in [*draw(_method(max_depth)), ""]]
            parts += [f"class Handler{len(parts)}{base}:", *_indent(methods)]
        elif kind in ("func", "afunc"):
            prefix = "async " if kind == "afunc" else ""
            name = draw(st.sampled_from(GATES + ("handle", "main")))
            parts += [f"{prefix}def {name}(client, event, name=None):",
                      *_indent(draw(_block(max_depth, kind == "afunc", False)))]
        else:
            parts += draw(_block(1, False, False))
        parts.append("")
    crlf = draw(st.booleans())
    text = "\n".join(header + parts) + ("\n" if draw(st.booleans()) else "")
    return text.replace("\n", "\r\n") if crlf else text
