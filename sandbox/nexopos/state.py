"""The data of one NexoPOS 6.2.1 store, as its tables hold it.

Built from ``shared/reference/nexopos-api.md`` (routes read from the source,
and §11: what a running NexoPOS 6.2.1 answered), never from our adapter.
Rows are plain dicts shaped like the table columns; one lock guards them
because the ASGI server runs in another thread than the test that seeds
and inspects the store.

Prices and stock live on *unit quantities* (one row per product and unit),
not on the product [V].  Customers are users with the store-customer role;
an administrator is a user too, and its e-mail is taken for customers as
well (unique column) [I: the precise SQL message].
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

__all__ = ["ALL_PERMISSIONS", "Knobs", "NexoSandbox", "Token", "now_text"]

ALL_PERMISSIONS = frozenset(
    {
        "nexopos.read.products",
        "nexopos.create.products",
        "nexopos.update.products",
        "nexopos.read.categories",
        "nexopos.create.categories",
        "nexopos.read.products-units",
        "nexopos.read.taxes",
        "nexopos.read.orders",
        "nexopos.create.orders",
        "nexopos.void.orders",
        "nexopos.refund.orders",
        "nexopos.read.customers",
        "nexopos.create.customers",
        "nexopos.update.customers",
        "nexopos.read.customers-groups",
        "nexopos.read.users",
        "nexopos.make.products-adjustments",
    }
)


def now_text() -> str:
    """Laravel's timestamp format as the plain endpoints render it [I]."""
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")


@dataclass
class Token:
    """A Sanctum personal access token of one user, with that user's role permissions."""

    user_id: int
    permissions: frozenset[str] = ALL_PERMISSIONS


@dataclass
class Knobs:
    """Fault switches a test turns while the sandbox runs.

    ``rate_limit``/``rate_window`` is the throttle (80 per 60 s in production,
    ``None`` disables it like APP_ENV=local); ``answer_delay`` holds the
    answer of the next ``delay_times`` order creations *after* the order was
    stored (a lost answer); ``down`` answers 503 to everything;
    ``refund_breaks_after`` makes the next refund fail with a PHP error after
    that many of its lines were written (no transaction: the row stays partial,
    as a failed refund leaves it [V-run]).
    """

    rate_limit: int | None = 80
    rate_window: float = 60.0
    answer_delay: float = 0.0
    delay_times: int = 0
    down: bool = False
    fail_next: int = 0
    refund_breaks_after: int | None = None


@dataclass
class NexoSandbox:
    """Tables of one store plus request statistics; mutate only under ``lock``."""

    tokens: dict[str, Token] = field(default_factory=dict)
    users: dict[int, dict[str, Any]] = field(default_factory=dict)
    categories: dict[int, dict[str, Any]] = field(default_factory=dict)
    products: dict[int, dict[str, Any]] = field(default_factory=dict)
    unit_quantities: dict[int, dict[str, Any]] = field(default_factory=dict)
    units: dict[int, dict[str, Any]] = field(default_factory=dict)
    unit_groups: dict[int, dict[str, Any]] = field(default_factory=dict)
    tax_groups: dict[int, dict[str, Any]] = field(default_factory=dict)
    customer_groups: dict[int, dict[str, Any]] = field(default_factory=dict)
    payment_types: dict[int, dict[str, Any]] = field(default_factory=dict)
    orders: dict[int, dict[str, Any]] = field(default_factory=dict)
    refunds: list[dict[str, Any]] = field(default_factory=list)
    histories: list[dict[str, Any]] = field(default_factory=list)
    knobs: Knobs = field(default_factory=Knobs)
    requests: Counter = field(default_factory=Counter)
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)
    _next: Counter = field(default_factory=Counter, repr=False)

    def next_id(self, table: str) -> int:
        self._next[table] += 1
        return self._next[table]

    def customers(self) -> list[dict[str, Any]]:
        """Users holding the store-customer role."""
        return [u for u in self.users.values() if u.get("role") == "customer"]

    def quantities_of(self, product_id: int) -> list[dict[str, Any]]:
        return [q for q in self.unit_quantities.values() if q["product_id"] == product_id]

    def stock(self, sku: str, unit_id: int | None = None) -> float:
        """On-hand quantity of a product (by SKU) in one unit (its first by default)."""
        with self.lock:
            product = next(p for p in self.products.values() if p["sku"] == sku)
            rows = self.quantities_of(product["id"])
            row = next((q for q in rows if unit_id in (None, q["unit_id"])), rows[0])
            return float(row["quantity"])

    def sales(self) -> list[dict[str, Any]]:
        """Orders in creation order (what a test counts)."""
        with self.lock:
            return [self.orders[k] for k in sorted(self.orders)]

    def add_token(
        self, token: str, user_id: int, permissions: frozenset[str] | None = None
    ) -> None:
        with self.lock:
            self.tokens[token] = Token(
                user_id, ALL_PERMISSIONS if permissions is None else permissions
            )
