"""Set up a service's state file the way an admin would before the first start:
mappings imported and, for the order scenarios, the catalog synced once."""

from __future__ import annotations

from typing import Any

from engine.backends.korona import KoronaBackend, KoronaSettings
from engine.events import EventBus
from engine.store import MappingKind, StateStore
from engine.sync.catalog import CatalogSync
from engine.sync.context import SyncContext
from engine.sync.woo_fields import CatalogPreferences
from engine.woo import WooClient
from sandbox import korona as kor
from tests.reliability.service import CONNECTION, KORONA_PASSWORD, WOO_KEY, WOO_SECRET, Service

__all__ = ["seed_catalog_and_mappings"]

TAX_CLASSES = {
    kor.SECTOR_STANDARD_ID: "",
    kor.SECTOR_REDUCED_ID: "reduced-rate",
    kor.SECTOR_FREE_ID: "zero-rate",
}
PAYMENTS = {"bacs": kor.PAYMENT_WEBSHOP_ID, "cod": kor.PAYMENT_CASH_ID}


def _backend(shop: Any) -> KoronaBackend:
    return KoronaBackend(
        KoronaSettings(
            base_url=f"{shop.korona_server.url}{kor.API_BASE}",
            account_id=kor.DEFAULT_ACCOUNT_ID,
            user=kor.DEFAULT_USER,
            password=KORONA_PASSWORD,
            price_group=kor.PRICE_GROUP_WEBSHOP_ID,
            warehouse_id=kor.ORG_WAREHOUSE_ID,
            point_of_sale_id=kor.POS_WEBSHOP_ID,
        )
    )


async def seed_catalog_and_mappings(service: Service, shop: Any, *, catalog: bool) -> None:
    """Mappings for ``CONNECTION``; with ``catalog`` the shop is filled and linked first."""
    async with StateStore.open(service.state_db) as store:
        for source, target in TAX_CLASSES.items():
            await store.mappings.set(MappingKind.TAX_CLASS, source, target, connection=CONNECTION)
        for gateway, method in PAYMENTS.items():
            await store.mappings.set(MappingKind.PAYMENT, gateway, method, connection=CONNECTION)
        if not catalog:
            return
        backend = _backend(shop)
        woo = WooClient(shop.woo_server.url, WOO_KEY, WOO_SECRET)
        ctx = SyncContext(
            connection=CONNECTION,
            store=store,
            woo=woo,
            backend=backend,
            bus=EventBus(),
            prefs=CatalogPreferences(new_products_status="publish"),
            stock_location_id=kor.ORG_WAREHOUSE_ID,
        )
        try:
            report = await CatalogSync(ctx).run()
            assert report.totals.written > 0 and report.totals.failed == 0
        finally:
            await woo.aclose()
            await backend.aclose()
