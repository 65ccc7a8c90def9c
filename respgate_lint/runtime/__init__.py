"""Reference gate and handler registry for OpenAI Realtime voice agents.

Pure asyncio + threading; imports nothing else of ``respgate_lint`` and no
third-party module, so an app can depend on it alone.
"""

from .clients import (
    ClientAdapter,
    NoSendPathError,
    SendPath,
    describe_path,
    register_send_path,
    resolve_path,
    resolve_sender,
    send_via,
)
from .events import COALESCED_KEY, EVENT_ID_KEY, REASON_KEY, build_create_event, new_event_id
from .gate import ResponseGate
from .mixin import GatedResponseMixin
from .outcome import (
    BLOCKING_GUARDS,
    BUDGET,
    CLOSING,
    DEFER_TIMEOUT,
    FORCE_BYPASSES,
    GUARDS,
    HOLDING_GUARDS,
    PENDING_HANGUP,
    RAPID_CREATE,
    REFUSED,
    RESET,
    RESPONSE_IN_FLIGHT,
    SEND_CANCELLED,
    SEND_FAILED,
    SESSION_NOT_READY,
    USER_SPEAKING,
    Outcome,
    Settlement,
    UnobservedGateWarning,
)
from .registry import HandlerRegistry, HandlerSession
from .stats import FINAL_STATES, StatsView

__all__ = [
    "BLOCKING_GUARDS",
    "BUDGET",
    "CLOSING",
    "COALESCED_KEY",
    "DEFER_TIMEOUT",
    "EVENT_ID_KEY",
    "FINAL_STATES",
    "FORCE_BYPASSES",
    "GUARDS",
    "HOLDING_GUARDS",
    "PENDING_HANGUP",
    "RAPID_CREATE",
    "REASON_KEY",
    "REFUSED",
    "RESET",
    "RESPONSE_IN_FLIGHT",
    "SEND_CANCELLED",
    "SEND_FAILED",
    "SESSION_NOT_READY",
    "USER_SPEAKING",
    "ClientAdapter",
    "GatedResponseMixin",
    "HandlerRegistry",
    "HandlerSession",
    "NoSendPathError",
    "Outcome",
    "ResponseGate",
    "SendPath",
    "Settlement",
    "StatsView",
    "UnobservedGateWarning",
    "build_create_event",
    "describe_path",
    "new_event_id",
    "register_send_path",
    "resolve_path",
    "resolve_sender",
    "send_via",
]
