"""Money the way WooCommerce writes it: strings, cleaned by ``wc_format_decimal``.

Prices sent to the API are strings; WooCommerce strips everything but digits,
``.`` and ``-`` (so ``"12,50"`` becomes ``"1250"`` on a store whose decimal
separator is a dot) and keeps the rest as given.  Order totals are rounded
half-up to the store's decimals and rendered as strings.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from sandbox.woocommerce.schema import php_string

__all__ = ["amount", "format_decimal", "money", "to_decimal"]

_NOT_NUMERIC = re.compile(r"\.(?![^.]+$)|[^0-9.-]")
CENT = Decimal("0.01")


def format_decimal(value: object) -> str:
    """``wc_format_decimal`` without locale: ``"1.234.5"`` -> ``"1234.5"``."""
    text = php_string(value).strip()
    return _NOT_NUMERIC.sub("", text)


def to_decimal(value: object) -> Decimal:
    """A stored price string as Decimal; empty or junk counts as zero."""
    try:
        return Decimal(format_decimal(value) or "0")
    except InvalidOperation:
        return Decimal(0)


def amount(value: Decimal) -> Decimal:
    """Round half-up to cents, as ``wc_format_decimal($x, wc_get_price_decimals())``."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def money(value: Decimal | str | int) -> str:
    """A total as WooCommerce renders it: a string with two decimals."""
    return f"{amount(Decimal(value)):.2f}"
