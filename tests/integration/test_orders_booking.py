"""Completed WooCommerce orders become exactly one KORONA receipt, over loopback."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from engine.store import MappingKind, OutboxState
from engine.sync.orders import RECEIPT_META, OrderPoll
from engine.webhooks import webhook_signature
from sandbox import korona as kor

from .orders_harness import World, next_second, order_world, sandboxes, wait_until

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def servers():
    with sandboxes() as running:
        yield running


async def arrived(world: World, order_id: int, state: OutboxState | None = None) -> None:
    async def check() -> bool:
        entry = await world.entry(order_id)
        return entry is not None and (state is None or entry.state is state)

    await wait_until(check)


def _gross(receipt: dict) -> Decimal:
    return sum((Decimal(str(i["total"]["gross"])) for i in receipt["items"]), Decimal(0))


async def test_completed_order_books_one_receipt_with_woo_totals(servers, tmp_path: Path) -> None:
    async with order_world(servers, tmp_path) as world:
        order = world.place(payment="bacs", status="completed", customer_note="ring twice")
        await arrived(world, order["id"])
        report = await world.worker.drain()
        assert (report.booked, report.failed, report.held) == (1, 0, 0), report
        sales = world.sales()
        assert len(sales) == world.receipts_before + 1
        receipt = sales[-1]
        assert receipt["orderNumber"] == order["number"]
        assert _gross(receipt) == Decimal(order["total"])
        (payment,) = receipt["payments"]
        assert Decimal(str(payment["amount"])) == Decimal(order["total"])
        assert payment["paymentMethod"]["id"] == kor.PAYMENT_WEBSHOP_ID  # the store mapping
        refs = receipt["externalReferences"]
        assert refs["customer-email"] == order["billing"]["email"]
        assert refs["woocommerce-order-id"] == str(order["id"])
        skus = [i["product"]["number"] for i in receipt["items"]]
        assert skus == [line["sku"] for line in order["line_items"]]
        entry = await world.entry(order["id"])
        assert entry.state is OutboxState.DONE and entry.backoffice_ref == receipt["number"]
        assert await world.ctx.store.outbox.pending_quantities_by_sku() == {}


async def test_write_back_sets_meta_and_note_and_its_webhook_books_nothing(
    servers, tmp_path: Path
) -> None:
    async with order_world(servers, tmp_path) as world:
        order = world.place(status="completed")
        await arrived(world, order["id"])
        await next_second(world)  # the write-back then carries a newer date_modified
        report = await world.worker.drain()
        assert (report.booked, report.written_back) == (1, 1)
        woo_order = world.sb.orders[order["id"]]
        meta = {m["key"]: m["value"] for m in woo_order["meta_data"]}
        number = world.sales()[-1]["number"]
        assert meta[RECEIPT_META] == number
        notes = [n["note"] for n in world.sb.order_notes[order["id"]]]
        assert any(number in n and "Direct bank transfer (bacs)" in n for n in notes)

        async def revised() -> bool:
            entry = await world.entry(order["id"])
            return entry.modified_gmt > entry.claimed_modified_gmt

        await wait_until(revised)  # the webhook our own write caused
        again = await world.worker.drain()
        assert (again.booked, again.acknowledged, again.marked_for_void) == (0, 1, 0)
        entry = await world.entry(order["id"])
        assert entry.state is OutboxState.DONE and not entry.revised_after_booking
        assert len(world.sales()) == world.receipts_before + 1
        assert await world.worker.drain() == type(again)()  # nothing left to do


async def test_duplicate_deliveries_and_polls_book_once(servers, tmp_path: Path) -> None:
    async with order_world(servers, tmp_path) as world:
        order = world.place(status="completed")
        await arrived(world, order["id"])
        body = json.dumps(_rest_order(world, order["id"])).encode()
        headers = {
            "content-type": "application/json",
            "x-wc-webhook-topic": "order.updated",
            "x-wc-webhook-signature": webhook_signature(body, world.secret.encode()),
        }
        async with httpx.AsyncClient() as client:
            answers = [
                (await client.post(world.hook_url, content=body, headers=headers)).text
                for _ in range(3)
            ]
        assert answers == ["duplicate"] * 3
        poll = await OrderPoll(world.ctx, world.intake).run()
        assert (poll.read, poll.new) == (1, 0)
        await world.worker.drain()
        await world.worker.drain()
        assert len(world.sales()) == world.receipts_before + 1
        history = await world.ctx.store.outbox.history(order["id"])
        assert [t.to_state for t in history].count(OutboxState.DONE) == 1


def _rest_order(world: World, order_id: int) -> dict:
    from sandbox.woocommerce.order_view import render_order

    with world.sb.lock:
        return render_order(world.sb, world.sb.orders[order_id], world.sb.site_for())


async def test_processing_order_waits_then_books_when_completed(servers, tmp_path: Path) -> None:
    async with order_world(servers, tmp_path) as world:
        order = world.place(status="processing")
        await arrived(world, order["id"])
        report = await world.worker.drain()
        assert (report.waiting, report.booked) == (1, 0)
        assert len(world.sales()) == world.receipts_before
        pending = await world.ctx.store.outbox.pending_quantities_by_sku()
        assert pending == {li["sku"]: Decimal(li["quantity"]) for li in order["line_items"]}
        await next_second(world)
        world.sb.set_order_status(order["id"], "completed")
        await arrived(world, order["id"], OutboxState.WAITING)  # the newer revision re-opens it
        report = await world.worker.drain()
        assert report.booked == 1
        assert len(world.sales()) == world.receipts_before + 1
        assert await world.ctx.store.outbox.pending_quantities_by_sku() == {}


async def test_shipping_is_booked_as_its_own_item(servers, tmp_path: Path) -> None:
    async with order_world(servers, tmp_path, shipping_product="10001") as world:
        order = world.place(status="completed", shipping_total="4.90")
        assert Decimal(order["shipping_total"]) == Decimal("4.90")
        await arrived(world, order["id"])
        assert (await world.worker.drain()).booked == 1
        receipt = world.sales()[-1]
        shipping = [i for i in receipt["items"] if i["description"] == "Shipping"]
        assert len(shipping) == 1
        expected = Decimal(order["shipping_total"]) + Decimal(order["shipping_tax"])
        assert Decimal(str(shipping[0]["total"]["gross"])) == expected
        assert _gross(receipt) == Decimal(order["total"])


async def test_each_gateway_books_its_mapped_payment_method_and_status_map(
    servers, tmp_path: Path
) -> None:
    async with order_world(servers, tmp_path) as world:
        await world.ctx.store.mappings.set(MappingKind.ORDER_STATUS, "completed", "FINISHED")
        order = world.place(payment="cod", status="completed")
        await arrived(world, order["id"])
        assert (await world.worker.drain()).booked == 1
        (payment,) = world.sales()[-1]["payments"]
        assert payment["paymentMethod"]["id"] == kor.PAYMENT_CASH_ID
        history = await world.ctx.store.outbox.history(order["id"])
        assert history[-1].detail.endswith("(back-office state FINISHED)")
