"""The emulator's clock: wall time (or any `() -> float` seconds) plus an offset that tests move.

    ws.clock.advance(days=91)   # every token unused since then is now revoked for inactivity

Expiry, inactivity and `last_used_day` all read this clock, so a test sees 90 days pass in no time.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

__all__ = ["Clock"]


class Clock:
    """Callable like `time.time`: the base clock's seconds plus what `advance()` added."""

    def __init__(self, base: Callable[[], float] = time.time) -> None:
        self.base = base
        self.offset = 0.0
        self._lock = threading.Lock()

    def __call__(self) -> float:
        return self.base() + self.offset

    def advance(self, *, days: float = 0, hours: float = 0, minutes: float = 0, seconds: float = 0) -> None:
        """Move time forward (a negative amount moves it back)."""
        with self._lock:
            self.offset += ((days * 24 + hours) * 60 + minutes) * 60 + seconds
