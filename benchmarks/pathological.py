"""Generated pathological handler files: shapes that once made the engine quadratic.

Synthetic and deterministic. Each shape multiplies one thing the engine tracks per file:

* ``event_variables(n)``: ``n`` handlers, each building the event in its own local variable
  (``reply_17 = {...}``), so the walker learns ``n`` new event-holding names one by one;
* ``module_constants(n)``: ``n`` module-level event constants (``CREATE_17 = {...}``) and
  ``n`` handlers with branches sending them, so every function and branch starts from
  ``n`` bindings;
* ``noqa_sites(n)``: ``n`` sends, each silenced with ``# noqa: RGT001`` (what a team gets after
  ``respgate check --add-noqa`` on a big legacy handler), over a tool-call dispatcher.

``python benchmarks/pathological.py OUTDIR`` writes the three files (the CLI form of the
benchmark in ``bench_pathological.py``).
"""

from __future__ import annotations

import sys
from pathlib import Path

__all__ = ["SHAPES", "event_variables", "module_constants", "noqa_sites", "write_shape"]

_HEAD = '''\
"""Realtime phone bridge (generated pathological benchmark file)."""

import json
import logging

log = logging.getLogger("bridge")
'''

_CLASS = '''

class Bridge:
    """One call."""

    def __init__(self, client):
        self.client = client
        self.count = 0

    async def trigger_response(self, reason, client=None, force=False):
        await (client or self.client).send_event({"type": "response.create"})
'''


def event_variables(n: int = 2000) -> str:
    """``n`` handlers, each holding the event in its own variable before sending it."""
    out = [_HEAD, _CLASS]
    for i in range(n):
        out.append(f'''
    async def on_tool_{i}(self, args):
        """Tool {i}: add the items up, then let the model speak."""
        total = 0
        for item in args.get("items", []):
            total += item * {i % 7 + 1}
        log.info("tool {i} total %s", total)
        reply_{i} = {{"type": "response.create", "response": {{"instructions": "tool {i} done"}}}}
        if total > {i}:
            reply_{i}["response"]["metadata"] = {{"total": str(total)}}
        await self.client.send_event(reply_{i})
''')
    return "".join(out)


def module_constants(n: int = 2500) -> str:
    """``n`` module-level event constants, and ``n`` handlers with branches sending them."""
    out = [_HEAD, "\n"]
    out += [f'CREATE_{i} = {{"type": "response.create", "response": {{"instructions": '
            f'"case {i}"}}}}\n' for i in range(n)]
    out.append(_CLASS)
    for i in range(n):
        out.append(f'''
    async def on_case_{i}(self, event):
        kind = event.get("kind")
        if kind == "k{i}":
            await self.client.send_event(CREATE_{i})
        elif kind == "x{i}":
            log.info("skip %s", kind)
        else:
            self.count += {i % 5 + 1}
''')
    return "".join(out)


def noqa_sites(n: int = 8000) -> str:
    """``n`` silenced sends in tool branches, ten to a dispatcher method."""
    out = [_HEAD, _CLASS]
    for i in range(n):
        if i % 10 == 0:
            out.append(f'''
    async def handle_function_call_{i // 10}(self, name, args):
        log.info("tool %s", name)
        if name == "noop":
            return
''')
        out.append(f'''        elif name == "tool_{i}":
            self.count += 1
            await self.client.send_event({{"type": "response.create"}})  # noqa: RGT001
''')
    return "".join(out)


SHAPES = {
    "event_variables": (event_variables, 2000, "2,000 event-holding variables"),
    "module_constants": (module_constants, 2500, "2,500 module-level event constants"),
    "noqa_sites": (noqa_sites, 8000, "8,000 sends silenced with # noqa"),
}


def write_shape(folder: Path, shape: str, n: int | None = None) -> Path:
    """Write one shape (``n`` defaults to its benchmark size) as ``folder/<shape>.py``."""
    make, default, _ = SHAPES[shape]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{shape}.py"
    path.write_text(make(default if n is None else n), encoding="utf-8")
    return path


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    for name in SHAPES:
        print(write_shape(target, name))
