"""Orders booked in NexoPOS exactly once, and voided or refunded on cancel.

NexoPOS has no idempotency key and the same order posted twice is two
orders [V-run].  tillsync writes the sale's key (``WC-<store>-<order>-<rev>``,
derived from the shop and the order, never from our database) into the
order's ``title`` - stored as given and searchable [V-run] - and looks it up
through ``crud/ns.orders?search=`` before every create, under the write
lock, so a lost answer never books twice.

Lines carry ``unit_quantity_id`` (required [V]), resolved by SKU and the
configured unit; a SKU without one holds the order naming it.  Fees become
quick products (no product id).  Discounts are in the line prices
(WooCommerce reports lines after discounts); shipping is the order's
``shipping``.  An unmapped gateway holds the order.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from engine.backends.base import IdempotencyKey, SaleRef, SaleState
from engine.backends.nexopos.api import NexoApi
from engine.backends.nexopos.catalog import pick_unit_row
from engine.backends.nexopos.customers import CustomerDesk
from engine.backends.nexopos.refunds import refund_lines, refund_rest
from engine.errors import ConfigError, NotFoundError, TransientError, ValidationError
from engine.model import Order, OrderLine, PartialRefund

__all__ = ["OrderDesk"]


def _gross(line: OrderLine) -> Decimal:
    return line.total.amount + line.tax.amount


class OrderDesk:
    """create / find / void of NexoPOS orders for one connection."""

    def __init__(self, api: NexoApi) -> None:
        self._api = api
        self.customers = CustomerDesk(api)
        self._units: dict[str, tuple[int, int]] = {}

    async def find(self, key: IdempotencyKey) -> SaleRef | None:
        """The order whose ``title`` is exactly this key (the search is a LIKE)."""
        async for rows, _total in self._api.crud_pages("ns.orders", {"search": key.value}):
            for row in rows:
                if row.get("title") == key.value:
                    return SaleRef(str(row["id"]), str(row.get("code") or ""), key.value,
                                   existing=True)  # fmt: skip
        return None

    async def create(self, order: Order, key: IdempotencyKey) -> SaleRef:
        async with self._api.write_lock:
            found = await self.find(key)
            if found is not None:
                return found
            body = await self._body(order, key)
            try:
                answer = await self._api.post("orders", body)
            except NotFoundError as error:  # a unit quantity we remembered is gone
                self._units.clear()
                raise TransientError(
                    f"NexoPOS no longer has a unit we resolved earlier: {error.message}",
                    status=error.status, capture=error.capture,
                    hint="Resolved again from the SKU on the next attempt.",
                ) from None  # fmt: skip
        placed = answer["data"]["order"]
        return SaleRef(str(placed["id"]), str(placed.get("code") or ""), key.value)

    async def _body(self, order: Order, key: IdempotencyKey) -> dict[str, Any]:
        payment = order.payment.backoffice_method_id or self._api.settings.default_payment
        if not payment:
            raise ConfigError(
                f"WooCommerce gateway {order.payment.method_id!r} has no NexoPOS payment type",
                hint="Map it in the mappings view (its values are NexoPOS's payment types).",
            )
        lines = [await self._line(line) for line in order.lines]
        lines += [self._quick(fee) for fee in order.fees]
        body: dict[str, Any] = {
            "customer_id": await self.customers.ensure(order.customer),
            "type": {"identifier": self._api.settings.order_type},
            "title": key.value,
            "note": f"WooCommerce order #{order.number} ({order.payment.title})",
            "products": lines,
            "shipping": order.shipping.amount + order.shipping_tax.amount,
            "payments": [{"identifier": payment, "value": order.total.amount}],
        }
        if self._api.settings.user_id is not None:
            body["author_id"] = self._api.settings.user_id
        return body

    def _quick(self, fee: OrderLine) -> dict[str, Any]:
        return {"name": fee.name, "quantity": fee.quantity,
                "unit_price": _gross(fee) / fee.quantity, "total_price": _gross(fee)}  # fmt: skip

    async def _line(self, line: OrderLine) -> dict[str, Any]:
        product_id, unit_quantity_id = await self._unit_quantity(line.sku)
        return {
            "product_id": product_id, "unit_quantity_id": unit_quantity_id,
            "quantity": line.quantity, "unit_price": _gross(line) / line.quantity,
            "total_price": _gross(line), "name": line.name,
        }  # fmt: skip

    async def _unit_quantity(self, sku: str) -> tuple[int, int]:
        """(product id, unit quantity id) for a SKU and the configured unit."""
        if sku in self._units:
            return self._units[sku]
        if not sku:
            raise ConfigError("an order line has no SKU: NexoPOS needs one to find its unit")
        try:
            product = await self._api.get(f"products/{sku}", {"as": "sku"})
        except (ValidationError, NotFoundError):
            raise ConfigError(f"NexoPOS has no product with SKU {sku}") from None
        rows = await self._api.get(f"products/{product['id']}/units/quantities")
        unit = pick_unit_row(rows or [], self._api.settings.unit_id)
        if unit is None:
            raise ConfigError(
                f"SKU {sku} has no NexoPOS unit quantity for unit {self._api.settings.unit_id}",
                hint="Add that unit to the product in NexoPOS, or change unit_id.",
            )
        self._units[sku] = (int(product["id"]), int(unit["id"]))
        return self._units[sku]

    async def void(self, ref: SaleRef, key: IdempotencyKey) -> SaleRef:
        """Void (a second void succeeds again [V-run]) or refund every line, as configured."""
        if not ref.id:
            raise NotFoundError(f"no NexoPOS order is known for {key.for_sale().value}")
        if self._api.settings.cancel_action == "refund":
            await refund_rest(self._api, ref)
        else:
            reason = f"WooCommerce order cancelled or refunded ({key.for_sale().value})"
            await self._api.post(f"orders/{ref.id}/void", {"reason": reason}, idempotent=True)
        return SaleRef(ref.id, ref.number, key.value, SaleState.VOIDED, reverses=ref.id)

    async def refund(self, ref: SaleRef, refund: PartialRefund) -> SaleRef:
        """A WooCommerce refund of some lines (see :mod:`.refunds`)."""
        return await refund_lines(self._api, ref, refund, self._unit_quantity)
