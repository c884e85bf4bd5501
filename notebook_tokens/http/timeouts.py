"""A session's timeout as the urllib3 `Timeout` requests would build from it on every call.

requests accepts `timeout=` as a number, a `(connect, read)` tuple or a urllib3 `Timeout`, and turns the
first two into a validated `Timeout` per request (three validations, about 70 bytecodes). A session's own
timeout changes rarely, so it is built once per value; urllib3 clones it per request (its start time is
per request), so one object can serve every call.
"""

from __future__ import annotations

from typing import Any

from urllib3.util import Timeout

__all__ = ["timeout_object"]


def timeout_object(value: Any) -> Any:
    """`value` (a number, a pair, or None) as a urllib3 Timeout; a value requests would refuse stays as it is,
    so requests gives its own error for it."""
    try:
        if isinstance(value, Timeout):
            return value
        connect, read = value if isinstance(value, tuple) else (value, value)
        return Timeout(connect=connect, read=read)
    except (TypeError, ValueError):
        return value
