"""How many items one WooCommerce batch request carries, from measured time.

WooCommerce saves a batch item by item inside one PHP request: 100 product
creates took 17.5 s on a quiet 2-core shop and 30-51 s under load, past a
30 s client timeout, while the shop went on and saved them.  A fixed 100
is therefore wrong on a small host.  Each request aims at ``target_s`` (a
few seconds, well inside the timeout): the first size comes from a prior
per-item cost (creates cost more than updates), every answered request
updates the measured per-item time (a moving average), a request without
answer halves the next size, and the size stays within 10..100.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CREATE_PRIOR_S", "UPDATE_PRIOR_S", "BatchSizer"]

MAX_ITEMS = 100  # WooCommerce answers 413 above this
MIN_ITEMS = 10  # below this a request's fixed cost dominates; 10 creates fit any timeout
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
        """Aim at 5 s per request, or a third of a shorter client timeout."""
        prior = CREATE_PRIOR_S if creates else UPDATE_PRIOR_S
        return cls(target_s=min(5.0, timeout_s / 3), per_item_s=prior)

    def size(self) -> int:
        """Items for the next request (10..100)."""
        if self.per_item_s <= 0:
            return MAX_ITEMS
        return max(MIN_ITEMS, min(MAX_ITEMS, int(self.target_s / self.per_item_s)))

    def record(self, items: int, elapsed_s: float) -> None:
        """An answered request of ``items`` took ``elapsed_s``."""
        if items <= 0 or elapsed_s < 0:
            return
        sample = elapsed_s / items
        if self.measured == 0:
            self.per_item_s = sample
        else:
            self.per_item_s = _WEIGHT * sample + (1 - _WEIGHT) * self.per_item_s
        self.measured += 1

    def unanswered(self, items: int) -> None:
        """A request of ``items`` got no answer (timeout): the next ones carry at most half.

        Its time says nothing reliable per item (the shop may not even have
        started it), so it halves the size instead of joining the average.
        """
        if items > 0:
            half = max(MIN_ITEMS, items // 2)
            self.per_item_s = max(self.per_item_s, self.target_s / half)
