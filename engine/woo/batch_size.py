"""How many items one WooCommerce batch request carries, from measured time.

WooCommerce saves a batch item by item inside one PHP request: 100 product
creates took 17.5 s on a quiet 2-core shop and 30-51 s under load, past a
30 s client timeout, while the shop went on and saved them.  A fixed 100
is therefore wrong on a small host.  Each request aims at ``target_s`` (a
few seconds, well inside the timeout): the first size comes from a prior
per-item cost (creates cost more than updates), every answered or failed
request updates the measured per-item time, and the next size follows.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CREATE_PRIOR_S", "UPDATE_PRIOR_S", "BatchSizer"]

MAX_ITEMS = 100  # WooCommerce answers 413 above this
CREATE_PRIOR_S = 0.2  # seconds per created product before anything is measured
UPDATE_PRIOR_S = 0.05
_WEIGHT = 0.5  # of the newest measurement in the moving average


@dataclass
class BatchSizer:
    """Adaptive request size for one kind of batch (creates, or updates/deletes)."""

    target_s: float = 5.0
    per_item_s: float = CREATE_PRIOR_S
    measured: int = 0

    @classmethod
    def for_timeout(cls, timeout_s: float, *, creates: bool) -> BatchSizer:
        """Aim at a sixth of the client timeout, at most 5 s per request."""
        prior = CREATE_PRIOR_S if creates else UPDATE_PRIOR_S
        return cls(target_s=min(5.0, timeout_s / 6), per_item_s=prior)

    def size(self) -> int:
        """Items for the next request (1..100)."""
        if self.per_item_s <= 0:
            return MAX_ITEMS
        return max(1, min(MAX_ITEMS, int(self.target_s / self.per_item_s)))

    def record(self, items: int, elapsed_s: float) -> None:
        """A request of ``items`` took ``elapsed_s`` (a timeout counts as its full wait)."""
        if items <= 0 or elapsed_s < 0:
            return
        sample = elapsed_s / items
        if self.measured == 0:
            self.per_item_s = sample
        else:
            self.per_item_s = _WEIGHT * sample + (1 - _WEIGHT) * self.per_item_s
        self.measured += 1
