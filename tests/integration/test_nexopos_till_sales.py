"""Sales rung up at the NexoPOS till become WooCommerce orders exactly once, and their
webhook is not booked back into NexoPOS (both sandboxes over loopback)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from engine.store.links import Link
from engine.sync.pos_sales import POS_SALE, POS_SALE_META, PosSalesImport, PosSalesSettings
from sandbox.nexopos import ids

from .nexopos_harness import sandboxes
from .orders_harness import wait_until
from .test_nexopos_orders import nexo_world

pytestmark = pytest.mark.timeout(60)
SETTINGS = PosSalesSettings(shipping_method_id="flat_rate", payment_method="bacs")


@pytest.fixture
def servers():
    with sandboxes(products=6) as running:
        yield running


def _ring_up(servers, quick: bool = True) -> dict:
    """A cashier sells one catalogue product (and a gift wrap without one) at the till."""
    nexo = servers.nexo
    product = next(p for p in nexo.products.values() if p["sku"] == "NX-00003")
    row = nexo.quantities_of(product["id"])[0]
    lines = [{"product_id": product["id"], "unit_quantity_id": row["id"], "quantity": 1,
              "unit_price": 4}]  # fmt: skip
    if quick:
        lines.append({"name": "Gift wrap", "quantity": 1, "unit_price": 2})
    payments = [{"identifier": "cash-payment", "value": 6}]
    body = {"customer_id": ids.WALK_IN_CUSTOMER, "type": {"identifier": "takeaway"},
            "products": lines, "payments": payments}  # fmt: skip
    headers = {"Authorization": f"Bearer {ids.TOKEN}", "Accept": "application/json"}
    answer = httpx.post(f"{servers.nexo_server.url}/api/orders", json=body, headers=headers)
    return answer.json()["data"]["order"]


def _imported(servers, sale_id: int) -> list[dict]:
    with servers.woo.lock:
        return [
            o for o in servers.woo.orders.values()
            if any(m["key"] == POS_SALE_META and str(m["value"]) == str(sale_id)
                   for m in o.get("meta_data") or [])
        ]  # fmt: skip


async def test_a_till_sale_becomes_one_shop_order_and_is_not_booked_back(
    servers, tmp_path: Path
) -> None:
    async with nexo_world(servers, tmp_path, import_till_sales=True) as world:
        job = PosSalesImport(world.ctx, SETTINGS)
        assert (await job.run()).imported == 0  # the first run marks where sales start
        sale = _ring_up(servers)
        report = await job.run()
        assert (report.imported, report.quick_lines) == (1, 1)
        (order,) = _imported(servers, sale["id"])
        assert order["status"] == "completed"
        sku_of = {p["id"]: p["sku"] for p in servers.woo.products.values()}
        assert [sku_of[i["product_id"]] for i in order["line_items"]] == ["NX-00003"]
        assert [f["name"] for f in order["fee_lines"]] == [
            "Gift wrap (sold in store, no shop product)"
        ]
        # the gateway and shipping method the NexoPOS connection names win over the defaults
        assert order["shipping_lines"][0]["method_id"] == "local_pickup"
        assert order["payment_method"] == "cod"
        assert (await job.run()).imported == 0  # once
        await world.arrived(order["id"])  # its webhook reaches the orders job
        await world.worker.drain()
        assert len(servers.nexo.sales()) == 1  # linked to the till sale, not booked back
        history = await world.ctx.store.outbox.history(order["id"])
        assert "receipt number in WooCommerce" in history[-1].detail

        async def linked() -> bool:
            entry = await world.entry(order["id"])
            return entry is not None and entry.backoffice_ref == sale["code"]

        await wait_until(linked)


async def test_the_shops_own_orders_are_not_imported(servers, tmp_path: Path) -> None:
    async with nexo_world(servers, tmp_path, import_till_sales=True) as world:
        job = PosSalesImport(world.ctx, SETTINGS)
        await job.run()
        placed = world.place()
        await world.arrived(placed["id"])
        assert (await world.worker.drain()).booked == 1
        before = len(servers.woo.orders)
        assert (await job.run()).imported == 0
        assert len(servers.woo.orders) == before


async def test_a_claim_without_its_order_id_is_settled_by_looking_not_by_creating(
    servers, tmp_path: Path
) -> None:
    async with nexo_world(servers, tmp_path, import_till_sales=True) as world:
        job = PosSalesImport(world.ctx, SETTINGS)
        await job.run()
        sale = _ring_up(servers, quick=False)
        # a crash after the shop created the order, before its id was recorded
        claim = Link(POS_SALE, str(sale["id"]), 0, sale["code"], datetime.now(UTC).isoformat())
        await world.ctx.store.links.upsert(claim)
        await world.ctx.woo.post("orders", {"status": "completed", "meta_data": [
            {"key": POS_SALE_META, "value": str(sale["id"])}]})  # fmt: skip
        report = await job.run()
        assert (report.imported, report.already) == (0, 1)
        assert len(_imported(servers, sale["id"])) == 1


async def test_the_orders_poll_imports_till_sales_only_when_asked(servers, tmp_path: Path) -> None:
    from engine.sync.orders import OrderPoll

    async with nexo_world(servers, tmp_path) as world:  # import_till_sales is off
        await OrderPoll(world.ctx, world.intake).run()
        _ring_up(servers)
        before = world.ctx.backend.stats.total
        await OrderPoll(world.ctx, world.intake).run()
        assert world.ctx.backend.stats.total == before  # not a single NexoPOS request
        assert not any(_imported(servers, s["id"]) for s in servers.nexo.sales())
    async with nexo_world(servers, tmp_path / "on", import_till_sales=True) as world:
        await OrderPoll(world.ctx, world.intake).run()  # marks where till sales start
        sale = _ring_up(servers)
        report = await OrderPoll(world.ctx, world.intake).run()
        assert len(_imported(servers, sale["id"])) == 1 and report.new == 0
