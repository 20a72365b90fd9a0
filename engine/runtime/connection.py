"""One configured connection pair, built into live clients and jobs.

The only place that turns validated settings into a WooCommerce client and
a back-office adapter; jobs receive them through :class:`SyncContext`.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.backends import Backend, create_backend
from engine.config import ConnectionConfig
from engine.events import EventBus
from engine.store import StateStore
from engine.sync.catalog import CatalogSync
from engine.sync.context import SyncContext
from engine.sync.stock import StockSync
from engine.sync.woo_fields import CatalogPreferences
from engine.woo import AuthMode, WooClient

__all__ = ["ConnectionRuntime", "build_connection", "woo_client"]


_AUTH_MODES = {
    "auto": None,
    "basic": AuthMode.BASIC,
    "query": AuthMode.QUERY_STRING,
    "oauth1": AuthMode.OAUTH1,
}


def woo_client(config: ConnectionConfig) -> WooClient:
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
    )


def preferences(config: ConnectionConfig) -> CatalogPreferences:
    sync = config.sync
    return CatalogPreferences(
        new_products_status=sync.new_products_status,
        sync_categories=sync.sync_categories,
        hide_out_of_stock=sync.hide_out_of_stock,
    )


@dataclass
class ConnectionRuntime:
    name: str
    config: ConnectionConfig
    woo: WooClient
    backend: Backend
    ctx: SyncContext

    @property
    def catalog(self) -> CatalogSync:
        return CatalogSync(self.ctx)

    @property
    def stock(self) -> StockSync:
        return StockSync(self.ctx)

    async def aclose(self) -> None:
        await self.woo.aclose()
        await self.backend.aclose()


def build_connection(
    name: str, config: ConnectionConfig, store: StateStore, bus: EventBus
) -> ConnectionRuntime:
    woo = woo_client(config)
    backend = create_backend(config.backend.type, config.backend.adapter_settings())
    location = getattr(config.backend, "warehouse", None)
    ctx = SyncContext(
        connection=name,
        store=store,
        woo=woo,
        backend=backend,
        bus=bus,
        prefs=preferences(config),
        stock_location_id=location,
    )
    return ConnectionRuntime(name, config, woo, backend, ctx)
