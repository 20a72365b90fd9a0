"""Sitoo REST API v2 sandbox: a strict HTTP simulator of one Sitoo account.

Built from ``shared/reference/sitoo-api.md`` and the community OpenAPI
reconstruction (vendored as ``tests/contract/sitoo-openapi.json``), never
from our adapter.  Inferred behaviour is written down in each module's
docstring and marked [I] (gate.py: the IP refusal; quota.py: the budget and
its headers; orders.py: state and item-type codes; products.py: filters).

    sb = SitooSandbox()
    seed(sb, products=60)
    server = start_server(create_app(sb))
    base_url = f"{server.url}/v2/accounts/{sb.account_id}"
"""

from sandbox.sitoo.account import (
    DEFAULT_ACCOUNT_ID,
    DEFAULT_PASSWORD,
    ESHOP_ID,
    WAREHOUSE_FIFO,
    WAREHOUSE_VIRTUAL,
    Knobs,
    SitooSandbox,
)
from sandbox.sitoo.app import API_BASE, create_app, serve_forever
from sandbox.sitoo.events import EventsClient
from sandbox.sitoo.quota import Quota
from sandbox.sitoo.seed import (
    PRICELIST_OUTLET,
    PRICELIST_WEBSHOP,
    WAREHOUSE_STORE,
    WAREHOUSE_WEB,
    add_product,
    seed,
)

__all__ = [
    "API_BASE",
    "DEFAULT_ACCOUNT_ID",
    "DEFAULT_PASSWORD",
    "ESHOP_ID",
    "PRICELIST_OUTLET",
    "PRICELIST_WEBSHOP",
    "WAREHOUSE_FIFO",
    "WAREHOUSE_STORE",
    "WAREHOUSE_VIRTUAL",
    "WAREHOUSE_WEB",
    "EventsClient",
    "Knobs",
    "Quota",
    "SitooSandbox",
    "add_product",
    "create_app",
    "seed",
    "serve_forever",
]
