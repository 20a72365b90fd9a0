"""Request counters the tests and benchmarks read back.

Benchmarks need to know what the client really did to the store (how many
requests, which routes, how many items written, how much concurrency it
put on the host); tests assert on the same numbers.  Thread-safe because the
server runs in its own thread while a test reads.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

__all__ = ["SandboxStats"]


@dataclass
class SandboxStats:
    """Mutable counters; ``snapshot()`` gives a JSON-ready copy."""

    total: int = 0
    by_route: Counter[tuple[str, str]] = field(default_factory=Counter)
    by_status: Counter[int] = field(default_factory=Counter)
    items_created: int = 0
    items_updated: int = 0
    items_deleted: int = 0
    served_429: int = 0
    served_500: int = 0
    timeouts: int = 0
    html_pages: int = 0
    in_flight: int = 0
    max_in_flight: int = 0
    in_service: int = 0
    max_concurrent: int = 0
    webhook_pings: int = 0
    webhook_deliveries: int = 0
    webhook_failures: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def arrived(self, method: str, template: str) -> None:
        with self._lock:
            self.total += 1
            self.by_route[(method, template)] += 1
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def started(self) -> int:
        """A worker picked the request up; returns how many are now in service."""
        with self._lock:
            self.in_service += 1
            self.max_concurrent = max(self.max_concurrent, self.in_service)
            return self.in_service

    def finished(self, status: int, served: bool) -> None:
        with self._lock:
            self.by_status[status] += 1
            self.in_flight -= 1
            if served:
                self.in_service -= 1
            if status == 429:
                self.served_429 += 1
            elif status >= 500:
                self.served_500 += 1

    def add(self, name: str, amount: int = 1) -> None:
        """Bump a plain counter such as ``items_created`` or ``webhook_failures``."""
        with self._lock:
            setattr(self, name, getattr(self, name) + amount)

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            plain = {
                key: value
                for key, value in vars(self).items()
                if not key.startswith("_") and not isinstance(value, Counter)
            }
            plain["by_route"] = {f"{m} {t}": n for (m, t), n in sorted(self.by_route.items())}
            plain["by_status"] = {str(s): n for s, n in sorted(self.by_status.items())}
        return plain

    def reset(self) -> None:
        """Zero the counters; requests in flight right now stay counted as such."""
        with self._lock:
            live = {"in_flight": self.in_flight, "in_service": self.in_service}
            for name, value in vars(SandboxStats()).items():
                if not name.startswith("_"):
                    setattr(self, name, Counter() if isinstance(value, Counter) else value)
            self.in_flight, self.in_service = live["in_flight"], live["in_service"]
            self.max_in_flight, self.max_concurrent = self.in_flight, self.in_service
