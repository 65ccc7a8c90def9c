"""``GatedResponseMixin``: gives a handler class ``self.trigger_response(...)``.

The codemod rewrites sends into ``await self.trigger_response(...)``; mixing this
class in is the smallest change that makes that call exist and be correct. The
gate is created lazily because the host class often has its own ``__init__``
that never calls ``super().__init__()``.
"""

from __future__ import annotations

import threading
import types
from collections.abc import Mapping
from typing import Any

from .events import unwrap_create_event
from .gate import ResponseGate
from .outcome import Outcome

_CREATE_LOCK = threading.RLock()  # RLock: a factory may itself touch response_gate
_ATTR = "_respgate_response_gate"


class GatedResponseMixin:
    """Adds ``trigger_response`` backed by one lazily created ``ResponseGate`` per instance.

    Configure with class attributes, or override ``create_response_gate()``.
    Feed every server event with ``self.response_gate.observe(event)``: a gate
    that never sees one warns once (``UnobservedGateWarning``) after
    ``unobserved_grace_s`` and then sends with only the spacing guard, so a
    class the codemod gave this mixin keeps talking instead of going silent.
    """

    response_gate_min_interval_s: float = 0.5
    response_gate_max_responses: int | None = None
    response_gate_defer_timeout_s: float = 10.0
    #: Further ``ResponseGate`` keyword arguments (e.g. ``require_session_update``).
    response_gate_options: Mapping[str, Any] = types.MappingProxyType({})

    def create_response_gate(self) -> ResponseGate:
        """Build this instance's gate; override to customise per instance."""
        return ResponseGate(
            min_interval_s=self.response_gate_min_interval_s,
            max_responses=self.response_gate_max_responses,
            defer_timeout_s=self.response_gate_defer_timeout_s,
            **dict(self.response_gate_options),
        )

    @property
    def response_gate(self) -> ResponseGate:
        """This instance's gate, created on first use (thread-safe)."""
        gate = getattr(self, _ATTR, None)
        if gate is None:
            with _CREATE_LOCK:
                gate = getattr(self, _ATTR, None)
                if gate is None:
                    gate = self.create_response_gate()
                    object.__setattr__(self, _ATTR, gate)
        return gate

    @response_gate.setter
    def response_gate(self, gate: ResponseGate) -> None:
        object.__setattr__(self, _ATTR, gate)

    async def trigger_response(
        self,
        reason: str,
        client: Any,
        *,
        force: bool = False,
        is_greeting: bool = False,
        response: Any = None,
        event_id: str | None = None,
    ) -> Outcome:
        """The only way this handler asks for a response; see ``ResponseGate``."""
        return await self.response_gate.trigger_response(
            reason, client, force=force, is_greeting=is_greeting,
            response=response, event_id=event_id,
        )

    async def trigger_response_from_tool(
        self,
        reason: str,
        client: Any,
        *,
        call_id: str | None = None,
        force: bool = False,
        response: Any = None,
        event_id: str | None = None,
    ) -> Outcome:
        """Ask for the model's follow-up to a tool result.

        The follow-up is held (not dropped) while the user speaks or another
        response runs; ``call_id`` is recorded in ``response.metadata``.
        """
        payload, event_id = unwrap_create_event(response, event_id)
        if call_id is not None:
            body = dict(payload or {})
            body["metadata"] = {**(body.get("metadata") or {}), "tool_call_id": call_id}
            payload = body
        return await self.trigger_response(
            reason, client, force=force, response=payload, event_id=event_id
        )
