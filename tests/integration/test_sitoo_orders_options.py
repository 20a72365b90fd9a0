"""Click & Collect, regular orders switched off, and "deliver after sync", over loopback."""

from __future__ import annotations

import pytest

from engine.store import OutboxState
from sandbox import sitoo

from .orders_harness import wait_until
from .sitoo_orders_harness import sandboxes, sitoo_world

pytestmark = pytest.mark.timeout(90)

CAC = {
    "cac_shipping_method": "flat_rate",  # the WooCommerce sandbox's one shipping method
    "cac_warehouse_id": str(sitoo.WAREHOUSE_STORE),
    "warehouse_id": str(sitoo.WAREHOUSE_WEB),
    "regular_orders": False,
}


@pytest.fixture
def servers():
    with sandboxes() as running:
        yield running


async def _settled(world, order_id: int, state: OutboxState) -> None:
    async def check() -> bool:
        await world.worker.drain()
        entry = await world.entry(order_id)
        return entry is not None and entry.state is state

    await wait_until(check, within=10)


async def test_click_and_collect_goes_open_to_the_pickup_warehouse_regular_ones_stay(
    servers, tmp_path
) -> None:
    async with sitoo_world(servers, tmp_path, **CAC) as world:
        pickup = world.place(shipping_total="0.00")
        regular = world.place()
        await _settled(world, pickup["id"], OutboxState.DONE)
        await _settled(world, regular["id"], OutboxState.SKIPPED)
        (booked,) = world.orders()
        assert booked["externalid"].endswith(f"-{pickup['id']}-0")
        assert booked["orderstateid"] == 0  # open: collected later
        assert booked["warehouseid"] == sitoo.WAREHOUSE_STORE
        entry = await world.entry(regular["id"])
        assert "regular orders don't go to Sitoo" in entry.last_error


async def test_deliver_after_sync_delivers_every_product_row(servers, tmp_path) -> None:
    async with sitoo_world(servers, tmp_path, deliver_after_sync=True, close_orders=False) as world:
        order = world.place()
        await _settled(world, order["id"], OutboxState.DONE)
        (booked,) = world.orders()
        (delivery,) = world.sb.deliveries[booked["orderid"]]
        delivered = {d["orderitemid"]: d["quantity"] for d in delivery["orderdeliveryitems"]}
        products = [i for i in booked["orderitems"] if i["orderitemtype"] == 10]
        assert delivered == {i["orderitemid"]: i["quantity"] for i in products}
        await world.worker.drain()
        assert len(world.sb.deliveries[booked["orderid"]]) == 1


async def test_click_and_collect_books_at_its_own_status(servers, tmp_path) -> None:
    """cac_status = processing: a pick-up order goes at processing; a regular one at
    processing still waits for the connection's trigger status (completed)."""
    settings = CAC | {"regular_orders": True, "cac_status": "processing"}
    async with sitoo_world(servers, tmp_path, **settings) as world:
        pickup = world.place(status="processing", shipping_total="0.00")
        regular = world.place(status="processing")
        await _settled(world, pickup["id"], OutboxState.DONE)

        async def regular_looked_at() -> bool:  # its webhook may land after the pick-up's
            await world.worker.drain()
            entry = await world.entry(regular["id"])
            return entry is not None and entry.last_error is not None

        await wait_until(regular_looked_at, within=10)
        entry = await world.entry(regular["id"])
        assert entry.state is not OutboxState.DONE
        assert "waits for status 'completed' (now 'processing')" in (entry.last_error or "")
        (booked,) = world.orders()
        assert booked["externalid"].endswith(f"-{pickup['id']}-0")
