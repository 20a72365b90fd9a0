"""Request counters per remote system.

Benchmarks and the dashboard need to know how many API calls a sync cost
("a no-op sync performs zero writes"), so every exchange is counted here.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

__all__ = ["WRITE_METHODS", "RequestStats", "StatsSnapshot"]

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass(frozen=True)
class StatsSnapshot:
    """An immutable copy of the counters at one moment."""

    total: int = 0
    by_method: dict[str, int] = field(default_factory=dict)
    writes: int = 0
    retries: int = 0
    rate_limited: int = 0
    server_errors: int = 0
    failures: int = 0
    bytes_sent: int = 0
    bytes_received: int = 0
    elapsed: float = 0.0

    @property
    def bytes(self) -> int:
        return self.bytes_sent + self.bytes_received


class RequestStats:
    """Mutable counters, updated by the transport after every attempt."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.total = 0
        self.by_method: Counter[str] = Counter()
        self.writes = 0
        self.retries = 0
        self.rate_limited = 0
        self.server_errors = 0
        self.failures = 0
        self.bytes_sent = 0
        self.bytes_received = 0
        self.elapsed = 0.0

    def record(
        self, method: str, status: int | None, sent: int, received: int, elapsed: float
    ) -> None:
        """Count one attempt (``status`` None: no response, e.g. a timeout)."""
        method = method.upper()
        self.total += 1
        self.by_method[method] += 1
        self.writes += method in WRITE_METHODS
        self.rate_limited += status == 429
        self.server_errors += status is not None and status >= 500
        self.failures += status is None
        self.bytes_sent += sent
        self.bytes_received += received
        self.elapsed += elapsed

    @property
    def bytes(self) -> int:
        return self.bytes_sent + self.bytes_received

    def snapshot(self, *, reset: bool = False) -> StatsSnapshot:
        """Copy the counters; with ``reset=True`` start counting afresh."""
        snap = StatsSnapshot(
            total=self.total,
            by_method=dict(self.by_method),
            writes=self.writes,
            retries=self.retries,
            rate_limited=self.rate_limited,
            server_errors=self.server_errors,
            failures=self.failures,
            bytes_sent=self.bytes_sent,
            bytes_received=self.bytes_received,
            elapsed=self.elapsed,
        )
        if reset:
            self.reset()
        return snap
