"""Sitoo → WooCommerce orders: a Store2Door order (its deliveries don't cover all
its items) is created in WooCommerce once, keyed by its Sitoo order id, with the
configured status; fully delivered ones and our own WC- orders are not; the
created order is never booked back into Sitoo."""

from __future__ import annotations

import pytest

from engine.sync.orders import OrderPoll
from engine.sync.orders.writeback import RECEIPT_META
from sandbox import sitoo

from .orders_harness import wait_until
from .sitoo_orders_harness import sandboxes, sitoo_world

pytestmark = pytest.mark.timeout(90)


@pytest.fixture
def servers():
    with sandboxes() as running:
        yield running


def _pos_order(sb, sku: str, **extra) -> int:
    body = {"ordertypeid": 10, "currencycode": "SEK", "email": "kim@example.com",
            "namefirst": "Kim", "warehouseid": sitoo.WAREHOUSE_STORE,
            "orderitems": [{"orderitemtype": 10, "productname": "Article", "sku": sku,
                            "quantity": 2, "moneyrowprice": "250.00", "vatvalue": 25}],
            **extra}  # fmt: skip
    with sb.lock:
        return sitoo.orders.create_order(sb, sitoo.ESHOP_ID, body)


def _woo_orders_from_sitoo(woo) -> list[dict]:
    with woo.lock:
        return [
            o for o in woo.orders.values()
            if any(m.get("key") == RECEIPT_META for m in o.get("meta_data", []))
            and o.get("created_via") == "rest-api"
        ]  # fmt: skip


async def test_store2door_orders_come_down_once_and_never_go_back(servers, tmp_path) -> None:
    settings = {"import_orders": "store2door", "store2door_status": "processing"}
    async with sitoo_world(servers, tmp_path, **settings) as world:
        sb, woo = world.sb, world.woo
        sku = woo.products[world.products[0]]["sku"]
        waiting = _pos_order(sb, sku)
        delivered = _pos_order(sb, sku)
        with sb.lock:
            item = sb.orders[delivered]["orderitems"][0]["orderitemid"]
            sitoo.orders.deliver(sb, sb.orders[delivered], {
                "warehouseid": sitoo.WAREHOUSE_STORE,
                "orderdeliveryitems": [{"orderitemid": item, "quantity": 2}],
            })  # fmt: skip
        _pos_order(sb, sku, externalid="WC-abc-77-0")  # one of ours
        sitoo_orders = len(world.orders())
        for _ in range(2):
            await OrderPoll(world.ctx, world.intake).run()
        (created,) = _woo_orders_from_sitoo(woo)
        meta = {m["key"]: m["value"] for m in created["meta_data"]}
        assert meta[RECEIPT_META] == str(waiting)
        assert created["status"] == "processing"
        assert [li["sku"] for li in created["line_items"]] == [sku]
        assert created["line_items"][0]["quantity"] == 2

        woo.set_order_status(created["id"], "completed")  # the status that books orders

        async def settled() -> bool:
            await world.worker.drain()
            entry = await world.entry(created["id"])
            return entry is not None and entry.state.value == "done"

        await wait_until(settled, within=10)
        assert len(world.orders()) == sitoo_orders  # nothing booked back into Sitoo
