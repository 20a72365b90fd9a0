"""Request counters, so tests and benchmarks can assert on traffic.

"A no-op sync performs zero writes" is a design rule; ``writes`` is how a
test proves it against the sandbox rather than against our own bookkeeping.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

__all__ = ["RequestStats"]


class RequestStats:
    """Counts API requests by ``(method, route)``, writes, statuses and faults."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        """Start counting from zero (also restarts the daily quota)."""
        self.requests: Counter[tuple[str, str]] = Counter()
        self.statuses: Counter[int] = Counter()
        self.faults: Counter[str] = Counter()
        self.writes = 0
        self.objects_written = 0
        self.requests_today = 0

    @property
    def total(self) -> int:
        return sum(self.requests.values())

    def count(self, method: str, route: str) -> int:
        return self.requests[(method.upper(), route)]

    def snapshot(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "requests": {f"{m} {r}": n for (m, r), n in sorted(self.requests.items())},
            "statuses": {str(s): n for s, n in sorted(self.statuses.items())},
            "faults": dict(self.faults),
            "writes": self.writes,
            "objectsWritten": self.objects_written,
            "requestsToday": self.requests_today,
        }
