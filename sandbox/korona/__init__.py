"""KORONA.cloud API v3 sandbox: a faithful HTTP simulator of one KORONA account.

Built from KORONA's OpenAPI document and the contract summary in
``shared/reference/korona-api.md``, never from our adapter, so it catches
our misreadings.  Inferred behaviour is written down in each module's
docstring (wire.py: paging limits; pos.py: coupling; receipts.py: numbering,
totals, reversals; faults.py: rate limits).

    kb = KoronaSandbox()
    kb.seed_demo(products=300, rng_seed=1)
    server = start_server(create_app(kb))
    base_url = f"{server.url}/web/api/v3"
"""

from sandbox.korona.account import KoronaSandbox
from sandbox.korona.app import API_BASE, create_app, serve_forever
from sandbox.korona.faults import Fault, Knobs, ReceiptFault
from sandbox.korona.ids import (
    DEFAULT_ACCOUNT_ID,
    DEFAULT_PASSWORD,
    DEFAULT_USER,
    ORG_OFFICE_ID,
    ORG_STORE_ID,
    ORG_WAREHOUSE_ID,
    PAYMENT_CARD_ID,
    PAYMENT_CASH_ID,
    PAYMENT_PAYPAL_ID,
    PAYMENT_WEBSHOP_ID,
    POS_TILL_ID,
    POS_WEBSHOP_ID,
    PRICE_GROUP_RETAIL_ID,
    PRICE_GROUP_WEBSHOP_ID,
    SALES_TAX_FREE_ID,
    SALES_TAX_REDUCED_ID,
    SALES_TAX_STANDARD_ID,
    SECTOR_FREE_ID,
    SECTOR_REDUCED_ID,
    SECTOR_STANDARD_ID,
    WAREHOUSE_IDS,
)

__all__ = [
    "API_BASE",
    "DEFAULT_ACCOUNT_ID",
    "DEFAULT_PASSWORD",
    "DEFAULT_USER",
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
    "Fault",
    "Knobs",
    "KoronaSandbox",
    "ReceiptFault",
    "create_app",
    "serve_forever",
]
