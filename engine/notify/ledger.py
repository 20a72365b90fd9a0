"""Once per outage: which alert keys have been reported, and when.

Pure bookkeeping with an injected monotonic clock, so the rules are tested
without mail or sleeps.  A key reported less than ``cooldown`` seconds ago is
suppressed; after the cooldown a still-open condition is reported again as a
reminder; a ``RESOLVED`` alert closes the key (and is itself reported only
if the outage was), so the next failure is news again.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from engine.notify.alert import Alert, Severity

__all__ = ["OutageLedger"]


class OutageLedger:
    """Decides whether an alert is news."""

    def __init__(
        self, cooldown: float = 3600.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._cooldown = cooldown
        self._clock = clock
        self._reported: dict[str, float] = {}

    def admit(self, alert: Alert) -> bool:
        """True if ``alert`` should be sent; records it as reported if so."""
        if not alert.key:
            return True
        if alert.severity is Severity.RESOLVED:
            return self._reported.pop(alert.key, None) is not None
        now = self._clock()
        last = self._reported.get(alert.key)
        if last is not None and now - last < self._cooldown:
            return False
        self._reported[alert.key] = now
        return True

    def open_keys(self) -> list[str]:
        """Conditions reported and not yet resolved (for the dashboard)."""
        return sorted(self._reported)
