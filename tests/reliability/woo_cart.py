"""A WooCommerce checkout, computed the way ``WC_Cart_Totals`` does, rendered as REST v3 JSON.

The money property tests need orders whose numbers WooCommerce itself would
produce, independent of our mapping code and of the sandbox (which rounds
per line only).  What is modelled, from ``class-wc-cart-totals.php`` and the
REST orders controller:

* the cart works in the currency's smallest unit (``wc_add_number_precision``);
* item taxes: ``WC_Tax::calc_tax`` on the discounted line (exclusive: ``net *
  r``; inclusive: ``gross * r / (1 + r)`` and the net is ``gross - tax``);
  with ``woocommerce_tax_round_at_subtotal = no`` each line's tax is rounded
  (``wc_round_tax_total``, in the shop's ``WC_TAX_ROUNDING_MODE``), with
  ``yes`` lines keep the fraction and the merged tax per rate is rounded;
* shipping and fees are entered without tax and taxed like lines;
* ``total = round(items_total + fees + shipping + merged taxes)``;
* the REST API renders every amount with ``wc_format_decimal($x, dp)``
  (PHP ``round``: half away from zero) — so rendered line taxes need not add
  up to the rendered ``total_tax`` when taxes are rounded at the subtotal.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

__all__ = ["CURRENCY_PLACES", "Cart", "CartLine", "Charge", "ShopTax", "woo_order_json"]

#: ISO 4217 minor units of the currencies the tests use (WooCommerce's dp for them).
CURRENCY_PLACES = {"EUR": 2, "JPY": 0, "KWD": 3}
TAX_CLASSES = {"": Decimal(20), "reduced-rate": Decimal(10), "zero-rate": Decimal(0)}
ROUNDING_MODES = {"half-up": ROUND_HALF_UP, "half-even": ROUND_HALF_EVEN}
_FINE = Decimal("0.0001")  # WC_ROUNDING_PRECISION keeps sub-unit fractions this fine


@dataclass(frozen=True)
class CartLine:
    """``price`` and ``discount`` in minor units (what the cart holds after coupons)."""

    sku: str
    price: int
    quantity: int
    tax_class: str = ""
    discount: int = 0


@dataclass(frozen=True)
class Charge:
    """A shipping or fee line: amount in minor units, entered without tax."""

    amount: int
    taxable: bool = True
    tax_class: str = ""


@dataclass(frozen=True)
class ShopTax:
    """The store's tax settings."""

    prices_include_tax: bool
    round_at_subtotal: bool
    rounding: str = "half-up"


@dataclass(frozen=True)
class Cart:
    currency: str
    tax: ShopTax
    lines: tuple[CartLine, ...]
    shipping: Charge | None = None
    fees: tuple[Charge, ...] = ()


@dataclass
class _Taxed:
    """One line's amounts in minor units (fractions kept when the shop keeps them)."""

    net: Decimal
    tax: Decimal
    rate: Decimal
    subtotal: Decimal = Decimal(0)


@dataclass
class _Totals:
    merged: dict[Decimal, Decimal] = field(default_factory=lambda: defaultdict(Decimal))


def _round_tax(value: Decimal, tax: ShopTax) -> Decimal:
    if tax.round_at_subtotal:
        return value.quantize(_FINE, ROUND_HALF_UP)
    return value.quantize(Decimal(1), ROUNDING_MODES[tax.rounding])


def _item(line: CartLine, tax: ShopTax) -> _Taxed:
    rate = TAX_CLASSES[line.tax_class]
    amount = Decimal(line.price * line.quantity - line.discount)
    if tax.prices_include_tax:
        line_tax = _round_tax(amount * rate / (100 + rate), tax)
        return _Taxed(amount - line_tax, line_tax, rate)
    return _Taxed(amount, _round_tax(amount * rate / 100, tax), rate)


def _charge(charge: Charge, tax: ShopTax) -> _Taxed:
    rate = TAX_CLASSES[charge.tax_class] if charge.taxable else Decimal(0)
    return _Taxed(Decimal(charge.amount), _round_tax(charge.amount * rate / 100, tax), rate)


def _rendered(minor: Decimal, places: int) -> str:
    """``wc_format_decimal(x, dp)``: PHP round (half away from zero) to ``dp`` places."""
    value = (minor / (10**places)).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    return f"{value:.{places}f}"


def _merged_tax(parts: list[_Taxed], tax: ShopTax) -> Decimal:
    by_rate: dict[Decimal, Decimal] = defaultdict(Decimal)
    for part in parts:
        by_rate[part.rate] += part.tax
    mode = ROUNDING_MODES[tax.rounding]
    return sum((v.quantize(Decimal(1), mode) for v in by_rate.values()), Decimal(0))


def woo_order_json(cart: Cart, order_id: int = 1001) -> dict:
    """The order as ``GET /wc/v3/orders/<id>`` returns it after this checkout."""
    places = CURRENCY_PLACES[cart.currency]
    items = [_item(line, cart.tax) for line in cart.lines]
    ship = _charge(cart.shipping, cart.tax) if cart.shipping else None
    fees = [_charge(fee, cart.tax) for fee in cart.fees]
    items_total = sum((i.net.quantize(Decimal(1), ROUND_HALF_UP) for i in items), Decimal(0))
    charges = sum((c.net for c in [*fees, *([ship] if ship else [])]), Decimal(0))
    taxes = _merged_tax([*items, *fees, *([ship] if ship else [])], cart.tax)
    total = (items_total + charges + taxes).quantize(Decimal(1), ROUND_HALF_UP)
    discount = sum((Decimal(line.discount) for line in cart.lines), Decimal(0))
    return {
        "id": order_id,
        "number": str(order_id),
        "status": "completed",
        "currency": cart.currency,
        "prices_include_tax": cart.tax.prices_include_tax,
        "date_created_gmt": "2026-11-20T09:15:00",
        "date_modified_gmt": "2026-11-20T09:20:03",
        "discount_total": _rendered(discount, places),
        "shipping_total": _rendered(ship.net if ship else Decimal(0), places),
        "shipping_tax": _rendered(ship.tax if ship else Decimal(0), places),
        "total_tax": _rendered(taxes, places),
        "total": _rendered(total, places),
        "payment_method": "bacs",
        "payment_method_title": "Direct bank transfer",
        "billing": {"first_name": "Eva", "last_name": "Kovač", "email": "eva@example.test"},
        "line_items": [
            _line_json(n, line, taxed, places)
            for n, (line, taxed) in enumerate(zip(cart.lines, items, strict=True))
        ],
        "fee_lines": [_fee_json(n, fee, taxed, places) for n, (fee, taxed) in enumerate(
            zip(cart.fees, fees, strict=True))],
        "shipping_lines": [],
    }  # fmt: skip


def _line_json(n: int, line: CartLine, taxed: _Taxed, places: int) -> dict:
    return {
        "id": n + 1,
        "name": f"Article {line.sku}",
        "product_id": 100 + n,
        "variation_id": 0,
        "sku": line.sku,
        "quantity": line.quantity,
        "tax_class": line.tax_class,
        "total": _rendered(taxed.net, places),
        "total_tax": _rendered(taxed.tax, places),
    }


def _fee_json(n: int, fee: Charge, taxed: _Taxed, places: int) -> dict:
    return {
        "id": 50 + n,
        "name": "Fee",
        "tax_class": fee.tax_class,
        "tax_status": "taxable" if fee.taxable else "none",
        "total": _rendered(taxed.net, places),
        "total_tax": _rendered(taxed.tax, places),
    }
