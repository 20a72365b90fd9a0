"""A WooCommerce order as the body of one Connector sell.

Lines: ``unit_price`` is the net unit price WooCommerce charged (its line
total over the quantity, discounts included) and ``tax_rate_id`` the POS tax
rate with the percent WooCommerce applied; the server recomputes
``unit_price_inc_tax = unit_price × (1 + rate)`` and the totals itself [V]
(4 decimals [I]), so the difference to WooCommerce's total is sent as
``round_off_amount`` and written in the staff note.  Shipping and fees
(gross) go into ``shipping_charges``: a sell line needs a product.
A line whose variation has less stock at the location than ordered makes
the sell a ``draft`` (it takes no stock) marked ``OUT_OF_STOCK``, so the
order is kept, not discarded, and finalised when stock is back.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from engine.backends.aurpos.catalog import variations
from engine.backends.records import IdempotencyKey
from engine.errors import ConfigError, ValidationError
from engine.model import Order, OrderLine

__all__ = ["OUT_OF_STOCK", "SellPlan", "line_variation", "plan_sell", "stock_at"]

OUT_OF_STOCK = "[tillsync: draft, out of stock]"
_FOUR = Decimal("0.0001")


@dataclass(frozen=True)
class SellPlan:
    """The body to post, and what the admin should see about it."""

    body: dict[str, Any]
    short: tuple[str, ...]  # SKUs short of stock: the sell is a draft
    round_off: Decimal


def _q(value: Decimal) -> Decimal:
    return value.quantize(_FOUR, ROUND_HALF_UP)


def line_variation(
    line: OrderLine, products: Mapping[str, Mapping[str, Any]]
) -> tuple[Mapping, Mapping]:
    """(product row, variation) of a line linked to ``<product>`` or ``<product>:<variation>``."""
    product_id, _, variation_id = (line.backoffice_product_id or "").partition(":")
    row = products.get(product_id)
    if row is None:
        raise ValidationError(f"AurPOS has no product {product_id} (line {line.name!r})")
    found = [v for _, v in variations(row)]
    if variation_id:
        found = [v for v in found if str(v.get("id")) == variation_id]
    if not found:
        raise ValidationError(f"AurPOS product {line.sku or product_id} has no variation to sell")
    return row, found[0]


def stock_at(variation: Mapping[str, Any], location: str) -> Decimal:
    for detail in variation.get("variation_location_details") or []:
        if str(detail.get("location_id")) == location:
            return Decimal(str(detail.get("qty_available") or 0))
    return Decimal(0)


def _tax_id(line: OrderLine, rates: Mapping[Decimal, str]) -> tuple[str | None, Decimal]:
    rate = line.tax_rate if line.tax_rate is not None else Decimal(0)
    if rate == 0:
        return None, Decimal(0)
    for amount, tax_id in rates.items():
        if amount == rate:
            return tax_id, rate
    known = ", ".join(f"{a.normalize()} %" for a in rates) or "none"
    raise ConfigError(
        f"AurPOS has no tax rate of {rate.normalize()} % for line {line.name!r} (it has: {known})",
        hint="Add the rate in AurPOS (Settings → Tax rates) or correct the shop's tax.",
    )


def _when(order: Order) -> str:
    moment = order.trigger_gmt or order.created_gmt or order.modified_gmt
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def plan_sell(
    order: Order, key: IdempotencyKey, products: Mapping[str, Mapping[str, Any]],
    rates: Mapping[Decimal, str], location: str, status_map: Mapping[str, str], source: str,
) -> SellPlan:  # fmt: skip
    lines, short, computed = [], [], Decimal(0)
    for line in order.lines:
        row, variation = line_variation(line, products)
        tax_id, rate = _tax_id(line, rates)
        unit = _q(line.total.amount / line.quantity)
        computed += _q(unit * (1 + rate / 100)) * line.quantity
        if row.get("enable_stock") and stock_at(variation, location) < line.quantity:
            short.append(line.sku or str(variation.get("sub_sku") or row.get("id")))
        lines.append({
            "product_id": int(row["id"]), "variation_id": int(variation["id"]),
            "quantity": str(line.quantity), "unit_price": str(unit),
            **({"tax_rate_id": int(tax_id)} if tax_id else {}),
        })  # fmt: skip
    shipping = order.shipping.amount + order.shipping_tax.amount
    shipping += sum((f.total.amount + f.tax.amount for f in order.fees), Decimal(0))
    round_off = _q(order.total.amount - computed - shipping)
    status = "draft" if short else status_map.get(order.status, "final")
    body = _body(order, key, lines, status, location, source, shipping, round_off, short)
    return SellPlan(body, tuple(short), round_off)


def _body(
    order: Order, key: IdempotencyKey, lines: Sequence[dict], status: str, location: str,
    source: str, shipping: Decimal, round_off: Decimal, short: Sequence[str],
) -> dict[str, Any]:  # fmt: skip
    notes = [f"tillsync {key.value}"]
    if short:
        notes.append(f"{OUT_OF_STOCK} {', '.join(short)}")
    if round_off:
        notes.append(f"round-off {round_off.normalize()} against the WooCommerce total")
    body: dict[str, Any] = {
        "location_id": int(location), "status": status, "invoice_no": order.number,
        "source": source, "transaction_date": _when(order), "products": list(lines),
        "shipping_charges": str(_q(shipping)), "round_off_amount": str(round_off),
        "sale_note": order.note, "staff_note": " · ".join(notes),
    }  # fmt: skip
    if status == "final":
        method = order.payment.backoffice_method_id or "other"
        body["payments"] = [{"amount": str(order.total.amount), "method": method,
                             "note": order.payment.transaction_id}]  # fmt: skip
    return body
