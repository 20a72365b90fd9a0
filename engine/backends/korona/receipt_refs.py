"""What a receipt names by uuid, looked up before it is built.

* Each line's product, with its sector and that sector's sales tax and rate
  at the booking time, so ``taxPayments`` carry KORONA's own rate and a
  ``salesTax`` reference instead of a rate recomputed from rounded shop
  amounts.  A product KORONA doesn't know (deleted, mistyped SKU) is sent
  as it is, so KORONA's own refusal is what the admin reads.
* The warehouse, resolved from the configured number.
* The customer the customers job created (number ``WC<id>``), if any.

A found customer is kept for the adapter's life (its uuid never changes);
a found product for ``max_age`` seconds, so a sector changed in Studio is
seen within minutes without a look-up per order line.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from engine.backends.korona.api import KoronaApi
from engine.backends.korona.choices import Choices
from engine.backends.korona.customers import number_for
from engine.backends.korona.receipts import ItemTax, ReceiptRefs, booking_moment, product_handles
from engine.backends.korona.taxbook import TaxBook
from engine.backends.korona.wire import ResultList, is_uuid, ref_id
from engine.errors import ConfigError, NotFoundError
from engine.model import Order

__all__ = ["ReceiptLookup"]


class ReceiptLookup:
    """Reads, for one order, every uuid its receipt must name."""

    def __init__(
        self, api: KoronaApi, choices: Choices, taxes: TaxBook, max_age: float = 600.0
    ) -> None:
        self._api = api
        self._choices = choices
        self._taxes = taxes
        self._max_age = max_age
        self._products: dict[str, tuple[float, str, str | None]] = {}
        self._customers: dict[str, str] = {}

    async def refs(self, order: Order) -> ReceiptRefs:
        """Raises ConfigError for a line KORONA can't book or a product without a tax."""
        moment = booking_moment(order)
        items = {}
        for handle in product_handles(order, self._api.settings):
            items[handle] = await self._item_tax(handle, moment)
        warehouse = await self._choices.warehouse_id()
        return ReceiptRefs(items, warehouse, await self._customer_id(order))

    async def _item_tax(self, handle: str, moment: datetime) -> ItemTax | None:
        product = await self._product(handle)
        if product is None:
            return None
        product_id, sector_id = product
        tax = await self._taxes.sector(sector_id) if sector_id else None
        rate = tax.rate_at(moment) if tax else None
        if tax is None or rate is None or sector_id is None:
            raise ConfigError(
                f"KORONA product {handle} has no sector with a sales tax valid on "
                f"{moment:%Y-%m-%d}: its receipt line would carry no tax rate",
                hint="Give the product a sector with a current sales tax in KORONA Studio.",
            )
        return ItemTax(product_id, sector_id, tax.sales_tax_id, rate)

    async def _product(self, handle: str) -> tuple[str, str | None] | None:
        """(uuid, sector id) of an active product by uuid or number; None if KORONA has none."""
        cached = self._products.get(handle)
        if cached is not None and time.monotonic() - cached[0] <= self._max_age:
            return cached[1], cached[2]
        data = await self._read_product(handle)
        if data is None or data.get("active") is False or not data.get("id"):
            return None
        product_id, sector_id = str(data["id"]), ref_id(data.get("sector"))
        self._products[handle] = (time.monotonic(), product_id, sector_id)
        return product_id, sector_id

    async def _read_product(self, handle: str) -> Mapping[str, Any] | None:
        api = self._api
        if is_uuid(handle):
            try:
                return await api.get(api.path("products", handle))
            except NotFoundError:
                return None
        rows = ResultList.parse(await api.get(api.path("products"), {"number": handle}))
        return next((r for r in rows.results if r.get("number") == handle), None)

    async def _customer_id(self, order: Order) -> str | None:
        """The KORONA customer numbered after the order's WooCommerce customer, if it exists."""
        woo_id = order.customer.woo_id
        if not woo_id:
            return None
        number = number_for(woo_id)
        if number not in self._customers:
            api = self._api
            rows = ResultList.parse(await api.get(api.path("customers"), {"number": number}))
            match = next((r for r in rows.results if r.get("number") == number), None)
            if match is None or not match.get("id"):
                return None
            self._customers[number] = str(match["id"])
        return self._customers[number]
