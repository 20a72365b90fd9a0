"""One configured connection pair, built into live clients and jobs.

The only place that turns validated settings into a WooCommerce client and
a back-office adapter; jobs receive them through :class:`SyncContext`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, timedelta, tzinfo

from pydantic import SecretStr

from engine.backends import Backend, Capability, create_backend
from engine.config import ConnectionConfig
from engine.errors import ConfigError
from engine.events import EventBus
from engine.model import LocationKind
from engine.notify import AlertSink, LogAlerts
from engine.store import StateStore
from engine.sync.catalog import CatalogSync
from engine.sync.context import SyncContext
from engine.sync.customers import CustomerSync
from engine.sync.directions import Directions, capabilities_in_use, direction_problems
from engine.sync.orders import OrderIntake, OrderPoll, OrderWatch, OrderWorker
from engine.sync.orders.confirmations import ConfirmationWindow
from engine.sync.orders.order_extras import OrderMetaKeys
from engine.sync.orders.webhook_setup import (
    COUPON_PUSH_TOPICS,
    CUSTOMER_PUSH_TOPICS,
    NEW_PRODUCT_TOPICS,
    PUSH_TOPICS,
    WEBHOOK_TOPICS,
)
from engine.sync.push_hints import (
    creates_products,
    pushes_anything,
    pushes_coupons,
    pushes_customers,
)
from engine.sync.stock import StockSync
from engine.sync.woo_fields import CatalogPreferences
from engine.transport import RateMemory
from engine.woo import AuthMode, WooClient

__all__ = ["ConnectionRuntime", "build_connection", "woo_client"]


_AUTH_MODES = {
    "auto": None,
    "basic": AuthMode.BASIC,
    "query": AuthMode.QUERY_STRING,
    "oauth1": AuthMode.OAUTH1,
}


def woo_client(config: ConnectionConfig, rates: RateMemory | None = None) -> WooClient:
    """``rates``: where the shop's learned request rate is kept (the state database)."""
    woo = config.woo
    verify: bool | str = str(woo.ca_file) if woo.ca_file else woo.verify_tls
    mode = _AUTH_MODES[woo.auth]
    return WooClient(
        str(woo.url),
        woo.consumer_key,
        woo.consumer_secret.get_secret_value(),
        auth_mode=mode,
        timeout=woo.timeout,
        verify=verify,
        rates=rates,
    )


def preferences(config: ConnectionConfig) -> CatalogPreferences:
    sync = config.sync
    return CatalogPreferences(
        new_products_status=sync.new_products_status,
        sync_categories=sync.sync_categories,
        hide_out_of_stock=sync.hide_out_of_stock,
        deactivated_to_draft=sync.deactivated_to_draft,
        sync_images=sync.sync_images,
        sync_gtin=sync.sync_gtin,
        brand_attribute=sync.brand_attribute,
        description_mode=sync.description_mode,
        create_fields=frozenset(sync.create_fields),
        update_fields=frozenset(sync.update_fields),
    )


@dataclass
class ConnectionRuntime:
    """One connection's clients and jobs.

    ``worker`` and ``intake`` exist when the back office can book sales,
    ``watch`` (the light order poll) too unless turned off; ``delivery_url``
    is where WooCommerce delivers this connection's webhooks (None: orders
    arrive by polling only).  ``worker_running`` is
    set while the service's worker loop drains the outbox, so a one-off
    orders run knows whether it must book what it found itself.
    """

    name: str
    config: ConnectionConfig
    woo: WooClient
    backend: Backend
    ctx: SyncContext
    worker: OrderWorker | None = None
    intake: OrderIntake | None = None
    watch: OrderWatch | None = None
    delivery_url: str | None = None
    alerts: AlertSink | None = None
    worker_running: bool = False
    tz: tzinfo = UTC  # the engine's time zone: a reconcile's "yesterday" is a local day
    reconcile_mail_always: bool = False  # [notify] reconcile_mail = "always"

    @property
    def catalog(self) -> CatalogSync:
        return CatalogSync(self.ctx)

    @property
    def stock(self) -> StockSync:
        return StockSync(self.ctx)

    @property
    def customers(self) -> CustomerSync:
        return CustomerSync(self.ctx)

    @property
    def poll(self) -> OrderPoll:
        return OrderPoll(self.ctx, self.intake)

    @property
    def webhook_topics(self) -> tuple[str, ...]:
        """The order topics when orders are booked, product changes when the shop's
        edits are pushed, customer changes when its customers are; none: no webhook
        is installed for this connection."""
        topics = WEBHOOK_TOPICS if self.intake is not None else ()
        if pushes_anything(self.ctx):
            topics = (*topics, *(t for t in PUSH_TOPICS if t not in WEBHOOK_TOPICS))
        if pushes_customers(self.ctx):
            topics = (*topics, *CUSTOMER_PUSH_TOPICS)
        if creates_products(self.ctx):  # a new shop product is created there at once
            topics = (*topics, *NEW_PRODUCT_TOPICS)
        if pushes_coupons(self.ctx):
            topics = (*topics, *COUPON_PUSH_TOPICS)
        return topics

    @property
    def webhook_secret(self) -> SecretStr | None:
        return self.config.woo.webhook_secret

    async def aclose(self) -> None:
        await self.woo.aclose()
        await self.backend.aclose()


def build_connection(
    name: str,
    config: ConnectionConfig,
    store: StateStore,
    bus: EventBus,
    *,
    alerts: AlertSink | None = None,
    public_url: str | None = None,
) -> ConnectionRuntime:
    """Clients, context and (when the back office books sales) the order worker.

    Webhooks are delivered to ``public_url/<name>`` only when the connection
    has a webhook secret to check them with.
    """
    woo = woo_client(config, store.rates)
    backend = create_backend(config.backend.type, config.adapter_settings())
    location = backend.locations.get(LocationKind.WAREHOUSE)  # where stock is read
    directions = _directions(name, config, backend)
    backend.in_use = capabilities_in_use(directions, backend.capabilities)  # for its check
    ctx = SyncContext(
        connection=name,
        store=store,
        woo=woo,
        backend=backend,
        bus=bus,
        prefs=preferences(config),
        stock_location_id=location,
        directions=directions,
    )
    runtime = ConnectionRuntime(name, config, woo, backend, ctx, alerts=alerts)
    if config.woo.webhook_secret is not None and public_url:
        runtime.delivery_url = f"{str(public_url).rstrip('/')}/{name}"
    if Capability.SALES_CREATE in backend.capabilities:
        _add_order_worker(runtime)
    return runtime


def _directions(name: str, config: ConnectionConfig, backend: Backend) -> Directions:
    """The connection's directions, refused when its back office cannot go that way."""
    directions = config.directions.directions()
    problems = direction_problems(directions, backend.capabilities, backend.name)
    if problems:
        raise ConfigError(
            f"[connections.{name}.directions]: " + "; ".join(problems),
            hint="choose a direction this back office supports (pull is the default)",
        )
    return directions


def _add_order_worker(runtime: ConnectionRuntime) -> None:
    """The outbox worker and the intake that wakes it (webhooks and the poll feed it)."""
    rules = runtime.config.orders
    runtime.worker = OrderWorker(
        runtime.ctx,
        runtime.alerts or LogAlerts(),
        trigger_status=rules.trigger_status,
        void_on=rules.void_on,
        confirmation=ConfirmationWindow(deadline=timedelta(minutes=rules.confirm_within_minutes)),
        meta_keys=OrderMetaKeys(**rules.meta.model_dump()),
    )
    runtime.intake = OrderIntake(runtime.ctx, runtime.worker.rules, on_new=runtime.worker.wake)
    if rules.watch_seconds > 0:
        runtime.watch = OrderWatch(runtime.ctx, runtime.intake, interval=rules.watch_seconds)
