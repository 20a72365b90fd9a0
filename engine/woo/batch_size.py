"""How many items one WooCommerce batch request carries, from measured time.

WooCommerce saves a batch item by item inside one PHP request: 100 product
creates took 17.5 s on a quiet 2-core shop and 30-51 s under load, past a
30 s client timeout, while the shop went on and saved them (issue 13).  A
fixed 100 is therefore wrong on a small host; but so is a small batch on an
ordinary one: the measured WooCommerce 10.0.2 host (issue 21) takes 7.8 s
for 100 creates alone and 11.6 s with four in flight, and a sizer aiming at
5 s made 40 requests where 17 would do.  What matters is the client
timeout, so the size is judged against it:

* a size is kept while its predicted time (size × the measured time per
  item) stays within ``KEEP_BAND`` of the timeout (30-50 %): full batches
  of 100 as long as they take at most half the timeout;
* outside that band it is re-aimed at ``AIM_SHARE`` (40 %) of the timeout,
  so a slow shop gets smaller requests and a recovered one full ones again
  (the band keeps the size from changing on every measurement);
* the first size comes from a prior per-item cost (creates cost more than
  updates), every answered request updates the measured per-item time (a
  moving average), a request without answer halves the next size, and the
  size stays within 10..100.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["AIM_SHARE", "CREATE_PRIOR_S", "KEEP_BAND", "UPDATE_PRIOR_S", "BatchSizer"]

MAX_ITEMS = 100  # WooCommerce answers 413 above this
MIN_ITEMS = 10  # below this a request's fixed cost dominates; 10 creates fit any timeout
# Seconds per item before anything is measured: the measured host (issue 21) with four
# batches in flight, 29 ms per created item of each (116 ms of wall time per item of one
# request); updates 43 ms per item alone, about 64 ms with four in flight.
CREATE_PRIOR_S = 0.12
UPDATE_PRIOR_S = 0.064
AIM_SHARE = 0.4  # a re-sized request aims at this share of the client timeout
KEEP_BAND = (0.3, 0.5)  # a size whose predicted time stays in this share of it is kept
_WEIGHT = 0.5  # of the newest measurement in the moving average


@dataclass
class BatchSizer:
    """Adaptive request size for one kind of batch (creates, or updates/deletes)."""

    timeout_s: float = 30.0
    per_item_s: float = CREATE_PRIOR_S
    measured: int = 0
    current: int = 0  # the size in use; 0 until the first request is sized

    @classmethod
    def for_timeout(cls, timeout_s: float, *, creates: bool) -> BatchSizer:
        """A sizer for requests under a client (read) timeout of ``timeout_s``."""
        prior = CREATE_PRIOR_S if creates else UPDATE_PRIOR_S
        sizer = cls(timeout_s=timeout_s, per_item_s=prior)
        sizer.current = sizer._aimed()  # the first request's size, from the prior
        return sizer

    @property
    def target_s(self) -> float:
        """The time a re-sized request aims at."""
        return self.timeout_s * AIM_SHARE

    def size(self) -> int:
        """Items for the next request (10..100): the current size while its predicted time
        stays within the band, else re-aimed at :data:`AIM_SHARE` of the timeout."""
        low, high = (share * self.timeout_s for share in KEEP_BAND)
        predicted = self.current * self.per_item_s
        grow = predicted < low and self.current < MAX_ITEMS
        if self.current == 0 or predicted > high or grow:
            self.current = self._aimed()
        return self.current

    def _aimed(self) -> int:
        if self.per_item_s <= 0:
            return MAX_ITEMS
        fits = int(self.target_s / self.per_item_s + 1e-9)  # 12 s / 0.12 s is 100, not 99
        return max(MIN_ITEMS, min(MAX_ITEMS, fits))

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
        started it), so it halves the size instead of joining the average;
        the per-item time is raised so that half is what the aim gives.
        """
        if items > 0:
            half = max(MIN_ITEMS, items // 2)
            self.per_item_s = max(self.per_item_s, self.target_s / half)
            self.current = min(self.current or half, half)
