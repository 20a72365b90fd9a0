"""The debugger explains: a refused sale names its line, links to the product, and a
retry or release says how it ended (toast, "Needs a look", the log).

Real flow over loopback: the catalog job links KORONA's products, staff delete one
in the KORONA sandbox, a shopper buys it in the WooCommerce sandbox, the poll
brings the order in and the worker's sale is refused.
"""

from __future__ import annotations

from textual.widgets import OptionList

from engine.store import MappingKind, OutboxState
from sandbox import korona as kor
from tests.tui.pilot import settle, until, until_async
from tests.tui.seed import CONNECTION
from tui.screens.orders import OrdersScreen
from tui.screens.products import ProductsScreen
from tui.widgets.product_table import ProductTable


async def deleted_product_order(app, shop) -> tuple[int, str, str]:
    """A booked-to-fail order: (woo order id, SKU, product name) of the deleted product."""
    engine = app.engine
    await app.call(engine.run_job("catalog", CONNECTION))
    link = (await app.call(_real_links(engine)))[0]
    publish(shop, link.woo_id)
    shop.korona.delete(link.sku)  # staff delete it in the back office
    order = shop.woo.place_order([(link.woo_id, 1)], payment_method="cod", status="processing")
    shop.woo.set_order_status(order["id"], "completed")
    await app.call(engine.run_job("orders_poll", CONNECTION))
    await _until_state(app, order["id"], OutboxState.FAILED)
    return order["id"], link.sku, link.name


async def _state(app, order: int) -> OutboxState | None:
    entry = await app.call(app.engine.store.outbox.get(order, connection=CONNECTION))
    return None if entry is None else entry.state


async def _until_state(app, order: int, state: OutboxState, within: float = 30.0) -> None:
    import asyncio
    import time

    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if await _state(app, order) is state:
            return
        await asyncio.sleep(0.05)
    raise TimeoutError(f"order {order} never reached {state}")


def toasts(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def test_a_refused_sale_names_its_line_and_links_to_the_product(make_app, shop) -> None:
    app = make_app(start_engine=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        order, sku, name = await deleted_product_order(app, shop)
        await pilot.press("3")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, OrdersScreen)
        screen.show_order(order)
        await until(pilot, lambda: bool(screen.detail and screen.detail.explained), within=30)
        (said,) = screen.detail.explained
        assert said.startswith(f"line 1: SKU {sku} {name!r} no longer exists in KORONA POS")
        assert "(found missing " in said
        await settle(pilot)
        await pilot.press("p")  # to the product, selected
        await until(pilot, lambda: isinstance(app.screen, ProductsScreen))
        await settle(pilot)
        table = app.screen.query_one(ProductTable)
        assert table.selected is not None and table.selected.sku == sku
        assert table.selected.detail.startswith("missing in back office (found ")
        assert table.selected.name == name


async def test_a_retry_that_fails_again_says_why_in_a_toast_and_needs_a_look(
    make_app, shop
) -> None:
    app = make_app(start_engine=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        order, sku, name = await deleted_product_order(app, shop)
        await app.retry_order(order)  # the palette's "Retry order #N", before any look
        await until(pilot, lambda: any(f"Order #{order} failed again" in t for t in toasts(app)))
        toast = next(t for t in toasts(app) if f"Order #{order} failed again" in t)
        assert f"line 1: SKU {sku} {name!r} no longer exists in KORONA POS" in toast
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        lines = app.screen.query_one("#problem-lines", OptionList)

        def shown() -> list[str]:
            return [
                str(o.prompt) for o in lines.options if (o.id or "").startswith(f"order:{order}#")
            ]

        def said_again() -> bool:  # the journal files events in its own task: reload till then
            app.screen.reload()
            return bool(shown()) and "failed again" in shown()[0]

        await until(pilot, said_again)
        assert sku in shown()[0] and "no longer exists" in shown()[0]


async def test_a_release_reports_what_booked_and_what_failed(make_app, shop) -> None:
    app = make_app(start_engine=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        engine = app.engine
        await app.call(engine.run_job("catalog", CONNECTION))
        gone, kept = (await app.call(_real_links(engine)))[:2]
        publish(shop, gone.woo_id)
        publish(shop, kept.woo_id)
        shop.korona.delete(gone.sku)
        for woo_id in (gone.woo_id, gone.woo_id, kept.woo_id):  # held: cheque is unmapped
            order = shop.woo.place_order([(woo_id, 1)], payment_method="cheque")
            shop.woo.set_order_status(order["id"], "completed")
        await app.call(engine.run_job("orders_poll", CONNECTION))
        await until_async(pilot, lambda: _count(app, OutboxState.HELD, 4))  # with the seed's
        outbox = engine.store.outbox
        held = await app.call(outbox.list_by_state(OutboxState.HELD, connection=CONNECTION))
        payment = {"cheque": kor.PAYMENT_CASH_ID}
        await app.call(engine.save_mappings(MappingKind.PAYMENT, payment, CONNECTION))
        await pilot.press("4")
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        app.screen.query_one("#confirm").press()
        await until(pilot, lambda: any("released:" in t for t in toasts(app)), within=60)
        said = next(t for t in toasts(app) if "released:" in t)
        states = [await _state(app, e.woo_order_id) for e in held]
        booked, failed = states.count(OutboxState.DONE), states.count(OutboxState.FAILED)
        assert (booked, failed) == (1, 3)  # the kept product's order; the gone one's and seed's
        assert said == f"4 released: {booked} booked, {failed} failed (product missing)"

        async def filed() -> bool:  # the journal files events in its own task
            logged = await app.call(engine.store.events.query(job="admin", connection=CONNECTION))
            return said in [event.message for event in logged]

        await until_async(pilot, filed)


def publish(shop, woo_id: int) -> None:
    """Staff publish a product the catalog created as a draft (wp-admin)."""
    product = shop.woo.products[woo_id]
    product.update(status="publish", stock_status="instock", stock_quantity=50)


async def _real_links(engine):
    seeded = {str(1000 + i) for i in range(100)}
    return [
        link
        async for link in engine.store.links.iterate("product", connection=CONNECTION)
        if link.backoffice_id not in seeded and link.name
    ]


async def _count(app, state: OutboxState, n: int) -> bool:
    entries = await app.call(app.engine.store.outbox.list_by_state(state, connection=CONNECTION))
    return len(entries) == n


async def test_no_line_check_where_the_back_office_cannot_list_products(make_app) -> None:
    """A back office without products.read is not asked (and nothing is marked gone)."""
    from engine.backends import Capability
    from engine.runtime.views import check_order_lines

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        backend = app.engine.connection(CONNECTION).backend
        backend.capabilities = backend.capabilities - {Capability.PRODUCTS_READ}
        outbox = app.engine.store.outbox
        (failed,) = await app.call(outbox.list_by_state(OutboxState.FAILED, connection=CONNECTION))
        check = check_order_lines(app.engine, CONNECTION, [failed.woo_order_id])
        assert await app.call(check) == {failed.woo_order_id: ()}
