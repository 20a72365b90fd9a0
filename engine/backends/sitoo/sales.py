"""Booking WooCommerce orders in Sitoo exactly once, and cancelling them.

Sitoo has no idempotency header; ``externalid`` is unique per system and
filterable [V], so it carries our store-derived key and is looked up
(``GET /orders.json?externalid=…``) before every POST — a retry after a
timeout finds the order the first attempt created.  The look-up also tries
``wc-<order id>``, the external id the WooCommerce plugin shops used before
writes, so switching to tillsync never books their orders again.  A POST
refused because the externalid exists [I: the refusal is not documented]
is answered by the same look-up.  Sitoo can't delete an order: a void sets
``orderstateid`` to Cancelled [V rule, I code 20].
"""

from __future__ import annotations

import asyncio

from engine.backends.records import IdempotencyKey, SaleRef, SaleState
from engine.backends.sitoo import order_wire
from engine.backends.sitoo.api import SitooApi
from engine.errors import ValidationError
from engine.model import Order

__all__ = ["SitooOrders", "legacy_external_id"]


def legacy_external_id(order_id: int) -> str:
    return f"wc-{order_id}"


class SitooOrders:
    """Create, find and cancel orders on one site."""

    def __init__(self, api: SitooApi) -> None:
        self._api = api
        self._lock = asyncio.Lock()  # look-up-then-create is one step per connection

    async def find(self, key: IdempotencyKey) -> SaleRef | None:
        wanted = (key.for_sale().value, legacy_external_id(key.order_id))
        params = {
            "eshopid": self._api.settings.eshopid,
            "externalid": ",".join(wanted),
            "fields": "orderid,externalid,orderstateid,ordertypeid",
        }
        body = await self._api.get("orders.json", params)
        rows = [r for r in body.get("items") or () if r.get("externalid") in wanted]
        if not rows:
            return None
        row = min(rows, key=lambda r: wanted.index(r["externalid"]))
        return _ref(row, key, existing=True)

    async def create(self, order: Order, key: IdempotencyKey, warehouse: str | None) -> SaleRef:
        async with self._lock:
            found = await self.find(key)
            if found is not None:
                return found
            body = order_wire.order_to_wire(order, key, self._api.settings, warehouse)
            try:
                answer = await self._api.write("POST", self._api.site("orders"), body)
            except ValidationError as error:
                again = await self.find(key) if "externalid" in error.message else None
                if again is None:
                    raise
                return again
        oid = str(answer)
        return SaleRef(id=oid, number=oid, key=key.value, state=SaleState.BOOKED)

    async def cancel(self, ref: SaleRef, key: IdempotencyKey) -> SaleRef:
        """Set the order Cancelled; an order already cancelled is left as it is."""
        path = self._api.site("orders", ref.id)
        current = await self._api.get(path)
        if current.get("orderstateid") != order_wire.CANCELLED:
            body = {
                "ordertypeid": current.get("ordertypeid", self._api.settings.order_type_id),
                "orderstateid": order_wire.CANCELLED,
            }
            await self._api.write("PUT", path, body)
        return SaleRef(
            id=ref.id, number=ref.number or ref.id, key=key.value, state=SaleState.VOIDED,
            reverses=ref.id,
        )  # fmt: skip

    async def deliver(self, order_id: str, warehouse: str) -> int:
        """An order delivery of every product item not delivered yet ("deliver after sync")."""
        order = await self._api.get(self._api.site("orders", order_id))
        path = self._api.site("orders", order_id, "orderdeliveries")
        done: dict[int, int] = {}
        for delivery in (await self._api.get(path)).get("items") or ():
            for line in delivery.get("orderdeliveryitems") or ():
                done[line["orderitemid"]] = done.get(line["orderitemid"], 0) + line["quantity"]
        product = order_wire.ITEM["product"]
        items = []
        for item in order.get("orderitems") or ():
            left = item["quantity"] - done.get(item["orderitemid"], 0)
            if item.get("orderitemtype", product) == product and left > 0:
                items.append({"orderitemid": item["orderitemid"], "quantity": left})
        if items:
            body = {"warehouseid": int(warehouse), "orderdeliveryitems": items}
            await self._api.write("POST", path, body)
        return len(items)


def _ref(row: dict, key: IdempotencyKey, existing: bool) -> SaleRef:
    oid = str(row["orderid"])
    return SaleRef(id=oid, number=oid, key=key.value, state=SaleState.BOOKED, existing=existing)
