"""Real loopback servers for sync tests: a KORONA sandbox, a WooCommerce sandbox,
a state store on a real file, and the SyncContext that joins them."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path

from engine.backends.korona import KoronaBackend, KoronaSettings
from engine.events import EventBus
from engine.store import StateStore
from engine.store.mappings import MappingKind
from engine.sync.context import SyncContext
from engine.sync.woo_fields import CatalogPreferences
from engine.transport import RetryPolicy
from engine.woo import WooClient
from sandbox import korona as kor
from sandbox.server import RunningServer, start_server
from sandbox.woocommerce import WooSandbox, create_app
from tests.contract.korona import KoronaContract
from tests.integration.test_korona_adapter_reads import ContractTransport

WOO_KEY = "ck_test_0123456789abcdef0123456789abcdef"
WOO_SECRET = "cs_test_fedcba9876543210fedcba9876543210"
KORONA_PASSWORD = kor.DEFAULT_PASSWORD

FAST_RETRY = RetryPolicy(max_attempts=3, base_delay=0.01, max_delay=0.05, jitter=False)

TAX_CLASSES = {
    kor.SECTOR_STANDARD_ID: "",
    kor.SECTOR_REDUCED_ID: "reduced-rate",
    kor.SECTOR_FREE_ID: "zero-rate",
}


@dataclass
class Shop:
    """Both sandboxes, their servers and an engine context pointing at them."""

    korona: kor.KoronaSandbox
    woo: WooSandbox
    korona_server: RunningServer
    woo_server: RunningServer
    ctx: SyncContext

    @property
    def woo_products(self) -> list[dict]:
        return list(self.woo.products.values())


@contextmanager
def sandboxes(products: int, woo_products: int = 0) -> Iterator[tuple]:
    kb = kor.KoronaSandbox()
    kb.seed_demo(products=products, rng_seed=7)
    sb = WooSandbox(consumer_key=WOO_KEY, consumer_secret=WOO_SECRET)
    if woo_products:
        sb.seed_demo(products=woo_products, rng_seed=7)
    korona_server = start_server(kor.create_app(kb))
    woo_server = start_server(create_app(sb))
    try:
        yield kb, sb, korona_server, woo_server
    finally:
        korona_server.stop()
        woo_server.stop()


@asynccontextmanager
async def engine_context(
    tmp_path: Path,
    korona_server: RunningServer,
    woo_server: RunningServer,
    prefs: CatalogPreferences | None = None,
    page_size: int | None = None,
) -> AsyncIterator[SyncContext]:
    """A SyncContext on a real state file; every KORONA exchange is checked
    against KORONA's OpenAPI document, and the test fails on any violation.
    ``page_size``: KORONA's page size (default: the adapter's)."""
    settings = KoronaSettings(
        base_url=f"{korona_server.url}/web/api/v3",
        account_id=kor.DEFAULT_ACCOUNT_ID,
        user=kor.DEFAULT_USER,
        password=KORONA_PASSWORD,
        price_group=kor.PRICE_GROUP_WEBSHOP_ID,
        warehouse_id=kor.ORG_WAREHOUSE_ID,
        point_of_sale_id=kor.POS_WEBSHOP_ID,
        coupling_id="tillsync-test",
        **({"page_size": page_size} if page_size else {}),
    )
    store = await StateStore.open(tmp_path / "state.db")
    contract = KoronaContract()
    backend = KoronaBackend(settings, transport=ContractTransport(contract), retry=FAST_RETRY)
    woo = WooClient(woo_server.url, WOO_KEY, WOO_SECRET)
    for source, target in TAX_CLASSES.items():
        await store.mappings.set(MappingKind.TAX_CLASS, source, target)
    try:
        yield SyncContext(
            connection="default",
            store=store,
            woo=woo,
            backend=backend,
            bus=EventBus(),
            prefs=prefs or CatalogPreferences(new_products_status="publish"),
            stock_location_id=kor.ORG_WAREHOUSE_ID,
        )
    finally:
        await woo.aclose()
        await backend.aclose()
        await store.close()
    contract.assert_all_valid()
