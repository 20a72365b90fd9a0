"""The parts of a WooCommerce order only some back offices book.

A business buyer's registration number, VAT id and tax id (an invoice must
name them), the coupons used (a POS may book them as vouchers) and the
rate of a foreign currency.  WooCommerce core has none of the ids and no
rate: plugins write them as order meta under keys of their own, so the keys
are a setting (``[connections.<name>.orders.meta]``) with defaults that
cover the common plugins.  The first key present with a non-empty value wins.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from typing import Any

from engine.model import CouponLine, Customer, ExchangeRate, Money

__all__ = ["DEFAULT_META_KEYS", "OrderMetaKeys", "business_buyer", "coupons", "exchange_rate"]


@dataclass(frozen=True)
class OrderMetaKeys:
    """Where plugins keep what WooCommerce core does not; ``base_currency`` is the
    currency the books are kept in (the rate converts the order's currency to it)."""

    vat_id: tuple[str, ...] = ("_billing_vat_id", "vat_number", "_vat_number", "_billing_vat")
    registration_number: tuple[str, ...] = ("_billing_company_id", "_billing_ico", "_billing_ic")
    tax_id: tuple[str, ...] = ("_billing_tax_id", "_billing_dic")
    exchange_rate: tuple[str, ...] = ("_base_currency_exchange_rate",)
    base_currency: str = ""


DEFAULT_META_KEYS = OrderMetaKeys()


def _meta(data: Mapping[str, Any]) -> dict[str, str]:
    """The order's meta as text, first occurrence of a key kept (plugins repeat keys)."""
    found: dict[str, str] = {}
    for item in data.get("meta_data") or []:
        if isinstance(item, Mapping) and isinstance(item.get("key"), str):
            value = item.get("value")
            if isinstance(value, str | int | float | Decimal) and not isinstance(value, bool):
                found.setdefault(item["key"], str(value).strip())
    return found


def _first(meta: Mapping[str, str], keys: tuple[str, ...]) -> str:
    return next((meta[key] for key in keys if meta.get(key)), "")


def business_buyer(customer: Customer, data: Mapping[str, Any], keys: OrderMetaKeys) -> Customer:
    """``customer`` with the ids a plugin stored on the order (empty when none did)."""
    meta = _meta(data)
    return replace(
        customer,
        registration_number=_first(meta, keys.registration_number),
        vat_id=_first(meta, keys.vat_id).replace(" ", "").upper(),
        tax_id=_first(meta, keys.tax_id),
    )


def coupons(
    items: list[Mapping[str, Any]], currency: str, parse: Callable[[Any, str], Decimal]
) -> tuple[CouponLine, ...]:
    """``coupon_lines`` (code, discount, discount_tax); ``parse`` reads an amount or
    raises the order's data error naming the field."""
    return tuple(
        CouponLine(
            str(item.get("code") or ""),
            Money(parse(item.get("discount"), f"coupon_lines[{n}].discount"), currency),
            Money(parse(item.get("discount_tax"), f"coupon_lines[{n}].discount_tax"), currency),
        )
        for n, item in enumerate(items)
    )


def exchange_rate(
    data: Mapping[str, Any], currency: str, keys: OrderMetaKeys
) -> ExchangeRate | None:
    """The rate a currency plugin stored, when the order is not in the books' currency.

    An unreadable or non-positive rate is treated as absent: the back office
    then applies its own daily rate, which is what it does without a plugin.
    """
    if not keys.base_currency or keys.base_currency.upper() == currency:
        return None
    meta = _meta(data)
    for key in keys.exchange_rate:
        try:
            rate = Decimal(meta.get(key) or "")
        except InvalidOperation:
            continue
        if rate.is_finite() and rate > 0:
            return ExchangeRate(rate, keys.base_currency.upper(), f"order meta {key}")
    return None
