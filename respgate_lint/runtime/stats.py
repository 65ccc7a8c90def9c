"""Gate telemetry: one final state per trigger, so the numbers add up.

Every trigger is in exactly one of these states (``outcomes``):

- ``sent``: it is the primary reason of a create that went on the wire
  (immediately, or later when its held intent was flushed);
- ``blocked``: a blocking guard ended it at the call;
- ``dropped``: it was held and then discarded (defer timeout, close, hangup,
  budget, reset) or its send failed or was cancelled - see ``dropped_by``;
- ``coalesced``: it joined an intent that was already held (or its intent was
  absorbed by a create sent now); that intent carries its fate, counted once.
  An absorbed intent put back in the queue (its create was refused or failed)
  moves back to ``pending``;
- ``pending``: it is the primary reason of an intent held (or about to be sent)
  right now - one per entry of ``stats()["queue"]``.

So ``sum(outcomes.values()) == triggers`` at every instant, and each intent
(a create the gate meant to send) is counted once: ``sent + dropped + pending``.
``deferred`` counts calls whose *immediate* return was ``"deferred"``; it is a
view of the same triggers, not a further outcome.

Not thread-safe on its own: the gate mutates it under its lock.
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Mapping
from typing import Any

FINAL_STATES: tuple[str, ...] = ("sent", "blocked", "dropped", "coalesced", "pending")
SERVER_REASON = "server"  # responses the gate did not create (VAD, other senders)


class StatsView(dict):  # type: ignore[type-arg]
    """A plain dict (JSON-able, equal to dicts) whose keys also read as attributes.

    ``gate.stats()["state"]["in_flight"]`` and ``gate.stats().state.in_flight``
    are the same value.
    """

    __slots__ = ()

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


def as_view(value: Any) -> Any:
    """Wrap nested dicts (not lists' scalars) as ``StatsView``."""
    if isinstance(value, Mapping):
        return StatsView({k: as_view(v) for k, v in value.items()})
    if isinstance(value, list):
        return [as_view(v) for v in value]
    return value


class GateStats:
    """Counters behind ``ResponseGate.stats()``."""

    def __init__(self) -> None:
        self.triggers = 0
        self.outcomes: dict[str, int] = dict.fromkeys(FINAL_STATES, 0)
        self.deferred = 0
        self.forced = 0
        self.guards: Counter[str] = Counter()
        self.dropped_by: Counter[str] = Counter()
        self.rejected = 0
        self.reasons: dict[str, Counter[str]] = {}
        self.responses = 0
        self.responses_by_reason: Counter[str] = Counter()
        self.responses_by_status: Counter[str] = Counter()
        self.usage: Counter[str] = Counter(input_tokens=0, output_tokens=0, total_tokens=0)
        self.usage_by_reason: dict[str, Counter[str]] = {}
        self.stuck: Counter[str] = Counter()  # create / response / speech released
        self.reconnects = 0
        self.cancels = 0
        self.requeued = 0

    def new_trigger(self, reason: str, state: str) -> None:
        """Count a trigger entering its first state."""
        self.triggers += 1
        self._add(reason, state, 1)

    def move(self, reason: str, old: str, new: str) -> None:
        """A trigger changes state (pending -> sent/dropped/coalesced, ...)."""
        self._add(reason, old, -1)
        self._add(reason, new, 1)

    def _add(self, reason: str, state: str, delta: int) -> None:
        self.outcomes[state] += delta
        per = self.reasons.get(reason)
        if per is None:
            per = self.reasons[reason] = Counter()
        per[state] += delta

    def response_started(self, reason: str) -> None:
        self.responses += 1
        self.responses_by_reason[reason] += 1

    def response_done(self, reason: str, status: str, usage: Any) -> None:
        self.responses_by_status[status or "unknown"] += 1
        if not isinstance(usage, dict):
            return
        per = self.usage_by_reason.setdefault(reason, Counter())
        for key in ("input_tokens", "output_tokens", "total_tokens"):
            value = usage.get(key)
            if isinstance(value, int) and not isinstance(value, bool):
                self.usage[key] += value
                per[key] += value

    def snapshot(self) -> dict[str, Any]:
        """A plain-dict deep copy, safe to keep after the lock is released."""
        return copy.deepcopy(
            {
                "triggers": self.triggers,
                "outcomes": dict(self.outcomes),
                "deferred": self.deferred,
                "forced": self.forced,
                "guards": dict(self.guards),
                "dropped_by": dict(self.dropped_by),
                "rejected": self.rejected,
                "reasons": {r: {k: v for k, v in c.items() if v} for r, c in self.reasons.items()},
                "responses": {
                    "total": self.responses,
                    "by_reason": dict(self.responses_by_reason),
                    "by_status": dict(self.responses_by_status),
                },
                "usage": dict(self.usage),
                "usage_by_reason": {r: dict(c) for r, c in self.usage_by_reason.items()},
                "stuck": dict(self.stuck),
                "reconnects": self.reconnects,
                "cancels": self.cancels,
                "requeued": self.requeued,
            }
        )
