"""A whole order path on loopback: WooCommerce sandbox → our webhook receiver → outbox
→ worker → KORONA sandbox, with a state store on a real file.

The catalog job runs first, so the shop's products carry KORONA article numbers as
SKUs and the store holds the links a real install would have.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from contextlib import AsyncExitStack, asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.backends.base import Backend
from engine.backends.korona import KoronaBackend, KoronaSettings
from engine.events import EventBus
from engine.notify import Alert
from engine.store import MappingKind, StateStore
from engine.store.state_store import Synchronous
from engine.sync.catalog import CatalogSync
from engine.sync.context import SyncContext
from engine.sync.orders import (
    IntakeRouter,
    OrderIntake,
    OrderWorker,
    install_webhooks,
    new_webhook_secret,
)
from engine.sync.woo_fields import CatalogPreferences
from engine.transport import RetryPolicy
from engine.webhooks import WebhookReceiver, WebhookServer
from engine.woo import WooClient
from sandbox import korona as kor
from sandbox.server import RunningServer, start_server
from sandbox.woocommerce import WooSandbox, create_app
from sandbox.woocommerce.clock import SiteClock

WOO_KEY = "ck_test_0123456789abcdef0123456789abcdef"
WOO_SECRET = "cs_test_fedcba9876543210fedcba9876543210"
TAX_CLASSES = {
    kor.SECTOR_STANDARD_ID: "",
    kor.SECTOR_REDUCED_ID: "reduced-rate",
    kor.SECTOR_FREE_ID: "zero-rate",
}
PAYMENTS = {"bacs": kor.PAYMENT_WEBSHOP_ID, "cod": kor.PAYMENT_CASH_ID}  # "cheque": unmapped
FAST_RETRY = RetryPolicy(max_attempts=2, base_delay=0.01, max_delay=0.02, max_retry_after=0.1)
FAST_BACKOFF = RetryPolicy(max_attempts=1_000_000, base_delay=0.05, max_delay=0.1)


class RecordingAlerts:
    """An AlertSink that keeps what it was given."""

    def __init__(self) -> None:
        self.alerts: list[Alert] = []

    async def emit(self, alert: Alert) -> None:
        self.alerts.append(alert)

    async def flush(self) -> bool:
        return True

    async def aclose(self) -> None:
        return None

    def keys(self) -> list[str]:
        return [a.key for a in self.alerts]


@dataclass
class Servers:
    korona: kor.KoronaSandbox
    woo: WooSandbox
    korona_server: RunningServer
    woo_server: RunningServer


def web_shop() -> WooSandbox:
    """The shop the order tests book from; webhooks arrive a little late, as a real site's do."""
    shop = WooSandbox(consumer_key=WOO_KEY, consumer_secret=WOO_SECRET)
    shop.webhook_delay = 0.05
    return shop


@contextmanager
def served(back_office_app: Any, shop: WooSandbox) -> Iterator[tuple[RunningServer, RunningServer]]:
    """A back office's sandbox app and the shop, each on a loopback server, stopped after."""
    back_office_server, woo_server = start_server(back_office_app), start_server(create_app(shop))
    try:
        yield back_office_server, woo_server
    finally:
        back_office_server.stop()
        woo_server.stop()


@contextmanager
def sandboxes(products: int = 12) -> Iterator[Servers]:
    kb = kor.KoronaSandbox()
    kb.seed_demo(products=products, rng_seed=7, customers=0)
    sb = web_shop()
    with served(kor.create_app(kb), sb) as (korona_server, woo_server):
        yield Servers(kb, sb, korona_server, woo_server)


def korona_settings(servers: Servers, **overrides: Any) -> KoronaSettings:
    values: dict[str, Any] = {
        "base_url": f"{servers.korona_server.url}/web/api/v3",
        "account_id": kor.DEFAULT_ACCOUNT_ID,
        "user": kor.DEFAULT_USER,
        "password": kor.DEFAULT_PASSWORD,
        "price_group": kor.PRICE_GROUP_WEBSHOP_ID,
        "warehouse_id": kor.ORG_WAREHOUSE_ID,
        "point_of_sale_id": kor.POS_WEBSHOP_ID,
        "coupling_id": "tillsync-orders-test",
        "timeout": 1.0,
    }
    return KoronaSettings(**(values | overrides))


@dataclass
class World:
    """Everything one test drives; ``restart`` builds a fresh store connection + worker."""

    servers: Servers
    ctx: SyncContext
    worker: OrderWorker
    intake: OrderIntake
    alerts: RecordingAlerts
    hook_url: str = ""
    secret: str = field(default="", repr=False)
    products: list[int] = field(default_factory=list)
    receipts_before: int = 0

    @property
    def kb(self) -> kor.KoronaSandbox:
        return self.servers.korona

    @property
    def sb(self) -> WooSandbox:
        return self.servers.woo

    def sales(self) -> list[dict[str, Any]]:
        """Receipts that reached KORONA (not reversals)."""
        return [r for r in self.kb.receipts() if not r.get("reversal")]

    def reversals(self) -> list[dict[str, Any]]:
        return [r for r in self.kb.receipts() if r.get("reversal")]

    def place(self, payment: str = "bacs", status: str = "completed", **extra: Any) -> dict:
        lines = [(self.products[0], 2), (self.products[1], 1)]
        return self.sb.place_order(lines, payment_method=payment, status=status, **extra)

    async def entry(self, order_id: int):
        return await self.ctx.store.outbox.get(order_id)


async def wait_until(check: Callable[[], Awaitable[bool]], within: float = 5.0) -> None:
    deadline = time.monotonic() + within
    while not await check():
        assert time.monotonic() < deadline, "timed out waiting"
        await asyncio.sleep(0.02)


@dataclass(frozen=True)
class ShiftedClock(SiteClock):
    """The shop's clock, ``shift`` seconds ahead of ours."""

    shift: int = 0

    def now(self) -> int:
        return int(time.time()) + self.shift


async def next_second(world: World) -> None:
    """WooCommerce's date_modified has whole seconds, so a later edit needs a later second:
    move the shop's clock on by one instead of sleeping through it."""
    sb = world.sb
    with sb.lock:
        shift = getattr(sb.clock, "shift", 0) + 1
        sb.clock = ShiftedClock(sb.clock.utc_offset_seconds, shift)


async def open_context(
    servers: Servers, path: Path, **korona: Any
) -> tuple[SyncContext, Callable[[], Awaitable[None]]]:
    store = await StateStore.open(path, synchronous="NORMAL")
    backend = KoronaBackend(korona_settings(servers, **korona), retry=FAST_RETRY)
    woo = WooClient(servers.woo_server.url, WOO_KEY, WOO_SECRET, retry=FAST_RETRY)
    ctx = SyncContext(
        connection="default",
        store=store,
        woo=woo,
        backend=backend,
        bus=EventBus(),
        prefs=CatalogPreferences(new_products_status="publish"),
        stock_location_id=kor.ORG_WAREHOUSE_ID,
    )

    async def close() -> None:
        await woo.aclose()
        await backend.aclose()
        await store.close()

    return ctx, close


async def _seed_store(ctx: SyncContext) -> None:
    for source, target in TAX_CLASSES.items():
        await ctx.store.mappings.set(MappingKind.TAX_CLASS, source, target)
    for gateway, method in PAYMENTS.items():
        await ctx.store.mappings.set(MappingKind.PAYMENT, gateway, method)
    report = await CatalogSync(ctx).run()
    # a fresh shop is written; after a lost database everything re-links by SKU
    # and nothing is written (the shop already holds it)
    assert report.totals.written + report.totals.unchanged > 0
    assert report.totals.failed == report.totals.skipped == 0


def buyable(sb: WooSandbox) -> list[int]:
    with sb.lock:
        return [
            pid
            for pid, p in sorted(sb.products.items())
            if p.get("status") == "publish"
            and p.get("type", "simple") == "simple"
            and p.get("regular_price")
            and (p.get("stock_quantity") or 0) >= 5
        ]


def make_worker(ctx: SyncContext, alerts: RecordingAlerts) -> tuple[OrderWorker, OrderIntake]:
    worker = OrderWorker(ctx, alerts, backoff=FAST_BACKOFF, idle_interval=0.05)
    return worker, OrderIntake(ctx, worker.rules, on_new=worker.wake)


@asynccontextmanager
async def sync_context(
    path: Path,
    woo_url: str,
    backend: Backend,
    location: str,
    *,
    mappings: Mapping[MappingKind, Mapping[str, str]] | None = None,
    synchronous: Synchronous = "NORMAL",
) -> AsyncIterator[SyncContext]:
    """Connection "default": a state store at ``path`` (``mappings`` set), the shop at
    ``woo_url`` and ``backend``; all three closed after, the back office's included."""
    store = await StateStore.open(path, synchronous=synchronous)
    woo = WooClient(woo_url, WOO_KEY, WOO_SECRET, retry=FAST_RETRY)
    try:
        for kind, pairs in (mappings or {}).items():
            for source, target in pairs.items():
                await store.mappings.set(kind, source, target)
        yield SyncContext(
            connection="default", store=store, woo=woo, backend=backend, bus=EventBus(),
            prefs=CatalogPreferences(new_products_status="publish"), stock_location_id=location,
        )  # fmt: skip
    finally:
        await woo.aclose()
        await backend.aclose()
        await store.close()


@dataclass(frozen=True)
class ShopHooks:
    """Where the shop's order webhooks are delivered, and the secret that signs them."""

    server_url: str
    hook_url: str
    secret: str


@asynccontextmanager
async def shop_webhooks(woo: WooClient, intake: OrderIntake) -> AsyncIterator[ShopHooks]:
    """A webhook receiver on loopback for connection "default", installed in the shop."""
    secret = new_webhook_secret()
    receiver = WebhookReceiver(
        secrets={"default": secret}, intake=IntakeRouter({"default": intake})
    )
    server = WebhookServer(receiver.app, port=0)
    await server.start()
    try:
        hook_url = f"{server.url}{receiver.path_for('default')}"
        await install_webhooks(woo, hook_url, secret=secret)
        yield ShopHooks(server.url, hook_url, secret)
    finally:
        await server.stop()


@asynccontextmanager
async def order_world(
    servers: Servers, tmp_path: Path, *, webhooks: bool = True, **korona: Any
) -> AsyncIterator[World]:
    """A ready world; ``korona`` overrides KoronaSettings (e.g. shipping_product)."""
    ctx, close = await open_context(servers, tmp_path / "state.db", **korona)
    alerts = RecordingAlerts()
    worker, intake = make_worker(ctx, alerts)
    world = World(servers, ctx, worker, intake, alerts)
    try:
        async with AsyncExitStack() as stack:
            await _seed_store(ctx)
            world.products = buyable(servers.woo)
            world.receipts_before = len(servers.korona.receipts())
            if webhooks:
                hooks = await stack.enter_async_context(shop_webhooks(ctx.woo, intake))
                world.secret, world.hook_url = hooks.secret, hooks.hook_url
            yield world
    finally:
        await close()
