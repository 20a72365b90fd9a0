"""Products: linked, skipped and not-in-shop lists, search, resync, unlink, dry run."""

from __future__ import annotations

from textual.widgets import Tabs

from tests.tui.pilot import settle
from tests.tui.seed import CONNECTION
from tui.modals.catalog_diff import CatalogDiffModal
from tui.modals.confirm import ConfirmModal
from tui.widgets.product_table import ProductTable


async def open_products(pilot) -> ProductTable:
    await settle(pilot)
    await pilot.press("5")
    await settle(pilot)
    return pilot.app.screen.query_one(ProductTable)


async def test_search_by_sku(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        table = await open_products(pilot)
        assert len(table.rows_shown) == 10
        await pilot.press("slash", *"000003")
        await settle(pilot)
        assert [row.sku for row in table.rows_shown] == ["WC-000003"]


async def test_skipped_shows_the_reason_and_can_be_tried_again(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        table = await open_products(pilot)
        app.screen.query_one(Tabs).active = "view-skipped"
        await settle(pilot)
        assert [(r.sku, r.detail) for r in table.rows_shown] == [
            ("KB-0099", "no price in the webshop price group")
        ]
        table.focus()
        await pilot.press("c")
        await settle(pilot)
        assert await app.call(app.engine.store.skipped.count(connection=CONNECTION)) == 0


async def test_unlink_asks_then_forgets_the_link(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        table = await open_products(pilot)
        row = table.selected
        await pilot.press("u")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        app.screen.query_one("#confirm").press()
        await settle(pilot)
        links = app.engine.store.links
        assert (
            await app.call(
                links.get_by_backoffice_id("product", row.backoffice_id, connection=CONNECTION)
            )
            is None
        )
        assert len(table.rows_shown) == 9


async def test_dry_run_lists_what_the_next_run_creates(make_app, shop) -> None:
    app = make_app(start_engine=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_products(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, CatalogDiffModal)
        created = {e.key for e in app.screen.diff.of("create", "product")}
        assert created  # read from KORONA, not yet in the shop:
        assert all(shop.korona.product(sku)["number"] == sku for sku in created)
        await pilot.press("escape")
        app.screen.query_one(Tabs).active = "view-unlinked"
        await settle(pilot)
        assert {row.sku for row in app.screen.query_one(ProductTable).rows_shown} == created


async def test_create_one_product_now(make_app, shop) -> None:
    app = make_app(start_engine=True)
    async with app.run_test(size=(80, 24)) as pilot:
        table = await open_products(pilot)
        await pilot.press("d")
        await settle(pilot)
        await pilot.press("escape")
        app.screen.query_one(Tabs).active = "view-unlinked"
        await settle(pilot)
        table.focus()
        sku = table.selected.sku
        await pilot.press("r")
        await settle(pilot)
        in_shop = [p for p in shop.woo.products.values() if p.get("sku") == sku]
        assert len(in_shop) == 1  # created over HTTP in the Woo sandbox
        links = await app.call(
            app.engine.store.links.get_by_sku(sku, kind="product", connection=CONNECTION)
        )
        assert [link.woo_id for link in links] == [in_shop[0]["id"]]


async def test_names_are_shown_and_searched(make_app, shop) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        table = await open_products(pilot)
        woo_names = {p["id"]: p["name"] for p in shop.woo.products.values()}
        assert [row.name for row in table.rows_shown] == [
            woo_names[r.woo_id] for r in table.rows_shown
        ]
        wanted = table.rows_shown[3]
        word = max(wanted.name.split(), key=len)  # a word of its name, not its SKU
        await pilot.press("slash", *word.lower())
        await settle(pilot)
        assert wanted in table.rows_shown
        assert all(word.lower() in row.name.lower() for row in table.rows_shown)


async def test_a_catalog_run_remembers_the_names_it_writes(make_app, shop) -> None:
    app = make_app(start_engine=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await app.call(app.engine.run_job("catalog", CONNECTION))
        table = await open_products(pilot)
        seeded = {str(1000 + i) for i in range(len(shop.woo.products))}
        written = [row for row in table.rows_shown if row.backoffice_id not in seeded]
        assert written  # the run created and linked the back office's products
        assert all(row.name == shop.korona.product(row.sku)["name"] for row in written)
