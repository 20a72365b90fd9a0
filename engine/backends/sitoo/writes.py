"""WooCommerce edits written to Sitoo: product fields, prices, stock.

Products: ``PUT products.json`` is a batch whose items need ``productid``
[V], so the SKUs of a batch are looked up first (one ``GET …?sku=a,b``).
A SKU outside Sitoo's pattern ``[A-Za-z0-9_+-/]`` [V] is refused with that
reason before anything is sent.  The price goes to the chosen price list
(``PUT pricelistitems.json``) or, without one, to ``moneyprice`` (the
Default list [V]); converted to Sitoo's kind (incl./excl. VAT) with the
product's VAT group rate.  Sitoo has no weight field: it is not written.

Stock: a Virtual warehouse takes the quantity directly (``decimaltotal`` is
writable only there [V]); the shop's figure is what may be sold, so the
total written is that plus what Sitoo holds reserved.  A FIFO warehouse
takes stock changes through orders; only with ``force_instant_stock`` are
they sent as warehouse transactions (the difference) — which can break a
stock-taking session open in the POS, so the setting warns about it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from engine.backends.records import ItemResult
from engine.backends.sitoo.api import SitooApi
from engine.backends.sitoo.catalog import VIRTUAL
from engine.backends.sitoo.creates import post_new, split_known
from engine.model import Product, StockLevel

__all__ = ["ProductWriter", "StockWriter", "sku_problem"]


def _refused(product: Product, reason: str) -> ItemResult:
    return ItemResult(product.sku, False, message=reason)


_SKU = re.compile(r"[A-Za-z0-9_+\-/]{1,100}")
_FIELDS = {"name": "title", "description": "description", "short_description": "descriptionshort"}
_CENT = Decimal("0.01")
FIFO_REFUSAL = (
    "the warehouse is FIFO: stock changes reach Sitoo through orders (force_instant_stock "
    "sends them at once, but can break an open stock-taking session)"
)


def sku_problem(sku: str) -> str | None:
    if not _SKU.fullmatch(sku or ""):
        return f"SKU {sku!r} is outside Sitoo's allowed pattern [A-Za-z0-9_+-/] (use Fix SKU)"
    return None


def _money(value: Decimal) -> str:
    return str(value.quantize(_CENT, ROUND_HALF_UP))


class ProductWriter:
    """Updates linked products (the fields named in ``Product.changed``); a product
    without an id is a new shop product (see :mod:`.creates`)."""

    def __init__(self, api: SitooApi) -> None:
        self._api = api

    async def _rows(self, skus: list[str]) -> dict[str, dict[str, Any]]:
        params = {"sku": ",".join(skus), "includeinactive": "true",
                  "fields": "productid,sku,vatid", "num": len(skus)}  # fmt: skip
        rows = await self._api.all_items(self._api.site("products"), params)
        return {str(r["sku"]): r for r in rows}

    async def _rates(self) -> dict[int, Decimal]:
        groups = await self._api.all_items(self._api.site("productgroups"))
        return {int(g["vatid"]): Decimal(str(g.get("value") or 0)) for g in groups}

    def _price(self, product: Product, row: dict[str, Any], rates: dict[int, Decimal]) -> str:
        assert product.price is not None
        amount, settings = product.price.amount, self._api.settings
        if settings.prices_include_vat != settings.price_includes_tax:
            factor = 1 + rates.get(int(row.get("vatid") or 0), Decimal(0)) / 100
            amount = amount * factor if settings.prices_include_vat else amount / factor
        return _money(amount)

    async def write(self, products: Sequence[Product]) -> list[ItemResult]:
        new = [p for p in products if not p.id and not sku_problem(p.sku)]
        rows = await self._rows([p.sku for p in new]) if new else {}
        known, created = split_known(new, rows)  # a SKU Sitoo holds is updated, not created
        by_id = {r.ref: r for r in await self._update([*(p for p in products if p.id), *known])}
        by_sku = {p.sku: by_id[p.id] for p in known} | await post_new(self._api, created)
        return [
            by_id[p.id] if p.id else by_sku.get(p.sku) or _refused(p, sku_problem(p.sku) or "")
            for p in products
        ]

    async def _update(self, products: Sequence[Product]) -> list[ItemResult]:
        if not products:
            return []
        results: dict[str, ItemResult] = {}
        fine = []
        for product in products:
            problem = sku_problem(product.sku)
            if problem:
                results[product.id] = ItemResult(product.id, False, message=problem)
            else:
                fine.append(product)
        rows = await self._rows([p.sku for p in fine]) if fine else {}
        rates = await self._rates() if any(p.price for p in fine) else {}
        bodies, prices, sent = [], [], []
        for product in fine:
            row = rows.get(product.sku)
            if row is None:
                results[product.id] = ItemResult(product.id, False, message="not in Sitoo")
                continue
            body = self._body(product, row, rates)
            if body.pop("_price", None) is not None and self._api.settings.pricelist_id:
                prices.append({"productid": row["productid"], "sku": product.sku,
                               "moneyprice": self._price(product, row, rates)})  # fmt: skip
            bodies.append(body)
            sent.append(product)
        results |= await self._send(sent, bodies, prices)
        return [results[p.id] for p in products]

    def _body(self, product: Product, row: dict[str, Any], rates: dict[int, Decimal]):
        changed = product.changed or frozenset({*_FIELDS, "price"})
        body: dict[str, Any] = {"productid": row["productid"], "sku": product.sku}
        for name, wire in _FIELDS.items():
            if name in changed:
                body[wire] = getattr(product, name)
        if "price" in changed and product.price is not None:
            if self._api.settings.pricelist_id:
                body["_price"] = True
            else:
                body["moneyprice"] = self._price(product, row, rates)
        return body

    async def _send(self, sent, bodies, prices) -> dict[str, ItemResult]:
        results: dict[str, ItemResult] = {}
        if bodies:
            answers = await self._api.batch("PUT", self._api.site("products"), bodies)
            for product, answer in zip(sent, answers, strict=True):
                results[product.id] = ItemResult(
                    product.id, answer.ok, product.id, "" if answer.ok else answer.message
                )
        if prices:
            path = self._api.site("pricelists", self._api.settings.pricelist_id, "pricelistitems")
            await self._api.write("PUT", path, prices)
        return results


class StockWriter:
    """Quantities set in WooCommerce, written to the chosen warehouse."""

    def __init__(self, api: SitooApi) -> None:
        self._api = api

    async def write(self, warehouse: str, levels: Sequence[StockLevel]) -> list[ItemResult]:
        rows = await self._api.all_items(self._api.site("warehouses"))
        row = next((r for r in rows if str(r.get("warehouseid")) == warehouse), None)
        if row is None:
            return [
                ItemResult(lv.product_id, False, message=f"no warehouse {warehouse}")
                for lv in levels
            ]
        virtual = row.get("warehousetype") == VIRTUAL
        if not virtual and not self._api.settings.force_instant_stock:
            return [ItemResult(lv.product_id, False, message=FIFO_REFUSAL) for lv in levels]
        held = await self._held(warehouse, [lv.sku or lv.product_id for lv in levels])
        if virtual:
            return await self._set(warehouse, levels, held)
        return await self._move(warehouse, levels, held)

    async def _held(self, warehouse: str, skus: list[str]) -> dict[str, tuple[Decimal, Decimal]]:
        path = self._api.site("warehouses", warehouse, "warehouseitems")
        params = {"sku": ",".join(skus), "fields": "sku,decimaltotal,decimalreserved"}
        rows = await self._api.all_items(path, params)
        return {
            str(r["sku"]): (Decimal(str(r.get("decimaltotal") or 0)),
                            Decimal(str(r.get("decimalreserved") or 0)))
            for r in rows
        }  # fmt: skip

    async def _set(self, warehouse, levels, held) -> list[ItemResult]:
        body = []
        for level in levels:
            sku = level.sku or level.product_id
            reserved = held.get(sku, (Decimal(0), Decimal(0)))[1]
            body.append({"sku": sku, "decimaltotal": f"{level.quantity + reserved:.3f}"})
        path = self._api.site("warehouses", warehouse, "warehouseitems")
        answers = await self._api.batch("PUT", path, body)
        return [
            ItemResult(lv.product_id, a.ok, lv.product_id, "" if a.ok else a.message)
            for lv, a in zip(levels, answers, strict=True)
        ]

    async def _move(self, warehouse, levels, held) -> list[ItemResult]:
        items = []
        for level in levels:
            sku = level.sku or level.product_id
            total, reserved = held.get(sku, (Decimal(0), Decimal(0)))
            delta = level.quantity + reserved - total
            if delta:
                items.append({"sku": sku, "decimalquantity": f"{delta:.3f}"})
        if items:
            body = [
                {
                    "warehouseid": int(warehouse),
                    "transactiontype": 10,
                    "description": "tillsync: stock set in WooCommerce",
                    "items": items,
                }
            ]
            (answer,) = await self._api.batch("POST", self._api.site("warehousetransactions"), body)
            if not answer.ok:
                return [ItemResult(lv.product_id, False, message=answer.message) for lv in levels]
        return [ItemResult(lv.product_id, True, lv.product_id) for lv in levels]
