"""A whole order path on loopback with Sitoo: WooCommerce sandbox → our webhook
receiver → outbox → worker → Sitoo sandbox, with a state store on a real file.

The catalog job runs first, so the shop's products carry Sitoo SKUs and the store
holds the links a real install would have.  Every Sitoo exchange is checked
against the vendored OpenAPI reconstruction.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.backends.sitoo import SitooBackend
from engine.store import MappingKind
from engine.sync.catalog import CatalogSync
from engine.sync.context import SyncContext
from engine.sync.orders import (
    OrderIntake,
    OrderWorker,
)
from sandbox import sitoo
from sandbox.server import RunningServer
from sandbox.woocommerce import WooSandbox
from tests.contract.sitoo import ContractTransport, SitooContract

from .orders_harness import (
    FAST_RETRY,
    RecordingAlerts,
    buyable,
    make_worker,
    served,
    shop_webhooks,
    sync_context,
    web_shop,
)
from .sitoo_harness import sitoo_settings

TAX_CLASSES = {"1": "", "2": "reduced-rate", "3": "zero-rate"}
PAYMENTS = {"bacs": "Bank transfer", "cod": "Cash"}


@dataclass
class SitooServers:
    sitoo: sitoo.SitooSandbox
    woo: WooSandbox
    sitoo_server: RunningServer
    woo_server: RunningServer


@contextmanager
def sandboxes(products: int = 12) -> Iterator[SitooServers]:
    sb = sitoo.SitooSandbox()
    sitoo.seed(sb, products=products, variant_every=0)
    woo = web_shop()
    with served(sitoo.create_app(sb), woo) as (sitoo_server, woo_server):
        yield SitooServers(sb, woo, sitoo_server, woo_server)


@dataclass
class SitooWorld:
    servers: SitooServers
    ctx: SyncContext
    worker: OrderWorker
    intake: OrderIntake
    alerts: RecordingAlerts
    contract: SitooContract
    products: list[int] = field(default_factory=list)

    @property
    def sb(self) -> sitoo.SitooSandbox:
        return self.servers.sitoo

    @property
    def woo(self) -> WooSandbox:
        return self.servers.woo

    def orders(self) -> list[dict[str, Any]]:
        with self.sb.lock:
            return [dict(o) for o in self.sb.orders.values()]

    def place(self, status: str = "completed", payment: str = "bacs", **extra: Any) -> dict:
        lines = [(self.products[0], 2), (self.products[1], 1)]
        return self.woo.place_order(lines, payment_method=payment, status=status, **extra)

    async def entry(self, order_id: int):
        return await self.ctx.store.outbox.get(order_id)


async def _seed(ctx: SyncContext) -> None:
    for source, target in TAX_CLASSES.items():
        await ctx.store.mappings.set(MappingKind.TAX_CLASS, source, target)
    for gateway, name in PAYMENTS.items():
        await ctx.store.mappings.set(MappingKind.PAYMENT, gateway, name)
    report = await CatalogSync(ctx).run()
    assert report.totals.failed == report.totals.skipped == 0


@asynccontextmanager
async def sitoo_world(servers: SitooServers, tmp_path: Path, **settings: Any):
    """A ready world; ``settings`` override SitooSettings (e.g. close_orders)."""
    contract = SitooContract()
    values = {"timeout": 1.0, "warehouse_id": str(sitoo.WAREHOUSE_STORE)} | settings
    backend = SitooBackend(
        sitoo_settings(servers.sitoo, servers.sitoo_server, **values),
        transport=ContractTransport(contract),
        retry=FAST_RETRY,
    )
    url, location = servers.woo_server.url, str(sitoo.WAREHOUSE_STORE)
    async with sync_context(tmp_path / "state.db", url, backend, location) as ctx:
        alerts = RecordingAlerts()
        worker, intake = make_worker(ctx, alerts)
        world = SitooWorld(servers, ctx, worker, intake, alerts, contract)
        await _seed(ctx)
        world.products = buyable(servers.woo)
        async with shop_webhooks(ctx.woo, intake):
            yield world
    contract.assert_all_valid()
