"""The request budget: Sitoo answers 429 when an account spends it too fast.

Sitoo documents a 429 on every operation but publishes neither numbers nor
headers [V: 429 documented; I: everything below].  The sandbox models a
budget of ``limit`` requests per ``window`` seconds (a fixed window) and
reports what is left in ``X-Rate-Limit-Remaining`` and when the window resets
(``X-Rate-Limit-Reset``, epoch seconds) on every answer, plus ``Retry-After``
(seconds) on a 429 — the headers the reference says a client should honour
if present.  ``limit=None`` means no budget (and no headers).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["Quota"]


@dataclass
class Quota:
    """A fixed-window request budget; ``spend`` says whether one more request fits."""

    limit: int | None = None
    window: float = 60.0
    clock: Callable[[], float] = time.monotonic
    wall: Callable[[], float] = time.time
    used: int = 0
    refused: int = 0
    _window_start: float = field(default=0.0)

    def _roll(self) -> None:
        now = self.clock()
        if now - self._window_start >= self.window:
            self._window_start, self.used = now, 0

    def spend(self) -> bool:
        if self.limit is None:
            return True
        self._roll()
        if self.used >= self.limit:
            self.refused += 1
            return False
        self.used += 1
        return True

    @property
    def remaining(self) -> int | None:
        if self.limit is None:
            return None
        self._roll()
        return max(self.limit - self.used, 0)

    def seconds_to_reset(self) -> int:
        return max(math.ceil(self.window - (self.clock() - self._window_start)), 1)

    def headers(self, refused: bool) -> dict[str, str]:
        if self.limit is None:
            return {}
        reset = self.seconds_to_reset()
        headers = {
            "X-Rate-Limit-Limit": str(self.limit),
            "X-Rate-Limit-Remaining": str(self.remaining),
            "X-Rate-Limit-Reset": str(int(self.wall()) + reset),
        }
        if refused:
            headers["Retry-After"] = str(reset)
        return headers
