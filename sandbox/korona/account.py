"""KoronaSandbox: one simulated KORONA.cloud account and its control surface.

The HTTP app (:func:`sandbox.korona.app.create_app`) serves this state; the
methods here are what a back-office user would do in KORONA Studio (change a
price, count stock, deactivate an article), so tests and the demo can make
the "other side" move.  Each change bumps the object's revision like the
real system, which is what a revision-polling sync must notice.

Thread safety: the HTTP server runs in another thread, so every state access
(handlers and these methods alike) happens under ``lock``.
"""

from __future__ import annotations

import hmac
import json
import random
import threading
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from sandbox.korona import ids
from sandbox.korona.adjustments import StockAdjustments
from sandbox.korona.catalog import ProductCatalog
from sandbox.korona.customers import CustomerBook
from sandbox.korona.demo_shop import seed_customers, seed_products
from sandbox.korona.faults import Knobs
from sandbox.korona.masterdata import MasterData
from sandbox.korona.pos import PointsOfSale
from sandbox.korona.products import PriceRow, ProductRow
from sandbox.korona.receipts import ReceiptBook
from sandbox.korona.seed import seed_master_data
from sandbox.korona.stats import RequestStats
from sandbox.korona.stock import StockLedger
from sandbox.korona.wire import dumps

__all__ = ["KoronaSandbox"]


class KoronaSandbox:
    """State of one KORONA account: master data, products, stock, receipts."""

    def __init__(
        self,
        account_id: str = ids.DEFAULT_ACCOUNT_ID,
        user: str = ids.DEFAULT_USER,
        password: str = ids.DEFAULT_PASSWORD,
    ) -> None:
        self.account_id = account_id
        self.user = user
        self._password = password
        self.lock = threading.RLock()
        self.knobs = Knobs()
        self.stats = RequestStats()
        self.master = MasterData()
        seed_master_data(self.master)
        self.catalog = ProductCatalog(self.master)
        self.stock = StockLedger(ids.WAREHOUSE_IDS)
        self.points_of_sale = PointsOfSale(self.master)
        self.receipt_book = ReceiptBook(self.master, self.catalog, self.stock)
        self.customers = CustomerBook(self.master)
        self.adjustments = StockAdjustments(self.master, self.catalog, self.stock)
        # Test hook: called with (method, route) after each API request is answered,
        # before the next one, so a test can change the account between two pages.
        self.after_answer: list[Callable[[str, str], None]] = []

    def __repr__(self) -> str:
        return f"KoronaSandbox(account_id={self.account_id!r}, products={len(self.catalog)})"

    def credentials_match(self, user: str, password: str) -> bool:
        same_user = hmac.compare_digest(user.encode(), self.user.encode())
        return hmac.compare_digest(password.encode(), self._password.encode()) and same_user

    def seed_demo(self, products: int = 300, rng_seed: int = 1, customers: int = 25) -> None:
        """Fill the account with a realistic shop (deterministic per ``rng_seed``)."""
        rng = random.Random(rng_seed)
        with self.lock:
            seed_products(self.catalog, self.stock, products, rng)
            seed_customers(self.master, customers, rng)

    def product(self, number: str) -> dict[str, Any]:
        """The product as the API returns it (by number or id), numbers as Decimal."""
        with self.lock:
            return _as_received(self.catalog.render(self.catalog.require(number)))

    def set_price(self, number: str, value: Decimal, price_group_id: str | None = None) -> None:
        """Change a price; ``None`` changes it in every price group the product has."""

        def edit(row: ProductRow) -> None:
            prices = [
                p._replace(value=Decimal(value))
                if price_group_id in (None, p.price_group_id)
                else p
                for p in row.prices
            ]
            groups = {p.price_group_id for p in prices}
            if price_group_id is not None and price_group_id not in groups:
                prices.append(PriceRow(price_group_id, Decimal(value)))
            row.prices = tuple(prices)

        self._change(number, edit)

    def set_stock(self, number: str, qty: int | Decimal, warehouse_id: str | None = None) -> None:
        """Count stock (absolute amount); default is the webshop's central warehouse."""
        with self.lock:
            row = self.catalog.require(number)
            self.stock.set(row.id, warehouse_id or ids.ORG_WAREHOUSE_ID, Decimal(qty))

    def stock_of(self, number: str, warehouse_id: str | None = None) -> Decimal | None:
        with self.lock:
            row = self.catalog.require(number)
            found = self.stock.row(row.id, warehouse_id or ids.ORG_WAREHOUSE_ID)
            return None if found is None else found.actual

    def deactivate(self, number: str) -> None:
        self._change(number, lambda row: setattr(row, "deactivated", True))

    def reactivate(self, number: str) -> None:
        self._change(number, lambda row: setattr(row, "deactivated", False))

    def rename(self, number: str, name: str) -> None:
        self._change(number, lambda row: setattr(row, "name", name))

    def delete(self, number: str) -> None:
        """Delete a product (``active=false``; seen only with ``includeDeleted``)."""
        with self.lock:
            self.catalog.delete(number)

    def _change(self, number: str, edit: Callable[[ProductRow], None]) -> None:
        with self.lock:
            self.catalog.change(number, edit)

    def receipts(self, pos_id: str | None = None) -> list[dict[str, Any]]:
        """Stored receipts as the API returns them (numbers as Decimal), oldest first."""
        with self.lock:
            found = [_as_received(r.to_json()) for r in self.receipt_book.table]
        return [r for r in found if pos_id is None or r["pointOfSale"]["id"] == pos_id]

    def coupling_id(self, pos_id: str) -> str | None:
        with self.lock:
            return self.points_of_sale.coupling(self.points_of_sale.find(pos_id)).coupling_id


def _as_received(body: dict[str, Any]) -> dict[str, Any]:
    """``body`` after a trip over the wire, parsed the way a careful client parses it."""
    return json.loads(dumps(body), parse_float=Decimal)
