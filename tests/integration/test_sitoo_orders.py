"""WooCommerce orders become exactly one Sitoo order, over loopback: the
store-derived externalid is looked up before each POST, a timeout after Sitoo
stored the order never books it twice, and a cancellation cancels (Sitoo has
no delete)."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest

from engine.store import OutboxState
from sandbox import sitoo

from .orders_harness import next_second, wait_until
from .sitoo_orders_harness import sandboxes, sitoo_world

pytestmark = pytest.mark.timeout(90)


@pytest.fixture
def servers():
    with sandboxes() as running:
        yield running


async def _arrived(world, order_id: int, state: OutboxState | None = None) -> None:
    async def check() -> bool:
        entry = await world.entry(order_id)
        return entry is not None and (state is None or entry.state is state)

    await wait_until(check)


def _gross(order: dict) -> Decimal:
    return sum(
        (Decimal(i.get("moneyrowprice", "0")) - Decimal(i.get("moneyrowdiscount", "0"))
         for i in order["orderitems"]),
        Decimal(0),
    )  # fmt: skip


async def test_a_completed_order_is_one_sitoo_order_with_woo_totals(servers, tmp_path) -> None:
    async with sitoo_world(servers, tmp_path) as world:
        order = world.place()
        await _arrived(world, order["id"])
        report = await world.worker.drain()
        assert (report.booked, report.failed, report.held) == (1, 0, 0), report
        (booked,) = world.orders()
        entry = await world.entry(order["id"])
        assert booked["externalid"].startswith("WC-") and booked["externalid"].endswith(
            f"-{order['id']}-0"
        )
        assert entry.state is OutboxState.DONE and entry.backoffice_ref == str(booked["orderid"])
        assert _gross(booked) == Decimal(order["total"])
        assert booked["payments"] == [{"name": "Bank transfer", "moneyamount": order["total"]}]
        skus = [i["sku"] for i in booked["orderitems"] if i["orderitemtype"] == 10]
        assert skus == [line["sku"] for line in order["line_items"]]
        assert booked["orderstateid"] == 10 and booked["warehouseid"] == sitoo.WAREHOUSE_STORE
        for _ in range(2):
            await world.worker.drain()
        assert len(world.orders()) == 1


async def test_a_timeout_after_sitoo_stored_the_order_does_not_duplicate_it(
    servers, tmp_path
) -> None:
    servers.sitoo.knobs.commit_then_hang = 1
    servers.sitoo.knobs.hang_seconds = 3.0  # beyond the adapter's 1 s timeout
    async with sitoo_world(servers, tmp_path) as world:
        order = world.place()
        await _arrived(world, order["id"])
        first = await world.worker.drain()
        assert first.booked == 0 and len(world.orders()) == 1  # stored, answer lost

        async def booked() -> bool:
            await world.worker.drain()
            entry = await world.entry(order["id"])
            return entry.state is OutboxState.DONE

        await wait_until(booked, within=20)
        assert len(world.orders()) == 1
        posts = world.sb.requests_to("POST", "/orders.json")
        assert posts == 1  # the retry found it by externalid instead of posting again


async def test_an_order_the_plugin_booked_as_wc_id_is_not_booked_again(servers, tmp_path) -> None:
    async with sitoo_world(servers, tmp_path) as world:
        order = world.place(status="processing")
        with world.sb.lock:
            sitoo.orders.create_order(
                world.sb, 1, {"ordertypeid": 10, "externalid": f"wc-{order['id']}"}
            )
        world.woo.set_order_status(order["id"], "completed")
        await _arrived(world, order["id"])

        async def settled() -> bool:
            await world.worker.drain()
            entry = await world.entry(order["id"])
            return entry.state is OutboxState.DONE

        await wait_until(settled, within=10)
        assert len(world.orders()) == 1


async def test_cancelled_after_booking_sets_the_sitoo_order_cancelled_once(
    servers, tmp_path
) -> None:
    async with sitoo_world(servers, tmp_path) as world:
        order = world.place()
        await _arrived(world, order["id"])
        assert (await world.worker.drain()).booked == 1
        await next_second(SimpleNamespace(sb=world.woo))  # a later revision than our write-back
        world.woo.set_order_status(order["id"], "cancelled")

        async def voided() -> bool:
            await world.worker.drain()
            entry = await world.entry(order["id"])
            return entry.state is OutboxState.VOIDED

        await wait_until(voided, within=10)
        (booked,) = world.orders()
        assert booked["orderstateid"] == 20
        puts = world.sb.requests_to("PUT", "}.json")
        for _ in range(2):
            await world.worker.drain()
        assert world.sb.requests_to("PUT", "}.json") == puts == 1
