"""A KROS order path on loopback: WooCommerce sandbox → our receiver → outbox → worker →
KROS sandbox, and KROS's signed webhook back to the same receiver's back-office route.

The catalog job runs first, so the shop's products carry KROS item codes as SKUs.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.backends.kros import KrosBackend, KrosSettings
from engine.events import EventBus
from engine.store import MappingKind, StateStore
from engine.sync.catalog import CatalogSync
from engine.sync.context import SyncContext
from engine.sync.orders import IntakeRouter, install_webhooks, new_webhook_secret
from engine.sync.woo_fields import CatalogPreferences
from engine.webhooks import BackofficeEndpoint, BackofficeHooks, WebhookReceiver, WebhookServer
from engine.woo import WooClient
from sandbox import kros
from sandbox.server import RunningServer
from sandbox.woocommerce import WooSandbox

from .orders_harness import (
    FAST_RETRY,
    WOO_KEY,
    WOO_SECRET,
    RecordingAlerts,
    buyable,
    make_worker,
    served,
    web_shop,
)

KROS_WEBHOOK_KEY = kros.WEBHOOK_SECRET
TAX_CLASSES = {"23": "", "19": "reduced-rate", "5": "zero-rate"}


@dataclass
class KrosServers:
    kb: kros.KrosSandbox
    woo: WooSandbox
    kros_server: RunningServer
    woo_server: RunningServer


@contextmanager
def kros_sandboxes(products: int = 12) -> Iterator[KrosServers]:
    kb = kros.KrosSandbox()
    kb.seed(products=products)
    sb = web_shop()
    with served(kros.create_app(kb), sb) as (kros_server, woo_server):
        yield KrosServers(kb, sb, kros_server, woo_server)


def kros_settings(servers: KrosServers, **overrides: Any) -> KrosSettings:
    url = servers.kros_server.url
    values: dict[str, Any] = {
        "base_url": f"{url}{kros.API_BASE}",
        "token": kros.DEFAULT_TOKEN,
        "webhook_secret": KROS_WEBHOOK_KEY,
        "numbering_sequence": "OF",
        "ecb_url": f"{url}{kros.ECB_PATH}",
        "cnb_url": f"{url}{kros.CNB_PATH}",
        "warehouse": "HS",
        "timeout": 1.0,
    }
    return KrosSettings(**(values | overrides))


def kros_backend(servers: KrosServers, **overrides: Any) -> KrosBackend:
    return KrosBackend(kros_settings(servers, **overrides), retry=FAST_RETRY, void_wait=3.0)


@dataclass
class KrosWorld:
    servers: KrosServers
    ctx: SyncContext
    worker: Any
    intake: Any
    alerts: RecordingAlerts
    products: list[int]
    backoffice_url: str = ""

    @property
    def kb(self) -> kros.KrosSandbox:
        return self.servers.kb

    @property
    def sb(self) -> WooSandbox:
        return self.servers.woo

    def place(self, status: str = "completed", **extra: Any) -> dict:
        lines = [(self.products[0], 2), (self.products[1], 1)]
        return self.sb.place_order(lines, payment_method="bacs", status=status, **extra)

    async def entry(self, order_id: int):
        return await self.ctx.store.outbox.get(order_id)


async def _catalog(ctx: SyncContext) -> None:
    for source, target in TAX_CLASSES.items():
        await ctx.store.mappings.set(MappingKind.TAX_CLASS, source, target)
    await ctx.store.mappings.set(MappingKind.PAYMENT, "bacs", "Bankový prevod")
    report = await CatalogSync(ctx).run()
    assert report.totals.failed == report.totals.skipped == 0


@asynccontextmanager
async def kros_world(
    servers: KrosServers, tmp_path: Path, **overrides: Any
) -> AsyncIterator[KrosWorld]:
    store = await StateStore.open(tmp_path / "state.db", synchronous="NORMAL")
    backend = kros_backend(servers, **overrides)
    woo = WooClient(servers.woo_server.url, WOO_KEY, WOO_SECRET, retry=FAST_RETRY)
    ctx = SyncContext(
        connection="default", store=store, woo=woo, backend=backend, bus=EventBus(),
        prefs=CatalogPreferences(new_products_status="publish"), stock_location_id="HS",
    )  # fmt: skip
    alerts = RecordingAlerts()
    worker, intake = make_worker(ctx, alerts)
    secret = new_webhook_secret()
    hooks = BackofficeHooks(
        {"default": BackofficeEndpoint(backend.parse_notification, worker.backoffice_event)}
    )
    receiver = WebhookReceiver(
        secrets={"default": secret}, intake=IntakeRouter({"default": intake}), backoffice=hooks
    )
    server = WebhookServer(receiver.app, port=0)
    await server.start()
    try:
        await _catalog(ctx)
        world = KrosWorld(servers, ctx, worker, intake, alerts, buyable(servers.woo))
        world.backoffice_url = f"{server.url}/webhooks/default/backoffice"
        servers.kb.webhook_url = world.backoffice_url
        await install_webhooks(woo, f"{server.url}{receiver.path_for('default')}", secret=secret)
        yield world
    finally:
        await server.stop()
        await woo.aclose()
        await backend.aclose()
        await store.close()
