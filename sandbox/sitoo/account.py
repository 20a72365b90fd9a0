"""One Sitoo account as the sandbox holds it: sites, catalog, stock, orders, vouchers.

Ids are integers counted per kind; ``productid`` is unique over all sites
[V].  Every list the API serves is read from here under ``lock`` (the ASGI
server and the test share the object across threads).  ``now`` is the
account's clock in unix seconds; tests move it to order modifications.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sandbox.sitoo.quota import Quota

__all__ = [
    "DEFAULT_ACCOUNT_ID",
    "DEFAULT_PASSWORD",
    "ESHOP_ID",
    "WAREHOUSE_FIFO",
    "WAREHOUSE_VIRTUAL",
    "Knobs",
    "SitooSandbox",
]

DEFAULT_ACCOUNT_ID = "90210"
DEFAULT_PASSWORD = "sandbox-api-password"
ESHOP_ID = 1
#: warehousetype codes: 10 FIFO [V reference §5], 20 Virtual [V spec: "Virtual (20)"]
WAREHOUSE_FIFO = 10
WAREHOUSE_VIRTUAL = 20


@dataclass
class Knobs:
    """Fault switches, changed by tests while the sandbox runs.

    ``scripted`` statuses are answered (before anything else, after counting)
    one per API request: 503, 500, 429, or "drop" (the connection closes
    without an answer).  ``commit_then_hang`` makes the next order POSTs
    store the order and then hold the answer for ``hang_seconds``, so the
    client times out on a write that happened.
    """

    scripted: list[str] = field(default_factory=list)
    latency: float = 0.0
    page_cap: int = 100
    commit_then_hang: int = 0
    hang_seconds: float = 5.0
    down: bool = False


@dataclass
class SitooSandbox:
    """The whole account; see the module docstring."""

    account_id: str = DEFAULT_ACCOUNT_ID
    password: str = field(default=DEFAULT_PASSWORD, repr=False)
    allowed_ips: frozenset[str] | None = frozenset({"127.0.0.1", "::1"})
    quota: Quota = field(default_factory=Quota)
    knobs: Knobs = field(default_factory=Knobs)
    now: Callable[[], int] = field(default=lambda: int(time.time()))
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)
    sites: dict[int, dict[str, Any]] = field(default_factory=dict)
    categories: dict[int, dict[str, Any]] = field(default_factory=dict)
    products: dict[int, dict[str, Any]] = field(default_factory=dict)
    variant_groups: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    images: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    pricelists: dict[int, dict[str, Any]] = field(default_factory=dict)
    pricelist_items: dict[int, dict[int, dict[str, Any]]] = field(default_factory=dict)
    productgroups: dict[int, dict[str, Any]] = field(default_factory=dict)
    manufacturers: dict[int, dict[str, Any]] = field(default_factory=dict)
    warehouses: dict[int, dict[str, Any]] = field(default_factory=dict)
    warehouse_items: dict[int, dict[str, dict[str, Any]]] = field(default_factory=dict)
    transactions: list[dict[str, Any]] = field(default_factory=list)
    orders: dict[int, dict[str, Any]] = field(default_factory=dict)
    deliveries: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    vouchers: dict[int, dict[str, Any]] = field(default_factory=dict)
    on_event: Callable[[str, dict[str, Any]], None] | None = field(default=None, repr=False)
    requests: Counter = field(default_factory=Counter)
    statuses: Counter = field(default_factory=Counter)
    _ids: dict[str, itertools.count] = field(default_factory=dict, repr=False)

    @property
    def api_id(self) -> str:
        """The API id is ``<accountid>-<n>`` [V reference §1]."""
        return f"{self.account_id}-1"

    def next_id(self, kind: str) -> int:
        counter = self._ids.setdefault(kind, itertools.count(1))
        return next(counter)

    def credentials_match(self, user: str, password: str) -> bool:
        return user == self.api_id and password == self.password

    def site(self, siteid: int) -> dict[str, Any] | None:
        return self.sites.get(siteid)

    def product_by_sku(self, sku: str) -> dict[str, Any] | None:
        return next((p for p in self.products.values() if p["sku"] == sku), None)

    def order_by_externalid(self, externalid: str) -> dict[str, Any] | None:
        return next((o for o in self.orders.values() if o.get("externalid") == externalid), None)

    def emit(self, event_type: str, data: dict[str, Any]) -> None:
        """Hand an event to the Events SPI client, when one is attached."""
        if self.on_event is not None:
            self.on_event(event_type, {"eshop_id": ESHOP_ID, **data})

    def requests_to(self, method: str, suffix: str) -> int:
        """How many API requests ``method`` sent to a route ending in ``suffix``."""
        return sum(
            n for (m, route), n in self.requests.items() if m == method and route.endswith(suffix)
        )

    def total_requests(self) -> int:
        return sum(self.requests.values())
