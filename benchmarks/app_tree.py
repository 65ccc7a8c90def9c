"""Generated, deterministic corpora for the benchmarks: a realistic app tree and huge files.

A voice-agent repository is mostly ordinary code (models, services, utilities, tests) with a
handful of very large realtime handlers. ``write_app_tree`` writes such a tree: a few hundred
ordinary modules (no Realtime code, so a good checker decides them cheaply) plus a few large
handlers full of sends. The handlers come from ``benchmarks/corpus.make_big_handler`` (the
fix benchmark's corpus) when it exists, else from the fallback generator below.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

__all__ = ["big_handler", "write_app_tree", "write_big_file", "count_lines", "ordinary_module"]

_HERE = Path(__file__).resolve().parent
for _p in (str(_HERE), str(_HERE.parent)):
    if _p not in sys.path:
        sys.path.insert(0, _p)

_WORDS = ("account", "order", "invoice", "customer", "ticket", "session", "report", "payment",
          "lead", "schedule", "message", "profile", "address", "inventory", "shipment", "audit")


def ordinary_module(rng: random.Random, index: int, functions: int = 12) -> str:
    """A plausible service/model module with no Realtime code in it (~10-15 lines a function)."""
    noun = rng.choice(_WORDS)
    cls = noun.capitalize() + "Service"
    out = [f'"""{noun.capitalize()} service module #{index}."""', "",
           "from __future__ import annotations", "", "import asyncio", "import json",
           "import logging", "from dataclasses import dataclass, field", "from typing import Any", "",
           "log = logging.getLogger(__name__)", "", "",
           "@dataclass", f"class {noun.capitalize()}Record:",
           "    id: int", "    name: str = \"\"", "    tags: list[str] = field(default_factory=list)", "",
           "    def to_json(self) -> str:", "        return json.dumps({\"id\": self.id, \"name\": self.name})",
           "", "", f"class {cls}:", f'    """Operations on {noun} records."""', "",
           "    def __init__(self, store: dict[int, Any]) -> None:", "        self.store = store",
           "        self.cache: dict[int, Any] = {}", ""]
    for f in range(functions):
        verb = rng.choice(("load", "save", "update", "delete", "sync", "validate", "render", "merge"))
        name = f"{verb}_{noun}_{f}"
        if rng.random() < 0.4:
            out += [f"    async def {name}(self, key: int, *, retries: int = 3) -> dict[str, Any]:",
                    "        for attempt in range(retries):",
                    "            try:",
                    "                value = self.store[key]",
                    "                await asyncio.sleep(0)",
                    "                return {\"type\": \"%s.%s\", \"value\": value, \"attempt\": attempt}" % (noun, verb),
                    "            except KeyError:",
                    f"                log.warning(\"{name}: missing %s (attempt %d)\", key, attempt)",
                    "        raise LookupError(key)", ""]
        else:
            out += [f"    def {name}(self, items: list[dict[str, Any]]) -> list[str]:",
                    "        result = []",
                    "        for item in items:",
                    f"            if item.get(\"kind\") == \"{verb}\":",
                    "                result.append(str(item[\"id\"]))",
                    "            elif item.get(\"status\") in (\"open\", \"closed\"):",
                    "                self.cache[item[\"id\"]] = {k: v for k, v in item.items() if v}",
                    "            else:",
                    f"                log.debug(\"skip %r in {name}\", item)",
                    "        return sorted(result)", ""]
    return "\n".join(out) + "\n"


def _fallback_big_handler(lines: int, sends: int, crlf: bool) -> str:
    """A large realtime handler: one class, many methods, ``sends`` direct sends in many forms."""
    forms = [
        '        await self.client.send_event({"type": "response.create"})',
        "        await self._ws.send(json.dumps({\"type\": \"response.create\", \"response\": {\"modalities\": [\"audio\"]}}))",
        '        await self.conn.response.create()',
        '        evt = {"type": "response.create"}\n        await self.client.send_event(evt)',
        '        await self.client.send_event({"type": RESPONSE_CREATE})',
        '        await self.client.send_event(ResponseCreateEvent(response=None))',
        "        self._queue_msg({'type': 'response.create'})",
    ]
    head = ['"""Realtime call handler (generated for benchmarks)."""', "", "import asyncio", "import json",
            "import logging", "", "from .events import RESPONSE_CREATE, ResponseCreateEvent", "",
            "log = logging.getLogger(__name__)", "", "", "class CallHandler:",
            '    """Bridges a phone call to the Realtime API."""', "",
            "    def __init__(self, client, ws, conn):", "        self.client = client",
            "        self._ws = ws", "        self.conn = conn", "        self.state = {}", "",
            "    async def trigger_response(self, reason, client, force=False):",
            '        await client.send_event({"type": "response.create"})', ""]
    body: list[str] = []
    methods = max(sends, 1) * 4
    per_method = max(8, (lines - len(head)) // methods)
    for m in range(methods):
        body.append(f"    async def on_event_{m}(self, event):")
        body.append('        kind = event.get("type")')
        filler = per_method - 4
        for i in range(filler // 3):
            body.append(f'        if kind == "conversation.item.{m}_{i}":')
            body.append(f'            self.state["{m}_{i}"] = event.get("item")')
            body.append(f'            log.debug("item %s", {i})')
        if m % 4 == 0 and m // 4 < sends:
            body.append(forms[(m // 4) % len(forms)])
        else:
            body.append('        log.info("handled %s", kind)')
        body.append("")
    text = "\n".join(head + body)
    all_lines = text.split("\n")
    while len(all_lines) < lines:
        all_lines.append("# padding")
    text = "\n".join(all_lines[:lines]) + "\n"
    return text.replace("\n", "\r\n") if crlf else text


def big_handler(lines: int = 16000, sends: int = 28, crlf: bool = True) -> str:
    """The shared big-handler corpus (benchmarks/corpus.py) or the fallback generator."""
    try:
        from corpus import make_big_handler  # type: ignore[import-not-found]
    except ImportError:
        return _fallback_big_handler(lines, sends, crlf)
    return make_big_handler(lines=lines, sends=sends, crlf=crlf)


def write_big_file(folder: Path, lines: int = 16000, sends: int = 28, crlf: bool = True) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "big_handler.py"
    path.write_bytes(big_handler(lines, sends, crlf).encode("utf-8"))
    return path


def write_app_tree(root: Path, modules: int = 340, handlers: int = 5, handler_lines: int = 4000,
                   seed: int = 7) -> Path:
    """A package tree: ``modules`` ordinary modules in sub-packages, plus ``handlers`` handlers."""
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    packages = ["models", "services", "api", "utils", "jobs", "tests"]
    for pkg in packages + ["realtime"]:
        (root / pkg).mkdir(exist_ok=True)
        (root / pkg / "__init__.py").write_text("")
    (root / "realtime" / "events.py").write_text(
        'RESPONSE_CREATE = "response.create"\n\n\nclass ResponseCreateEvent(dict):\n    pass\n')
    for i in range(modules):
        pkg = packages[i % len(packages)]
        (root / pkg / f"{rng.choice(_WORDS)}_{i}.py").write_text(
            ordinary_module(rng, i, functions=rng.randint(6, 18)))
    for h in range(handlers):
        text = big_handler(lines=handler_lines, sends=max(6, handler_lines // 600), crlf=h % 2 == 0)
        (root / "realtime" / f"handler_{h}.py").write_bytes(text.encode("utf-8"))
    return root


def count_lines(root: Path) -> tuple[int, int]:
    """(files, lines) of the Python files ``respgate check`` would visit under ``root``."""
    from respgate_lint.files import discover

    files = lines = 0
    for path in discover([root]):
        if isinstance(path, Path):
            files += 1
            with open(path, "rb") as handle:
                lines += handle.read().count(b"\n")
    return files, lines
