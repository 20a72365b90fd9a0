"""ID sequences shaped like a WordPress database.

Products, variations, orders, refunds and coupons are all posts and share one
sequence (HPOS still reserves a placeholder post per order), terms
(categories) have their own, users (customers) theirs, and so on.  A client
that confuses one kind of id with another then fails as it would live.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

__all__ = ["IdSequences"]


@dataclass
class IdSequences:
    """Thread-safe counters; ``take(name)`` returns the next id of that kind."""

    post: int = 100
    term: int = 16
    user: int = 2
    webhook: int = 1
    comment: int = 1
    meta: int = 1000
    order_item: int = 1
    tax_rate: int = 1
    attribute: int = 1  # woocommerce_attribute_taxonomies
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def take(self, name: str) -> int:
        with self._lock:
            value = getattr(self, name)
            setattr(self, name, value + 1)
            return value

    def block(self, name: str, count: int) -> range:
        """Reserve ``count`` consecutive ids at once (bulk seeding)."""
        with self._lock:
            start = getattr(self, name)
            setattr(self, name, start + count)
            return range(start, start + count)
