"""NexoPOS sandbox + WooCommerce sandbox on loopback, and engine contexts pointing at both."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.backends.nexopos import NexoposBackend, NexoSettings
from engine.store import MappingKind
from engine.sync.context import SyncContext
from engine.transport import RetryPolicy
from sandbox.nexopos import NexoSandbox, create_app, ids, seed_store
from sandbox.server import RunningServer
from sandbox.woocommerce import WooSandbox
from tests.integration.orders_harness import WOO_KEY, WOO_SECRET, served, sync_context, web_shop  # noqa: F401 - for the tests

FAST_RETRY = RetryPolicy(max_attempts=3, base_delay=0.01, max_delay=0.05, jitter=False)
TAX_CLASSES = {str(ids.TAX_STANDARD): "", str(ids.TAX_REDUCED): "reduced-rate",
               str(ids.TAX_ZERO): "zero-rate"}  # fmt: skip
PAYMENTS = {"bacs": "bank-payment", "cod": "cash-payment"}  # "cheque": unmapped


@dataclass
class Servers:
    nexo: NexoSandbox
    woo: WooSandbox
    nexo_server: RunningServer
    woo_server: RunningServer


@contextmanager
def sandboxes(
    products: int = 12, rate_limit: int | None = None, woo_products: int = 0
) -> Iterator[Servers]:
    sb = seed_store(NexoSandbox(), products=products, rng_seed=7)
    sb.knobs.rate_limit = rate_limit
    woo = web_shop()
    if woo_products:
        woo.seed_demo(products=woo_products, rng_seed=7)
    with served(create_app(sb), woo) as (nexo_server, woo_server):
        yield Servers(sb, woo, nexo_server, woo_server)


def nexo_settings(servers: Servers, **overrides: Any) -> NexoSettings:
    values: dict[str, Any] = {
        "base_url": servers.nexo_server.url,
        "token": ids.TOKEN,
        "customer_group_id": ids.GROUP_WEB,
        "default_customer_id": ids.WALK_IN_CUSTOMER,
        "unit_id": ids.UNIT_PIECE,
        "timeout": 2.0,
    }
    return NexoSettings(**(values | overrides))


def backend(servers: Servers, **overrides: Any) -> NexoposBackend:
    return NexoposBackend(nexo_settings(servers, **overrides), retry=FAST_RETRY)


@asynccontextmanager
async def engine_context(
    servers: Servers, tmp_path: Path, retry: RetryPolicy = FAST_RETRY, **overrides: Any
) -> AsyncIterator[SyncContext]:
    nexo = NexoposBackend(nexo_settings(servers, **overrides), retry=retry)
    location = nexo.locations[next(iter(nexo.locations))]
    mappings = {MappingKind.TAX_CLASS: TAX_CLASSES, MappingKind.PAYMENT: PAYMENTS}
    async with sync_context(
        tmp_path / "state.db",
        servers.woo_server.url,
        nexo,
        location,
        mappings=mappings,
        synchronous="FULL",  # the store's default
    ) as ctx:
        yield ctx
