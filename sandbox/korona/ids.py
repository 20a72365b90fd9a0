"""Fixed identifiers of the sandbox's master data (account, POS, warehouses, …).

Tests, the demo config and the benchmarks need to name these objects before
the sandbox runs (``pointOfSaleId`` in a URL, the price group a shop reads),
so they are stable UUIDs derived from readable names rather than random.
"""

from __future__ import annotations

import uuid

__all__ = [
    "CURRENCY_EUR_ID",
    "DEFAULT_ACCOUNT_ID",
    "DEFAULT_PASSWORD",
    "DEFAULT_USER",
    "ECONOMIC_ZONE_ID",
    "ORG_OFFICE_ID",
    "ORG_STORE_ID",
    "ORG_WAREHOUSE_ID",
    "PAYMENT_CARD_ID",
    "PAYMENT_CASH_ID",
    "PAYMENT_PAYPAL_ID",
    "PAYMENT_WEBSHOP_ID",
    "POS_TILL_ID",
    "POS_WEBSHOP_ID",
    "PRICE_GROUP_RETAIL_ID",
    "PRICE_GROUP_WEBSHOP_ID",
    "SALES_TAX_FREE_ID",
    "SALES_TAX_REDUCED_ID",
    "SALES_TAX_STANDARD_ID",
    "SECTOR_FREE_ID",
    "SECTOR_REDUCED_ID",
    "SECTOR_STANDARD_ID",
    "WAREHOUSE_IDS",
    "stable_id",
]

_NAMESPACE = uuid.UUID("6d1f4c0e-2b8a-4f53-9a3e-5c7d0e1b2a90")


def stable_id(name: str) -> str:
    """A UUID that is the same on every run for the same ``name``."""
    return str(uuid.uuid5(_NAMESPACE, name))


DEFAULT_ACCOUNT_ID = stable_id("account:demo")
DEFAULT_USER = "api-user"
DEFAULT_PASSWORD = "sandbox-password"  # a sandbox credential, not a secret of anyone's

CURRENCY_EUR_ID = stable_id("currency:EUR")
ECONOMIC_ZONE_ID = stable_id("economicZone:domestic")

ORG_STORE_ID = stable_id("organizationalUnit:store")  # shop floor, has a warehouse
ORG_WAREHOUSE_ID = stable_id("organizationalUnit:warehouse")  # central warehouse
ORG_OFFICE_ID = stable_id("organizationalUnit:office")  # no warehouse
WAREHOUSE_IDS = (ORG_WAREHOUSE_ID, ORG_STORE_ID)

PRICE_GROUP_RETAIL_ID = stable_id("priceGroup:retail")
PRICE_GROUP_WEBSHOP_ID = stable_id("priceGroup:webshop")

SALES_TAX_STANDARD_ID = stable_id("salesTax:20")
SALES_TAX_REDUCED_ID = stable_id("salesTax:10")
SALES_TAX_FREE_ID = stable_id("salesTax:0")
SECTOR_STANDARD_ID = stable_id("sector:standard")
SECTOR_REDUCED_ID = stable_id("sector:reduced")
SECTOR_FREE_ID = stable_id("sector:free")

PAYMENT_CASH_ID = stable_id("paymentMethod:cash")
PAYMENT_CARD_ID = stable_id("paymentMethod:card")
PAYMENT_WEBSHOP_ID = stable_id("paymentMethod:webshop")
PAYMENT_PAYPAL_ID = stable_id("paymentMethod:paypal")

POS_WEBSHOP_ID = stable_id("pointOfSale:webshop")  # type EXTERNAL: receipts may be posted
POS_TILL_ID = stable_id("pointOfSale:till-1")  # type STANDARD: must be refused
