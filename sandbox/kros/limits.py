"""KROS's request limits: 10 requests per second and 300 per minute, per token.

[contract §3: SW3 MCP, 3P ×2]  Over either limit KROS answers 429; whether
it sends ``Retry-After`` is unconfirmed, so the sandbox sends it only when a
knob asks.  A sliding window of request times per token.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["RateWindow"]


@dataclass
class RateWindow:
    per_second: int = 10
    per_minute: int = 300
    clock: Callable[[], float] = time.monotonic
    _times: dict[str, deque[float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def admit(self, token: str) -> bool:
        """Record a request; False (and not recorded) when it is over a limit."""
        now = self.clock()
        with self._lock:
            times = self._times.setdefault(token, deque())
            while times and now - times[0] >= 60:
                times.popleft()
            last_second = sum(1 for t in times if now - t < 1)
            if last_second >= self.per_second or len(times) >= self.per_minute:
                return False
            times.append(now)
            return True
