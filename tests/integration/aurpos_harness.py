"""AurPOS on loopback: the Ultimate POS Connector sandbox, the WooCommerce sandbox,
a state store on a real file, and the engine's catalog job and order worker between them.

The catalog job runs first in an order world, so the shop's products carry the POS's
SKUs and the store holds the links a real install would have.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.backends.aurpos import AurposBackend, AurposSettings
from engine.store import MappingKind
from engine.sync.catalog import CatalogSync
from engine.sync.context import SyncContext
from engine.transport import RetryPolicy
from sandbox.aurpos import DEMO_CLIENT, DEMO_USER, AurposSandbox, create_app, seed_demo
from sandbox.server import RunningServer
from sandbox.woocommerce import WooSandbox
from tests.integration.orders_harness import (
    RecordingAlerts,
    buyable,
    make_worker,
    served,
    shop_webhooks,
    sync_context,
    web_shop,
)

TAX_CLASSES = {"1": "", "2": "reduced-rate", "3": "zero-rate"}  # POS tax rate -> Woo class
PAYMENTS = {"bacs": "bank_transfer", "cod": "cash"}
FAST_RETRY = RetryPolicy(max_attempts=2, base_delay=0.01, max_delay=0.02, max_retry_after=0.1)
LOCATION = "2"  # the web warehouse: not every product is sold there


@dataclass
class AurposServers:
    pos: AurposSandbox
    woo: WooSandbox
    pos_server: RunningServer
    woo_server: RunningServer


@contextmanager
def aurpos_sandboxes(products: int = 10, **switches: Any) -> Iterator[AurposServers]:
    """``switches``: ``public_prefix``/``wrapped`` of the POS sandbox."""
    pos = seed_demo(AurposSandbox(**switches), products=products)
    woo = web_shop()
    with served(create_app(pos), woo) as (pos_server, woo_server):
        yield AurposServers(pos, woo, pos_server, woo_server)


def aurpos_settings(servers: AurposServers, **overrides: Any) -> AurposSettings:
    values: dict[str, Any] = {
        "host": servers.pos_server.url, "client_id": DEMO_CLIENT.id,
        "client_secret": DEMO_CLIENT.secret, "username": DEMO_USER.username,
        "password": DEMO_USER.password, "location": LOCATION, "timeout": 1.0,
    }  # fmt: skip
    return AurposSettings(**(values | overrides))


@asynccontextmanager
async def aurpos_context(
    servers: AurposServers, tmp_path: Path, **overrides: Any
) -> AsyncIterator[SyncContext]:
    backend = AurposBackend(aurpos_settings(servers, **overrides), retry=FAST_RETRY)
    mappings = {MappingKind.TAX_CLASS: TAX_CLASSES, MappingKind.PAYMENT: PAYMENTS}
    url = servers.woo_server.url
    async with sync_context(
        tmp_path / "state.db", url, backend, LOCATION, mappings=mappings
    ) as ctx:
        yield ctx


@dataclass
class AurposWorld:
    servers: AurposServers
    ctx: SyncContext
    worker: Any
    alerts: RecordingAlerts
    products: list[int] = field(default_factory=list)

    @property
    def sb(self) -> WooSandbox:
        """The shop (named as orders_harness.next_second expects)."""
        return self.servers.woo

    @property
    def pos(self) -> AurposSandbox:
        return self.servers.pos

    @property
    def backend(self) -> AurposBackend:
        assert isinstance(self.ctx.backend, AurposBackend)
        return self.ctx.backend

    def place(self, lines: list[tuple[int, int]] | None = None, **extra: Any) -> dict:
        chosen = lines or [(self.products[0], 2), (self.products[1], 1)]
        extra = {"payment_method": "bacs", "status": "completed"} | extra
        return self.servers.woo.place_order(chosen, **extra)

    def sells(self, invoice_no: str | None = None) -> list[dict]:
        rows = self.pos.sell_list()
        return [s for s in rows if invoice_no is None or s["invoice_no"] == invoice_no]

    async def entry(self, order_id: int) -> Any:
        return await self.ctx.store.outbox.get(order_id)


@asynccontextmanager
async def aurpos_world(
    servers: AurposServers, tmp_path: Path, **overrides: Any
) -> AsyncIterator[AurposWorld]:
    async with aurpos_context(servers, tmp_path, **overrides) as ctx:
        report = await CatalogSync(ctx).run()
        assert report.totals.written > 0 and report.totals.failed == 0, report.totals
        alerts = RecordingAlerts()
        worker, intake = make_worker(ctx, alerts)
        async with shop_webhooks(ctx.woo, intake):
            yield AurposWorld(servers, ctx, worker, alerts, buyable(servers.woo))
