"""The data of one Ultimate POS business as the Connector API shows it.

Plain dicts in the shapes the Connector's resources answer (``product``,
``variation``, ``taxonomy``, ``tax``, ``business-location``, ``contactapi``,
``sell``), so the routes serialise them as they are.  Built from
``shared/reference/aurpos-api.md``: stock lives per variation and location
(``variation_location_details``), categories have two levels
(``parent_id`` 0 = top level), sells carry ``status`` final/draft.

Everything is guarded by one lock: uvicorn serves from its own thread while a
test reads the state from the test's thread.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sandbox.aurpos.faults import Knobs

__all__ = ["AurposSandbox", "Client", "User"]

Row = dict[str, Any]


@dataclass(frozen=True)
class Client:
    """An OAuth client made in the POS (Connector → Clients)."""

    id: str
    secret: str
    name: str = "tillsync"


@dataclass
class User:
    """A POS user; ``locations`` None means "all locations" (the admin role)."""

    username: str
    password: str
    permissions: frozenset[str]
    locations: frozenset[int] | None = None


@dataclass
class AurposSandbox:
    """One business: clients, users, catalogue, stock, contacts and sells."""

    business_id: int = 1
    public_prefix: bool = False  # served under /public (shared hosting) instead of /
    wrapped: bool = False  # {success, message, data, meta, links} as some forks answer
    knobs: Knobs = field(default_factory=Knobs)
    clients: dict[str, Client] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    locations: dict[int, Row] = field(default_factory=dict)
    categories: dict[int, Row] = field(default_factory=dict)
    taxes: dict[int, Row] = field(default_factory=dict)
    price_groups: dict[int, Row] = field(default_factory=dict)
    products: dict[int, Row] = field(default_factory=dict)
    contacts: dict[int, Row] = field(default_factory=dict)
    sells: dict[int, Row] = field(default_factory=dict)
    returns: set[int] = field(default_factory=set)  # sells with a sell return
    sell_returns: dict[int, Row] = field(default_factory=dict)  # the returns (sandbox.returns)
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)
    _ids: dict[str, int] = field(default_factory=dict, repr=False)

    def next_id(self, table: str) -> int:
        with self.lock:
            self._ids[table] = self._ids.get(table, 0) + 1
            return self._ids[table]

    @property
    def prefix(self) -> str:
        return "/public" if self.public_prefix else ""

    def variations(self) -> dict[int, tuple[Row, Row]]:
        """variation id -> (product, variation), for sell lines."""
        found: dict[int, tuple[Row, Row]] = {}
        for product in self.products.values():
            for template in product["product_variations"]:
                for variation in template["variations"]:
                    found[variation["id"]] = (product, variation)
        return found

    def stock(self, variation_id: int, location_id: int) -> Decimal:
        """``qty_available`` of one variation at one location (0 when never stocked)."""
        with self.lock:
            _, variation = self.variations()[variation_id]
            for row in variation["variation_location_details"]:
                if row["location_id"] == location_id:
                    return Decimal(row["qty_available"])
            return Decimal(0)

    def set_stock(self, variation_id: int, location_id: int, quantity: Decimal | int) -> None:
        """Replenish (or deplete) as a purchase or an adjustment in the POS would."""
        with self.lock:
            _, variation = self.variations()[variation_id]
            rows = variation["variation_location_details"]
            text = f"{Decimal(quantity):.4f}"
            for row in rows:
                if row["location_id"] == location_id:
                    row["qty_available"] = text
                    return
            rows.append(
                {"variation_id": variation_id, "location_id": location_id, "qty_available": text}
            )

    def add_stock(self, variation_id: int, location_id: int, delta: Decimal) -> None:
        self.set_stock(variation_id, location_id, self.stock(variation_id, location_id) + delta)

    def sell_list(self) -> list[Row]:
        with self.lock:
            return [dict(sell) for sell in self.sells.values()]
