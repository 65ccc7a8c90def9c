"""Play one scripted phone call against the example bridge, before and after ``respgate fix``.

    python -m examples.scripted_call              # both versions, side by side
    python -m examples.scripted_call --only fixed # just one (original | fixed)
    python -m examples.scripted_call --events     # also every server event

A fake Realtime server (``respgate_lint.testing.ws_peer``) is served on
127.0.0.1 with a free port; the bridge connects to it over a real websocket.
The server enforces the protocol and records what breaks it. The call:

1. the caller's stream starts (the bridge greets) while the session is still being set up;
2. the caller asks a question; the model's reply calls two tools, which finish
   30 ms apart while that reply is still playing;
3. the caller barges in over the tools' follow-up and asks to book;
4. the caller hangs up while the booking tool is still running.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if not __package__:  # run as a file: make `examples` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from respgate_lint.runtime import COALESCED_KEY, REASON_KEY  # noqa: E402
from respgate_lint.testing.ws_peer import CallPeer, PeerServer, ToolCall  # noqa: E402

RESPONSE_S = 0.2  # how long a client-requested response plays
FIRST_TURN = (ToolCall("check_availability", {"day": "tuesday"}, "call_availability"),
              ToolCall("get_office_hours", {}, "call_hours"))
BOOKING = (ToolCall("book_appointment", {"day": "tuesday", "time": "15:00"}, "call_booking"),)
# Server events too chatty for the default timeline.
QUIET = frozenset({"response.output_item.added", "response.output_item.done",
                   "conversation.item.created", "conversation.item.added",
                   "conversation.item.done", "input_audio_buffer.committed"})


@dataclass
class CallReport:
    """What the peer saw during one call, and the bridge that made it."""

    label: str
    peer: CallPeer
    bridge: Any

    @property
    def violations(self) -> list[str]:
        return self.peer.violation_kinds

    def tool_followups(self) -> dict[str, bool]:
        """Each tool result sent while the caller was on the line -> answered before the hangup.

        "Answered" means a create the server accepted came after the result; the
        caller must still be there to hear it.
        """
        accepted = self.peer.accepted_create_indexes()
        hangup = self.peer.hangup_index if self.peer.hangup_index is not None else 1 << 62
        return {call_id: any(index < i < hangup for i in accepted)
                for index, call_id in self.peer.function_outputs() if index < hangup}

    def gate_stats(self) -> dict[str, Any] | None:
        gate = self.bridge._response_gate()
        return gate.stats() if gate is not None else None

    def render(self, *, all_events: bool = False) -> str:
        lines = [f"=== {self.label} ==="]
        flagged = {id(v.event): v.kind for v in self.peer.violations}
        for at, side, event in self.peer.timeline:
            kind = str(event.get("type"))
            if side == "server" and kind in QUIET and not all_events:
                continue
            arrow = {"client": "bridge ->", "server": "      <-"}.get(side, "   caller")
            lines.append(f"{at * 1000:6.0f} ms  {arrow} {kind}{_detail(event)}"
                         + (f"   !! {flagged[id(event)]}" if id(event) in flagged else ""))
        counts = Counter(self.violations)
        summary = ", ".join(f"{k} x{n}" for k, n in sorted(counts.items())) or "none"
        lines.append(f"protocol violations: {summary}")
        for call_id, answered in self.tool_followups().items():
            verdict = "answered by a response" if answered else "NEVER answered (agent silent)"
            lines.append(f"tool result {call_id}: {verdict}")
        lines.append(f"bookings saved: {len(self.bridge.bookings)}")
        stats = self.gate_stats()
        if stats is not None:
            out = stats["outcomes"]
            lines.append(f"gate: {stats['triggers']} triggers -> sent {out['sent']}, "
                         f"coalesced {out['coalesced']}, blocked {out['blocked']} "
                         f"{dict(stats['guards'])}, dropped {out['dropped']}")
        return "\n".join(lines)


def _reason(response: dict[str, Any]) -> str:
    """The gate's reason (and coalesced reasons) from ``response.metadata``, if any."""
    meta = response.get("metadata") or {}
    reason = meta.get(REASON_KEY)
    if not reason:
        return ""
    joined = meta.get(COALESCED_KEY)
    return f" (reason {reason}" + (f" + {joined})" if joined else ")")


def _detail(event: dict[str, Any]) -> str:
    kind = event.get("type")
    if kind in ("response.created", "response.done"):
        resp = event.get("response") or {}
        status = f" {resp.get('status')}" if kind == "response.done" else ""
        return f" {resp.get('id')}{status}{_reason(resp)}"
    if kind == "response.create":
        return _reason(event.get("response") or {})
    if kind == "response.function_call_arguments.done":
        return f" {event.get('name')} {event.get('call_id')}"
    if kind == "conversation.item.create":
        return f" function_call_output {(event.get('item') or {}).get('call_id')}"
    if kind == "error":
        return f" {(event.get('error') or {}).get('code')}"
    return ""


async def play_call(bridge_cls: type, label: str = "", *, timeout_s: float = 10.0) -> CallReport:
    """Serve a fresh peer on loopback, run the script against ``bridge_cls(url)``."""
    peer = CallPeer(response_duration_s=RESPONSE_S)
    async with PeerServer(peer) as server:
        bridge = bridge_cls(server.url)
        async with asyncio.timeout(timeout_s):
            await bridge.connect()
            pump = asyncio.create_task(bridge.pump_events())
            try:
                await _script(peer, bridge)
                await pump
                await server.disconnected.wait()
            finally:
                pump.cancel()
    return CallReport(label or bridge_cls.__module__, peer, bridge)


async def _script(peer: CallPeer, bridge: Any) -> None:
    await bridge.on_call_started("MZ0001")       # races session.created / session.update
    await asyncio.sleep(0.3)                      # the greeting plays (0.2 s)
    peer.speech_started()
    await asyncio.sleep(0.1)
    peer.speech_stopped(calls=FIRST_TURN, reply_s=0.3)   # tools finish at +40 / +70 ms
    await asyncio.sleep(0.38)                     # a follow-up (if any) plays from +300 ms
    peer.speech_started()                         # barge-in
    await asyncio.sleep(0.1)
    peer.speech_stopped(calls=BOOKING, reply_s=0.1)      # booking runs for 300 ms
    await asyncio.sleep(0.15)
    peer.hangup()
    await bridge.on_caller_hangup()


async def play_both(only: str | None = None) -> list[CallReport]:
    from examples import phone_bridge, phone_bridge_fixed

    versions = [("original", "before the fix: examples/phone_bridge.py", phone_bridge),
                ("fixed", "after `respgate fix --add-mixin`: examples/phone_bridge_fixed.py",
                 phone_bridge_fixed)]
    return [await play_call(mod.PhoneBridge, label)
            for name, label, mod in versions if only in (None, name)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=("original", "fixed"))
    parser.add_argument("--events", action="store_true", help="show every server event")
    parser.add_argument("--log", action="store_true", help="show the bridge's and the gate's logs")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.log else logging.CRITICAL,
                        format="%(relativeCreated)6.0f ms  log  %(name)s: %(message)s")
    for report in asyncio.run(play_both(args.only)):
        print(report.render(all_events=args.events), end="\n\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
