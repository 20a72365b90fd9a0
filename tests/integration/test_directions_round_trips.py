"""Products both ways, and echo suppression (issue 15: direction per entity).

The writable minimal back office (tests/fixtures/minimal_backend/two_way.py)
and a real WooCommerce sandbox on loopback: an edit made on one side is
written to the other by the catalog job, and tillsync's own write coming
back (the shop's bumped ``date_modified``, the back office's new revision)
writes nothing.  Twenty round trips end with zero extra writes.
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType

import pytest

from engine.events import EventBus
from engine.model import Money
from engine.store import StateStore
from engine.sync.catalog import CatalogSync
from engine.sync.context import SyncContext
from engine.sync.directions import Direction, Directions, Side
from engine.sync.stock import StockSync
from engine.sync.woo_fields import CatalogPreferences
from engine.woo import WooClient
from sandbox.server import RunningServer
from sandbox.woocommerce import WooSandbox
from tests.integration.engine_harness import FIXTURE, running_woo
from tests.integration.orders_harness import ShiftedClock

WOO_KEY = "ck_round_0123456789abcdef0123456789abcdef"
WOO_SECRET = "cs_round_0123456789abcdef0123456789abcdef"
PREFS = CatalogPreferences(
    new_products_status="publish", tax_classes={"std": "", "low": "reduced-rate"}
)


@pytest.fixture
def two_way() -> Iterator[type]:
    sys.path.insert(0, str(FIXTURE))
    try:
        from minimal_backend.two_way import TwoWayBackend

        yield TwoWayBackend
    finally:
        sys.path.remove(str(FIXTURE))
        for name in [m for m in sys.modules if m.startswith("minimal_backend")]:
            sys.modules.pop(name)


@pytest.fixture
def woo() -> Iterator[tuple[WooSandbox, RunningServer]]:
    with running_woo(WOO_KEY, WOO_SECRET) as running:
        yield running


@dataclass
class Pair:
    sandbox: WooSandbox
    backend: object
    ctx: SyncContext
    admin: WooClient  # the shop admin's own edits, outside tillsync

    def woo_writes(self) -> int:
        return self.sandbox.stats.items_created + self.sandbox.stats.items_updated

    def woo_product(self, sku: str) -> dict:
        return next(p for p in self.sandbox.products.values() if p.get("sku") == sku)

    async def sync(self) -> tuple[int, int]:
        """One catalog run; returns (writes to the shop, writes to the back office)."""
        shop, office = self.woo_writes(), self.backend.writes  # type: ignore[attr-defined]
        await CatalogSync(self.ctx).run()
        return self.woo_writes() - shop, self.backend.writes - office  # type: ignore[attr-defined]

    async def sync_stock(self) -> tuple[int, int]:
        """One stock run; returns (writes to the shop, stock writes to the back office)."""
        shop, office = self.woo_writes(), self.backend.stock_writes  # type: ignore[attr-defined]
        await StockSync(self.ctx).run()
        return self.woo_writes() - shop, self.backend.stock_writes - office  # type: ignore[attr-defined]


@pytest.fixture
async def pair(two_way: type, woo, tmp_path: Path) -> AsyncIterator[Pair]:
    sandbox, server = woo
    store = await StateStore.open(tmp_path / "state.db")
    client = WooClient(server.url, WOO_KEY, WOO_SECRET)
    admin = WooClient(server.url, WOO_KEY, WOO_SECRET)
    backend = two_way()
    ctx = SyncContext(
        "default", store, client, backend, EventBus(), prefs=PREFS,
        directions=Directions(products=Direction.BOTH), stock_location_id="shelf-a",
    )  # fmt: skip
    try:
        yield Pair(sandbox, backend, ctx, admin)
    finally:
        await client.aclose()
        await admin.aclose()
        await store.close()


async def test_twenty_round_trips_end_with_no_extra_write(pair: Pair) -> None:
    assert await pair.sync() == (3, 0)  # created in the shop, nothing pushed back
    assert await pair.sync() == (0, 0)
    backend = pair.backend
    for trip in range(20):
        woo_id = pair.woo_product("MIN-1")["id"]
        if trip % 2 == 0:  # the admin renames it in wp-admin
            await pair.admin.update_product(woo_id, {"name": f"Mug {trip}"})
            assert await pair.sync() == (0, 1), trip  # pushed; its echo writes nothing
            assert backend.products["m-1"].name == f"Mug {trip}"  # type: ignore[attr-defined]
        else:  # the cashier changes the price in the back office
            current = backend.products["m-1"]  # type: ignore[attr-defined]
            backend.edit(replace(current, price=Money.of(f"{10 + trip}.00", "EUR")))  # type: ignore[attr-defined]
            assert await pair.sync() == (1, 0), trip  # pulled; its echo pushes nothing
            assert pair.woo_product("MIN-1")["regular_price"] == f"{10 + trip}.00"
        assert await pair.sync() == (0, 0), trip  # no ping-pong
    assert backend.writes == 10  # type: ignore[attr-defined]
    for _ in range(3):
        assert await pair.sync() == (0, 0)


async def test_a_field_the_back_office_owns_is_not_pushed(pair: Pair) -> None:
    pair.ctx = replace(
        pair.ctx,
        directions=Directions(
            products=Direction.BOTH, truth=MappingProxyType({"regular_price": Side.BACKOFFICE})
        ),
    )
    await pair.sync()
    woo_id = pair.woo_product("MIN-2")["id"]
    await pair.admin.update_product(woo_id, {"regular_price": "99.00", "name": "Big towel"})
    assert await pair.sync() == (0, 1)
    pushed = pair.backend.products["m-2"]  # type: ignore[attr-defined]
    assert (pushed.name, pushed.price) == ("Big towel", Money.of("4.50", "EUR"))


async def test_pull_only_never_writes_to_the_back_office(pair: Pair) -> None:
    pair.ctx = replace(pair.ctx, directions=Directions())
    await pair.sync()
    woo_id = pair.woo_product("MIN-3")["id"]
    await pair.admin.update_product(woo_id, {"name": "Renamed in the shop"})
    assert await pair.sync() == (0, 0)
    assert pair.backend.products["m-3"].name == "Notebook"  # type: ignore[attr-defined]


async def test_a_full_pull_does_not_undo_a_newer_shop_edit_with_our_own_echo(pair: Pair) -> None:
    """The back office still shows what the push wrote there; that is our echo, not an edit.

    ``catalog --full --sku`` pulls without pushing first and compares with what
    the shop really holds: without the back-office memory it would put the
    pushed name back over the admin's newer one.
    """
    await pair.sync()
    woo_id = pair.woo_product("MIN-1")["id"]
    await pair.admin.update_product(woo_id, {"name": "Pushed name"})
    assert await pair.sync() == (0, 1)
    await pair.admin.update_product(woo_id, {"name": "Newer shop name"})
    await CatalogSync(pair.ctx).run(full=True, skus=["MIN-1"])
    assert pair.woo_product("MIN-1")["name"] == "Newer shop name"
    assert await pair.sync() == (0, 1)  # and the next run pushes it
    assert pair.backend.products["m-1"].name == "Newer shop name"  # type: ignore[attr-defined]


async def test_twenty_stock_round_trips_end_with_no_extra_write(pair: Pair) -> None:
    pair.ctx = replace(pair.ctx, directions=Directions(stock=Direction.BOTH))
    backend = pair.backend
    assert await pair.sync() == (3, 0)  # created with the back office's 10 each
    assert await pair.sync_stock() == (0, 0)
    for trip in range(20):
        woo_id = pair.woo_product("MIN-2")["id"]
        if trip % 2 == 0:  # counted in the shop's storeroom, typed in wp-admin
            await pair.admin.update_product(woo_id, {"stock_quantity": 20 + trip})
            assert await pair.sync_stock() == (0, 1), trip
            assert backend.stock["m-2"].quantity == 20 + trip  # type: ignore[attr-defined]
        else:  # a delivery booked in the back office
            backend.count("m-2", Decimal(30 + trip))  # type: ignore[attr-defined]
            assert await pair.sync_stock() == (1, 0), trip
            assert pair.woo_product("MIN-2")["stock_quantity"] == 30 + trip
        assert await pair.sync_stock() == (0, 0), trip  # no ping-pong
    assert backend.stock_writes == 10  # type: ignore[attr-defined]


async def test_stock_pull_only_never_writes_to_the_back_office(pair: Pair) -> None:
    await pair.sync()
    await pair.admin.update_product(pair.woo_product("MIN-1")["id"], {"stock_quantity": 3})
    assert await pair.sync_stock() == (0, 0)
    assert pair.backend.stock["m-1"].quantity == 10  # type: ignore[attr-defined]


async def test_a_sale_not_yet_booked_is_not_taken_off_the_back_office_twice(pair: Pair) -> None:
    """The shop took 2 off for an order still on its way; the back office takes them
    off when the sale is booked, so it gets the shop's figure plus those 2."""
    pair.ctx = replace(pair.ctx, directions=Directions(stock=Direction.BOTH))
    await pair.sync()
    order = {"id": 501, "status": "processing", "line_items": [{"sku": "MIN-2", "quantity": 2}]}
    await pair.ctx.store.outbox.enqueue(501, datetime(2026, 1, 1, tzinfo=UTC), order, "webhook")
    await pair.admin.update_product(pair.woo_product("MIN-2")["id"], {"stock_quantity": 8})
    assert await pair.sync_stock() == (0, 1)
    assert pair.backend.stock["m-2"].quantity == 10  # type: ignore[attr-defined]
    assert pair.woo_product("MIN-2")["stock_quantity"] == 8
    assert await pair.sync_stock() == (0, 0)


async def test_descriptions_not_synced_are_not_pushed_either(pair: Pair) -> None:
    prefs = replace(PREFS, sync_descriptions=False)
    pair.ctx = replace(pair.ctx, prefs=prefs)
    await pair.sync()
    woo_id = pair.woo_product("MIN-1")["id"]
    await pair.admin.update_product(woo_id, {"description": "Written in wp-admin"})
    assert await pair.sync() == (0, 0)
    assert pair.backend.products["m-1"].description == ""  # type: ignore[attr-defined]


async def test_push_only_pairs_by_sku_then_pushes_edits_and_never_writes_the_shop(
    pair: Pair,
) -> None:
    pair.ctx = replace(pair.ctx, directions=Directions(products=Direction.PUSH))
    for sku, name in (("MIN-1", "Mug as the shop sells it"), ("MIN-2", "Towel")):
        await pair.admin.create_product({"sku": sku, "name": name, "regular_price": "5.00"})
    assert await pair.sync() == (0, 0)  # paired by SKU, nothing written anywhere
    assert await pair.ctx.store.links.count("product") == 2  # MIN-3 is not in the shop
    woo_id = pair.woo_product("MIN-1")["id"]
    await pair.admin.update_product(woo_id, {"regular_price": "6.50"})
    assert await pair.sync() == (0, 1)
    assert pair.backend.products["m-1"].price == Money.of("6.50", "EUR")  # type: ignore[attr-defined]
    assert pair.backend.products["m-1"].name == "Plain mug"  # type: ignore[attr-defined]
    mug = pair.backend.products["m-1"]  # type: ignore[attr-defined]
    pair.backend.edit(replace(mug, name="Renamed at the till"))  # type: ignore[attr-defined]
    assert await pair.sync() == (0, 0)  # push only: the shop is never written


async def test_a_field_the_shop_owns_is_not_pulled(pair: Pair) -> None:
    truth = MappingProxyType({"name": Side.WOOCOMMERCE})
    pair.ctx = replace(pair.ctx, directions=Directions(products=Direction.BOTH, truth=truth))
    await pair.sync()
    mug = pair.backend.products["m-1"]  # type: ignore[attr-defined]
    pair.backend.edit(replace(mug, name="Till name", price=Money.of("11.00", "EUR")))  # type: ignore[attr-defined]
    assert await pair.sync() == (1, 0)  # the price, not the name
    shop = pair.woo_product("MIN-1")
    assert (shop["name"], shop["regular_price"]) == ("Plain mug", "11.00")
    assert await pair.sync() == (0, 0)


async def test_a_shop_clock_behind_ours_loses_no_edit(pair: Pair) -> None:
    """The push's cursor follows the shop's own dates, not our clock."""
    pair.sandbox.clock = ShiftedClock(pair.sandbox.clock.utc_offset_seconds, -600)
    await pair.sync()
    await pair.sync()  # the cursor is set
    woo_id = pair.woo_product("MIN-2")["id"]
    await pair.admin.update_product(woo_id, {"name": "Edited ten minutes 'ago'"})
    assert await pair.sync() == (0, 1)
    assert pair.backend.products["m-2"].name == "Edited ten minutes 'ago'"  # type: ignore[attr-defined]
