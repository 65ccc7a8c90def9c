"""Intents: the creates the gate means to send, and the merge policy between them.

One intent is one ``response.create`` on the wire. Triggers that arrive while
an intent is held *join* it when their payloads merge (see
``events.merge_payloads``): no payload merges with anything; equal payloads
(metadata apart) merge and their metadata is united. A trigger whose payload
would overwrite another's content (different ``instructions``, ``tools``, ...)
becomes its own intent behind it in the queue: every held payload is sent,
one create at a time, in order.

A create sent at once may *absorb* held intents (the longest mergeable prefix
of the queue): one response answers all of them. The absorbed intents are
kept whole, so when that create is refused by the server or its send fails,
they are put back at the head of the queue instead of being lost.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .events import CONFLICT, merge_payloads
from .outcome import Handle


@dataclass(slots=True, eq=False)
class Intent:
    """A create the gate means to send: now, or once its holds clear."""

    event_id: str
    reason: str
    client: Any
    payload: dict[str, Any] | None
    force: bool
    is_greeting: bool
    farewell: bool
    oob: bool  # out of band: ``conversation: "none"``
    created: float
    deadline: float
    coalesced: list[str] = field(default_factory=list)  # reasons of triggers that joined
    absorbed: list[Intent] = field(default_factory=list)  # whole intents carried along
    handle: Handle | None = None
    state: str = "held"  # held -> scheduled -> wire | dropped
    requeued: int = 0  # times put back after its create was refused

    def join(self, reason: str, client: Any, force: bool, is_greeting: bool,
             payload: Any) -> None:
        """A later trigger shares this intent's create (its payload already merged)."""
        self.coalesced.append(reason)
        self.client = client
        self.force = self.force or force
        self.is_greeting = self.is_greeting or is_greeting
        self.payload = payload

    def reasons(self) -> list[str]:
        """Every reason this create answers after its primary, in order."""
        out = list(self.coalesced)
        for other in self.absorbed:
            out.append(other.reason)
            out.extend(other.reasons())
        return out

    def wire_payload(self) -> dict[str, Any] | None:
        payload = self.payload
        for other in self.absorbed:
            payload = merge_payloads(payload, other.wire_payload())
        return payload

    def describe(self, now: float) -> dict[str, Any]:
        return {
            "event_id": self.event_id,
            "reasons": [self.reason, *self.reasons()],
            "out_of_band": self.oob,
            "farewell": self.farewell,
            "scheduled": self.state == "scheduled",
            "expires_in_s": round(max(0.0, self.deadline - now), 3),
        }


def try_join(queue: list[Intent], payload: dict[str, Any] | None, farewell: bool) -> Any:
    """The merged payload if a new trigger can join the last queued intent, else CONFLICT."""
    if not queue:
        return CONFLICT
    last = queue[-1]
    if last.farewell != farewell:
        return CONFLICT
    return merge_payloads(last.payload, payload)


def absorb_prefix(intent: Intent, queue: list[Intent]) -> list[Intent]:
    """Move the longest mergeable prefix of ``queue`` into ``intent``; return it."""
    payload = intent.payload
    taken = 0
    for other in queue:
        if other.farewell != intent.farewell:
            break
        merged = merge_payloads(payload, other.wire_payload())
        if merged is CONFLICT:
            break
        payload = merged
        taken += 1
    absorbed = queue[:taken]
    if absorbed:
        del queue[:taken]
        intent.absorbed.extend(absorbed)
    return absorbed
