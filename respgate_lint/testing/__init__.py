"""Test helpers: an in-process fake OpenAI Realtime peer and its clients.

Imports nothing of ``respgate_lint`` (usable to test any gate implementation).
"""

from .clients import KINDS, PeerClosedError, make_client
from .peer import ACTIVE_RESPONSE_CODE, RealtimePeer, ResponseRecord, Violation

__all__ = [
    "ACTIVE_RESPONSE_CODE",
    "KINDS",
    "PeerClosedError",
    "RealtimePeer",
    "ResponseRecord",
    "Violation",
    "make_client",
]
