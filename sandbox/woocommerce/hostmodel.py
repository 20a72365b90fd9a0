"""How fast (and how badly) the simulated WordPress host answers.

Every cost constant has a recorded source in :data:`SOURCES`: a measurement
(on a real WooCommerce 10.0.2 on 2 cores, loopback https; figures from
issue 21) or the word "assumption".  ``time_scale`` multiplies every cost
(0 = answer at once, the default for tests; 1 = as slow as that host).
``workers`` is the PHP-FPM pool: more concurrent requests than that wait in
a queue.  Requests in service slow each other down by :meth:`slowdown`:
only part of a request is PHP on the ``cores`` (``cpu_share``; the rest is
MySQL and I/O waits that overlap), and every other request in service adds
``lock_contention`` (table locks, the object cache).  The two are fitted so
that the model reproduces the measured 78, 42 and 29 ms per item for 1, 2
and 4 concurrent batches of 100 creates; a plain "CPU-bound on 2 cores"
model would give 39 ms at 4, where the real host did 29.
``load_factor`` is everything else on the host (other sites, cron, backups):
it multiplies every cost.  Fault knobs are drawn from one seeded RNG, so a
run is repeatable.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from typing import Any

__all__ = ["SOURCES", "HostModel", "Operation"]

_REAL_HOST = "measured on WooCommerce 10.0.2, 2 cores, loopback https (issue 21)"

# Where each cost and capacity constant comes from (field name -> source).
SOURCES: dict[str, str] = {
    "workers": "assumption: PHP-FPM's shipped pool size (pm.max_children = 5)",
    "cores": f"{_REAL_HOST}: the host had 2 cores",
    "latency": "assumption: 0, the measurements were taken over loopback",
    "load_factor": "assumption: 1, an otherwise idle host as measured",
    "base_cost": "assumption: 0.1 s for a request without its own figure (single GET)",
    "create_cost": f"{_REAL_HOST}: one product POST took 154 ms",
    "update_cost": f"{_REAL_HOST}: one product PUT took 121 ms",
    "delete_cost": "assumption: like a PUT (about 0.12 s)",
    "order_create_cost": "assumption: 0.5 s (an order writes lines, stock, notes)",
    "batch_create_item_cost": (
        f"{_REAL_HOST}: a batch of 100 creates took 72-84 ms per item; the midpoint, 78 ms"
    ),
    "batch_update_item_cost": f"{_REAL_HOST}: a batch of 100 updates took 43 ms per item",
    "batch_delete_item_cost": "assumption: 50 ms per item, between update and create",
    "page_item_cost": f"{_REAL_HOST}: a page of 100 products took 0.74 s",
    "cpu_share": (
        f"fitted to {_REAL_HOST}: 2 and 4 concurrent batches of 100 creates took 42 and "
        "29 ms per item (78 alone); with lock_contention this gives 42.0 and 29.0"
    ),
    "lock_contention": "fitted with cpu_share to the same 42 and 29 ms per item",
}


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
    cpu_share: float = 0.21
    lock_contention: float = 0.077
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

    def slowdown(self, in_service: int) -> float:
        """How much longer a request takes with ``in_service`` requests (itself included).

        Only the ``cpu_share`` of a request competes for the cores; every
        other request in service adds ``lock_contention``.
        """
        n = max(1, in_service)
        cpu = (1 - self.cpu_share) + self.cpu_share * max(1.0, n / max(1, self.cores))
        return cpu * (1 + self.lock_contention * (n - 1))

    def patched(self, changes: dict[str, Any]) -> HostModel:
        """A copy with ``changes`` applied; unknown knobs raise KeyError."""
        known = {f.name: f.type for f in fields(self)}
        unknown = set(changes) - set(known)
        if unknown:
            raise KeyError(", ".join(sorted(unknown)))
        current = asdict(self)
        typed = {k: type(current[k])(v) for k, v in changes.items()}
        return replace(self, **typed)
