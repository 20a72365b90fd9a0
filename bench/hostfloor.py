"""The floor: the least time the modeled WooCommerce host needs for a workload.

The host bills each request by the sandbox's :class:`HostModel` (scaled):
a batch of ``n`` creates costs ``max(base, n × batch_create_item_cost)``,
a page read ``max(base, items × page_item_cost)``.  Requests in service
slow each other down (``HostModel.slowdown``), so ``k`` batches at once
get through ``k ÷ slowdown(k)`` times the work of one: the host's
*parallelism*, best at some ``k`` up to ``workers`` (on the measured host:
1.86 at 2, 2.69 at 4).  The best any client can do is to send the fewest,
fullest batches and keep the best number of them in service all the time, so:

* one group of independent batches takes
  ``max(Σ cost ÷ parallelism, largest cost × its slowdown)``;
* groups that must follow each other (category tree levels: parents
  before children) add up;
* page reads are added as they come (they are few and small).

The minimum request count is the same plan counted: ``ceil(n / 100)`` per
group plus one request per page read.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from sandbox.woocommerce.hostmodel import HostModel, Operation

__all__ = ["BATCH_LIMIT", "HostPlan", "best_concurrency", "parallelism"]

BATCH_LIMIT = 100


def best_concurrency(model: HostModel, batches: int | None = None) -> int:
    """Requests in service at once that get the most work through (≤ workers, ≤ batches)."""
    top = max(1, min(model.workers, batches or model.workers))
    return max(range(1, top + 1), key=lambda k: k / model.slowdown(k))


def parallelism(model: HostModel, batches: int | None = None) -> float:
    """How many single requests' worth of work the host gets through at its best."""
    k = best_concurrency(model, batches)
    return k / model.slowdown(k)


def _chunks(items: int) -> list[int]:
    full, rest = divmod(items, BATCH_LIMIT)
    return [BATCH_LIMIT] * full + ([rest] if rest else [])


@dataclass(frozen=True)
class HostPlan:
    """A workload: sequential groups of batch writes, plus page reads (items per page)."""

    creates: Sequence[int] = ()  # items created, per sequential group
    updates: Sequence[int] = ()  # items updated, per sequential group
    page_reads: Sequence[int] = ()

    def _group_cost(self, model: HostModel, items: int, op: int) -> float:
        costs = [
            model.cost(Operation.BATCH, batch=(n, 0, 0) if op == 0 else (0, n, 0))
            for n in _chunks(items)
        ]
        if not costs:
            return 0.0
        k = best_concurrency(model, len(costs))
        return max(sum(costs) / parallelism(model, len(costs)), max(costs) * model.slowdown(k))

    def floor_s(self, model: HostModel) -> float:
        """Seconds the host needs at best (scaled by the model's ``time_scale``)."""
        writes = sum(self._group_cost(model, n, 0) for n in self.creates)
        writes += sum(self._group_cost(model, n, 1) for n in self.updates)
        reads = sum(model.cost(Operation.READ_PAGE, items) for items in self.page_reads)
        return writes + reads

    def min_requests(self) -> int:
        groups = [*self.creates, *self.updates]
        return sum(math.ceil(n / BATCH_LIMIT) for n in groups) + len(self.page_reads)

    def max_items_per_s(self, model: HostModel, op: int = 0) -> float:
        """Write throughput of full batches at the best concurrency (items per second)."""
        batch = (BATCH_LIMIT, 0, 0) if op == 0 else (0, BATCH_LIMIT, 0)
        return BATCH_LIMIT * parallelism(model) / model.cost(Operation.BATCH, batch=batch)
