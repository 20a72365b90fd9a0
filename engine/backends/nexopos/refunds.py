"""Refunds of NexoPOS orders: a WooCommerce partial refund per line, and the whole rest.

``POST /api/orders/<id>/refund`` [V] takes the order product ids, quantities and
unit prices (at most the sold price) and needs a top-level and a per-line
``description``, or PHP fails *after* writing the refund row [V-run]: no
transaction, so a failed refund can leave a partial row.  Each refund
tillsync books carries a marker (``<sale key>-R<WooCommerce refund id>``) as
its descriptions, and before posting the order's refunds are read
(``GET /api/orders/<id>/refunds`` [V: route; I: the row's columns]): a row with
the marker holding every line means it is booked (a lost answer); one holding
fewer lines was left by a failed attempt and is refused with that said -
never posted again blindly.  A full refund takes only what earlier refunds
left of each line.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

from engine.backends.base import SaleRef
from engine.backends.nexopos.api import NexoApi
from engine.errors import ValidationError
from engine.model import PartialRefund

__all__ = ["refund_lines", "refund_rest"]

_WHOLE = "WooCommerce refund"
UnitQuantity = Callable[[str], Awaitable[tuple[int, int]]]  # SKU -> (product, unit quantity)


async def _payment(api: NexoApi, order_id: str) -> str | None:
    paid = await api.get(f"orders/{order_id}/payments")
    return (paid or [{}])[0].get("identifier") or api.settings.default_payment


def _refunded(rows: list[dict[str, Any]]) -> dict[str, Decimal]:
    """Order product id -> quantity the order's refund rows took back so far."""
    done: dict[str, Decimal] = {}
    for row in rows:
        for item in row.get("products") or []:
            key = str(item.get("order_product_id"))
            done[key] = done.get(key, Decimal(0)) + Decimal(str(item.get("quantity") or 0))
    return done


async def refund_lines(
    api: NexoApi, ref: SaleRef, refund: PartialRefund, unit_quantity: UnitQuantity
) -> SaleRef:
    """Book one WooCommerce refund of some lines (see the module docstring)."""
    marker = f"{ref.key or 'WC'}-R{refund.woo_id}"
    async with api.write_lock:
        rows = await api.get(f"orders/{ref.id}/refunds") or []
        mine = [r for r in rows if isinstance(r, dict) and r.get("description") == marker]
        if mine:
            return _settled(mine[0], refund, marker)
        sold = await api.get(f"orders/{ref.id}/products") or []
        products = [await _line(line, sold, unit_quantity, marker) for line in refund.lines]
        body = {"description": marker, "payment": {"identifier": await _payment(api, ref.id)},
                "refund_shipping": False, "products": products}  # fmt: skip
        await api.post(f"orders/{ref.id}/refund", body)
    return SaleRef(marker, marker, marker)


def _settled(row: dict[str, Any], refund: PartialRefund, marker: str) -> SaleRef:
    held = row.get("products")
    if held is None or len(held) == len(refund.lines):
        return SaleRef(marker, marker, marker, existing=True)
    raise ValidationError(
        f"NexoPOS holds refund {marker} with {len(held)} of its {len(refund.lines)} lines: "
        "a failed attempt left it half-written, so it is not posted again",
        hint="Complete or remove that refund in NexoPOS.",
    )


async def _line(line: Any, sold: list[dict[str, Any]], unit_quantity: UnitQuantity,
                marker: str) -> dict[str, Any]:  # fmt: skip
    _, unit = await unit_quantity(line.sku)
    row = next((p for p in sold if str(p.get("unit_quantity_id")) == str(unit)), None)
    if row is None:
        raise ValidationError(f"SKU {line.sku} is not a line of this NexoPOS order")
    return {"id": row["id"], "quantity": line.quantity, "unit_price": line.amount / line.quantity,
            "description": marker, "condition": "unspoiled"}  # fmt: skip


async def refund_rest(api: NexoApi, ref: SaleRef) -> None:
    """A full refund of what earlier refunds left; needs both descriptions [V-run]."""
    order = await api.get(f"orders/{ref.id}")
    if order.get("payment_status") in ("refunded", "order_void"):
        return
    done = _refunded(await api.get(f"orders/{ref.id}/refunds") or [])
    products = []
    for p in await api.get(f"orders/{ref.id}/products") or []:
        left = Decimal(str(p["quantity"])) - done.get(str(p["id"]), Decimal(0))
        if left > 0:
            products.append({"id": p["id"], "quantity": left, "unit_price": p["unit_price"],
                             "description": _WHOLE, "condition": "unspoiled"})  # fmt: skip
    payment = {"identifier": await _payment(api, ref.id)}
    body = {"description": _WHOLE, "payment": payment, "refund_shipping": True,
            "products": products}  # fmt: skip
    await api.post(f"orders/{ref.id}/refund", body)
