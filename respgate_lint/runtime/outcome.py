"""What a trigger returns, and the names of the guards that can stop it.

Kept apart from the gate so callers (and the codemod's tests) can import the
vocabulary without pulling in the gate's machinery.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

# Blocking guards end a trigger for good.
CLOSING = "closing"
PENDING_HANGUP = "pending_hangup"
BUDGET = "budget"
# Holding guards defer a trigger until they clear.
SESSION_NOT_READY = "session_not_ready"
USER_SPEAKING = "user_speaking"
RESPONSE_IN_FLIGHT = "response_in_flight"
RAPID_CREATE = "rapid_create"

BLOCKING_GUARDS: tuple[str, ...] = (CLOSING, PENDING_HANGUP, BUDGET)
HOLDING_GUARDS: tuple[str, ...] = (
    SESSION_NOT_READY,
    USER_SPEAKING,
    RESPONSE_IN_FLIGHT,
    RAPID_CREATE,
)
#: Holding guards that ``force=True`` skips (the session guard is never skipped:
#: a response created before ``session.updated`` speaks with the default voice).
FORCE_BYPASSES: frozenset[str] = frozenset({USER_SPEAKING, RESPONSE_IN_FLIGHT, RAPID_CREATE})
GUARDS: tuple[str, ...] = BLOCKING_GUARDS + HOLDING_GUARDS

Status = Literal["sent", "deferred", "blocked"]


@dataclass(frozen=True, slots=True)
class Outcome:
    """The immediate result of one ``trigger_response`` call.

    ``bool(outcome)`` is True only when a ``response.create`` went on the wire
    during this call, so ``if await self.trigger_response(...)`` reads naturally.
    A ``deferred`` outcome's ``event_id`` is the id the held create will carry,
    letting the caller correlate the later send.
    """

    status: Status
    reason: str
    guard: str | None = None
    event_id: str | None = None
    coalesced: bool = field(default=False)

    def __bool__(self) -> bool:
        return self.status == "sent"

    @property
    def sent(self) -> bool:
        return self.status == "sent"
