"""Order lines and totals, the way ``WC_Abstract_Order::calculate_totals`` does it.

Line ``subtotal``/``total`` are stored *excluding* tax even on a store whose
prices include tax (the gross price is split per line, tax rounded half-up to
cents, per line, as with ``woocommerce_tax_round_at_subtotal = no``).
Coupons lower line totals (percent, fixed_cart spread pro rata, fixed_product
per unit).  Simplifications [inferred]: one rate per tax class regardless of
address, shipping taxed at the standard rate, no compound rates.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sandbox.woocommerce.prices import amount, money, to_decimal
from sandbox.woocommerce.store_settings import StoreSettings

__all__ = ["calculate_totals", "rate_percent"]

ZERO = Decimal(0)


def rate_percent(settings: StoreSettings, tax_class: str) -> tuple[Decimal, dict | None]:
    rate = settings.rate_for(tax_class)
    return (to_decimal(rate["rate"]) if rate else ZERO), rate


def _line_base(settings: StoreSettings, line: dict[str, Any], incl: bool) -> None:
    """Subtotal and subtotal tax of one product line (custom totals kept)."""
    pct, rate = rate_percent(settings, line.get("tax_class", ""))
    if line.get("custom_subtotal") is not None:
        sub = to_decimal(line["custom_subtotal"])
        sub_tax = amount(sub * pct / 100)
    elif incl:
        gross = amount(to_decimal(line["unit_price"]) * line["quantity"])
        sub_tax = amount(gross * pct / (100 + pct))
        sub = gross - sub_tax
    else:
        sub = amount(to_decimal(line["unit_price"]) * line["quantity"])
        sub_tax = amount(sub * pct / 100)
    line["subtotal"], line["subtotal_tax"] = money(sub), money(sub_tax)
    line["rate_id"] = rate["id"] if rate and pct else None


def _discounts(order: dict[str, Any], lines: list[dict[str, Any]]) -> list[Decimal]:
    subs = [to_decimal(line["subtotal"]) for line in lines]
    out = [ZERO for _ in lines]
    for coupon in order.get("coupon_lines", []):
        kind, value = coupon.get("discount_type", "fixed_cart"), to_decimal(coupon.get("amount"))
        remaining = [s - d for s, d in zip(subs, out, strict=True)]
        if kind == "percent":
            cut = [amount(r * value / 100) for r in remaining]
        elif kind == "fixed_product":
            cut = [
                min(r, amount(value * line["quantity"]))
                for r, line in zip(remaining, lines, strict=True)
            ]
        else:
            cut = _spread(min(value, sum(remaining, ZERO)), remaining)
        coupon["discount"] = money(sum(cut, ZERO))
        out = [d + c for d, c in zip(out, cut, strict=True)]
    return out


def _spread(total: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """Split ``total`` pro rata over ``weights``; the last line takes the rounding rest."""
    base = sum(weights, ZERO)
    if not weights or base <= 0:
        return [ZERO for _ in weights]
    parts = [amount(total * w / base) for w in weights[:-1]]
    return [*parts, total - sum(parts, ZERO)]


def _taxed(settings: StoreSettings, tax_class: str, net: Decimal, taxable: bool = True) -> Decimal:
    pct, _ = rate_percent(settings, tax_class)
    return amount(net * pct / 100) if taxable else ZERO


def calculate_totals(settings: StoreSettings, order: dict[str, Any]) -> None:
    """Recompute line taxes, discounts, tax lines and order totals in place."""
    lines = order.get("line_items", [])
    for line in lines:
        _line_base(settings, line, order.get("prices_include_tax", False))
    discounts = _discounts(order, lines)
    for line, cut in zip(lines, discounts, strict=True):
        total = (
            to_decimal(line["custom_total"])
            if line.get("custom_total") is not None
            else to_decimal(line["subtotal"]) - cut
        )
        line["total"] = money(total)
        line["total_tax"] = money(_taxed(settings, line.get("tax_class", ""), total))
    for ship in order.get("shipping_lines", []):
        ship["total_tax"] = money(_taxed(settings, "", to_decimal(ship.get("total"))))
    for fee in order.get("fee_lines", []):
        taxable = fee.get("tax_status", "taxable") == "taxable"
        fee["total_tax"] = money(
            _taxed(settings, fee.get("tax_class", ""), to_decimal(fee.get("total")), taxable)
        )
    _order_totals(order)


def _sum(items: list[dict[str, Any]], key: str) -> Decimal:
    return sum((to_decimal(item.get(key)) for item in items), ZERO)


def _order_totals(order: dict[str, Any]) -> None:
    lines, ships, fees = (order.get(k, []) for k in ("line_items", "shipping_lines", "fee_lines"))
    cart_tax = _sum(lines, "total_tax") + _sum(fees, "total_tax")
    shipping_tax = _sum(ships, "total_tax")
    order.update(
        discount_total=money(_sum(lines, "subtotal") - _sum(lines, "total")),
        discount_tax=money(_sum(lines, "subtotal_tax") - _sum(lines, "total_tax")),
        shipping_total=money(_sum(ships, "total")),
        shipping_tax=money(shipping_tax),
        cart_tax=money(cart_tax),
        total_tax=money(cart_tax + shipping_tax),
        total=money(
            _sum(lines, "total")
            + _sum(fees, "total")
            + _sum(ships, "total")
            + cart_tax
            + shipping_tax
        ),
    )
