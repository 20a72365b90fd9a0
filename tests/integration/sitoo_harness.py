"""A Sitoo sandbox on loopback and an adapter pointed at it, every exchange
checked against the vendored OpenAPI reconstruction."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

from engine.backends.sitoo import SitooBackend, SitooSettings
from engine.transport import RetryPolicy
from sandbox import sitoo
from sandbox.server import RunningServer, start_server
from sandbox.woocommerce import WooSandbox, create_app
from tests.contract.sitoo import ContractTransport, SitooContract

WOO_KEY = "ck_test_0123456789abcdef0123456789abcdef"
WOO_SECRET = "cs_test_fedcba9876543210fedcba9876543210"
FAST_RETRY = RetryPolicy(max_attempts=3, base_delay=0.01, max_delay=0.05, max_retry_after=2)


@contextmanager
def sitoo_server(products: int = 30) -> Iterator[tuple[sitoo.SitooSandbox, RunningServer]]:
    sb = sitoo.SitooSandbox()
    sitoo.seed(sb, products=products)
    server = start_server(sitoo.create_app(sb))
    try:
        yield sb, server
    finally:
        server.stop()


@contextmanager
def sitoo_and_shop(products: int) -> Iterator[tuple[Any, ...]]:
    """(Sitoo sandbox, its server, WooCommerce sandbox, its server), all on loopback."""
    with sitoo_server(products=products) as (sb, server):
        woo = WooSandbox(consumer_key=WOO_KEY, consumer_secret=WOO_SECRET)
        woo_server = start_server(create_app(woo))
        try:
            yield sb, server, woo, woo_server
        finally:
            woo_server.stop()


def sitoo_settings(
    sb: sitoo.SitooSandbox, server: RunningServer, **overrides: Any
) -> SitooSettings:
    values: dict[str, Any] = {
        "base_url": f"{server.url}/v2/accounts/{sb.account_id}",
        "api_id": sb.api_id,
        "password": sb.password,
        "eshopid": sitoo.ESHOP_ID,
        "warehouse_id": str(sitoo.WAREHOUSE_WEB),
        "pricelist_id": str(sitoo.PRICELIST_WEBSHOP),
        "timeout": 2.0,
    }
    return SitooSettings(**(values | overrides))


@asynccontextmanager
async def sitoo_backend(
    sb: sitoo.SitooSandbox, server: RunningServer, *, retry: RetryPolicy = FAST_RETRY, **overrides
) -> AsyncIterator[SitooBackend]:
    contract = SitooContract()
    backend = SitooBackend(
        sitoo_settings(sb, server, **overrides), transport=ContractTransport(contract), retry=retry
    )
    try:
        yield backend
    finally:
        await backend.aclose()
    contract.assert_all_valid()
