"""A business buyer's ids, checked before an invoice is sent.

KROS would refuse a malformed id only after the 202, in a 207; checking
first holds the order at once with the field named.  Formats [I for KROS,
from Slovak and Czech law]: IČO 8 digits (6-digit old ones are padded with
leading zeros); IČ DPH a two-letter country prefix and 2–12 characters, for
SK exactly 10 digits, for CZ 8–10 digits; DIČ 8–10 digits (CZ ones may
carry their "CZ").
"""

from __future__ import annotations

import re

from engine.errors import ConfigError
from engine.model import Customer

__all__ = ["BusinessIds", "business_ids"]

_ICO = re.compile(r"\d{6,8}")
_VAT = re.compile(r"[A-Z]{2}[0-9A-Z]{2,12}")
_VAT_BY_COUNTRY = {"SK": re.compile(r"SK\d{10}"), "CZ": re.compile(r"CZ\d{8,10}")}
_DIC = re.compile(r"(CZ)?\d{8,10}")


class BusinessIds(tuple[str, str, str]):
    """(registration number, tax id, VAT id) as KROS receives them."""


def _clean(value: str) -> str:
    return re.sub(r"[\s.-]", "", value or "").upper()


def _refuse(field: str, value: str, form: str) -> ConfigError:
    return ConfigError(
        f"the order's {field} {value!r} is not valid ({form})",
        hint=f"Correct the {field} in the WooCommerce order's billing fields, then release it.",
    )


def business_ids(customer: Customer) -> BusinessIds:
    ico, dic, vat = (_clean(customer.registration_number), _clean(customer.tax_id),
                     _clean(customer.vat_id))  # fmt: skip
    if ico and not _ICO.fullmatch(ico):
        raise _refuse("registration number (IČO)", customer.registration_number, "8 digits")
    if dic and not _DIC.fullmatch(dic):
        raise _refuse("tax id (DIČ)", customer.tax_id, "8-10 digits")
    country_rule = _VAT_BY_COUNTRY.get(vat[:2], _VAT)
    if vat and not country_rule.fullmatch(vat):
        raise _refuse("VAT id (IČ DPH)", customer.vat_id, "country code and number, SK + 10 digits")
    return BusinessIds((ico.zfill(8) if ico else "", dic, vat))
