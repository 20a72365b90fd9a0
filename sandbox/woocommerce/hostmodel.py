"""How fast (and how badly) the simulated WordPress host answers.

The unscaled costs were measured on a real WooCommerce 10.0.2 on 2 cores;
``time_scale`` multiplies every one of them (0 = answer at once, the default
for tests; 1 = as slow as that host).  ``workers`` is the PHP-FPM pool: more
concurrent requests than that wait in a queue, and with more busy workers
than ``cores`` each request slows down proportionally (CPU-bound PHP).
``load_factor`` is everything else on the host (other sites, cron, backups):
it multiplies every cost; at 2.5 with four batches in flight a 100-product
batch create takes over 30 s, as measured on a loaded 2-core shop.
Fault knobs are drawn from one seeded RNG, so a run is repeatable.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from typing import Any

__all__ = ["HostModel", "Operation"]


class Operation:
    """Names of the cost classes a request is billed under."""

    READ_ONE = "read_one"
    READ_PAGE = "read_page"
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    BATCH = "batch"
    ORDER_CREATE = "order_create"


@dataclass(frozen=True)
class HostModel:
    """Capacity, per-operation costs (seconds, unscaled) and fault knobs of the host."""

    workers: int = 5
    cores: int = 2
    time_scale: float = 0.0
    latency: float = 0.0
    load_factor: float = 1.0
    base_cost: float = 0.1
    create_cost: float = 0.154
    update_cost: float = 0.121
    delete_cost: float = 0.12
    order_create_cost: float = 0.5
    batch_create_item_cost: float = 0.078
    batch_update_item_cost: float = 0.043
    batch_delete_item_cost: float = 0.05
    page_item_cost: float = 0.0074
    # faults: each a probability per API request, drawn from Random(fault_seed)
    fault_seed: int = 1
    rate_429: float = 0.0
    rate_429_bare: float = 0.0
    retry_after: int = 2
    rate_500: float = 0.0
    rate_500_after_write: float = 0.0
    rate_timeout: float = 0.0
    timeout_sleep: float = 65.0
    html_status: int = 0
    rate_limit_rps: float = 0.0
    rate_limit_burst: int = 10

    def cost(
        self, operation: str, items: int = 1, batch: tuple[int, int, int] = (0, 0, 0)
    ) -> float:
        """Seconds one request takes to serve (before CPU contention), scaled."""
        if self.time_scale <= 0:
            return 0.0
        if operation == Operation.READ_PAGE:
            raw = max(self.base_cost, self.page_item_cost * items)
        elif operation == Operation.BATCH:
            created, updated, deleted = batch
            raw = max(
                self.base_cost,
                created * self.batch_create_item_cost
                + updated * self.batch_update_item_cost
                + deleted * self.batch_delete_item_cost,
            )
        else:
            raw = {
                Operation.CREATE: self.create_cost,
                Operation.UPDATE: self.update_cost,
                Operation.DELETE: self.delete_cost,
                Operation.ORDER_CREATE: self.order_create_cost,
            }.get(operation, self.base_cost)
        return (self.latency + raw * self.load_factor) * self.time_scale

    def patched(self, changes: dict[str, Any]) -> HostModel:
        """A copy with ``changes`` applied; unknown knobs raise KeyError."""
        known = {f.name: f.type for f in fields(self)}
        unknown = set(changes) - set(known)
        if unknown:
            raise KeyError(", ".join(sorted(unknown)))
        current = asdict(self)
        typed = {k: type(current[k])(v) for k, v in changes.items()}
        return replace(self, **typed)
