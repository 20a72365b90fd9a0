"""WooCommerce orders booked in NexoPOS exactly once, voided on cancel, over loopback:
WooCommerce sandbox → webhook receiver → outbox → worker → NexoPOS sandbox."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from engine.store import OutboxState
from engine.sync.catalog import CatalogSync
from sandbox.nexopos import ids

from .nexopos_harness import Servers, engine_context, sandboxes
from .orders_harness import (
    RecordingAlerts,
    buyable,
    make_worker,
    next_second,
    shop_webhooks,
    wait_until,
)

pytestmark = pytest.mark.timeout(60)


class NexoWorld:
    def __init__(self, servers: Servers, ctx, worker, intake) -> None:
        self.servers, self.ctx, self.worker, self.intake = servers, ctx, worker, intake
        self.products: list[int] = []

    @property
    def woo(self):
        return self.servers.woo

    @property
    def sb(self):  # what orders_harness.next_second moves the clock of
        return self.servers.woo

    @property
    def nexo(self):
        return self.servers.nexo

    def place(self, payment: str = "bacs", status: str = "completed", **extra: Any) -> dict:
        lines = [(self.products[0], 2), (self.products[1], 1)]
        return self.woo.place_order(lines, payment_method=payment, status=status, **extra)

    async def arrived(self, order_id: int, status: str | None = None) -> None:
        async def check() -> bool:
            entry = await self.ctx.store.outbox.get(order_id)
            return entry is not None and (
                status is None or entry.payload_data()["status"] == status
            )

        await wait_until(check)

    async def entry(self, order_id: int):
        return await self.ctx.store.outbox.get(order_id)


@asynccontextmanager
async def nexo_world(servers: Servers, tmp_path: Path, **settings: Any) -> AsyncIterator[NexoWorld]:
    async with engine_context(servers, tmp_path, **settings) as ctx:
        worker, intake = make_worker(ctx, RecordingAlerts())
        world = NexoWorld(servers, ctx, worker, intake)
        report = await CatalogSync(ctx).run()
        assert report.totals.failed == 0
        world.products = buyable(servers.woo)
        async with shop_webhooks(ctx.woo, intake):
            yield world


@pytest.fixture
def servers():
    with sandboxes(products=8) as running:
        yield running


async def test_completed_order_is_booked_once_with_units_customer_shipping_payment(
    servers, tmp_path: Path
) -> None:
    async with nexo_world(servers, tmp_path) as world:
        sku = world.woo.products[world.products[0]]["sku"]
        stock = world.nexo.stock(sku)
        order = world.place(payment="bacs", shipping_total="4.00")
        await world.arrived(order["id"])
        report = await world.worker.drain()
        assert (report.booked, report.held, report.failed) == (1, 0, 0), report
        (sale,) = world.nexo.sales()
        assert sale["title"].startswith("WC-") and sale["title"].endswith(f"-{order['id']}-0")
        assert sale["payment_status"] == "paid"
        assert Decimal(str(sale["total"])) == Decimal(order["total"])
        assert Decimal(str(sale["shipping"])) == Decimal(order["shipping_total"]) + Decimal(
            order["shipping_tax"]
        )
        assert [p["identifier"] for p in sale["payments"]] == ["bank-payment"]
        assert all(line["unit_quantity_id"] for line in sale["products"])
        assert world.nexo.stock(sku) == stock - 2
        customer = world.nexo.users[sale["customer_id"]]
        assert customer["email"] == order["billing"]["email"]
        assert customer["group_id"] == ids.GROUP_WEB  # the configured group
        entry = await world.entry(order["id"])
        assert entry.state is OutboxState.DONE and entry.backoffice_ref == sale["code"]


async def test_a_lost_answer_is_found_by_its_title_not_booked_twice(
    servers, tmp_path: Path
) -> None:
    async with nexo_world(servers, tmp_path, timeout=0.5) as world:
        order = world.place()
        await world.arrived(order["id"])
        world.nexo.knobs.answer_delay, world.nexo.knobs.delay_times = 1.5, 1
        first = await world.worker.drain()
        assert (first.failed, first.booked) == (1, 0), first  # stored, answer lost
        assert len(world.nexo.sales()) == 1
        booked = []

        async def retried() -> bool:  # the retry comes once the short backoff is over
            booked.append((await world.worker.drain()).booked)
            return sum(booked) == 1

        await wait_until(retried)
        assert len(world.nexo.sales()) == 1
        history = await world.ctx.store.outbox.history(order["id"])
        assert history[-1].detail.startswith("found already booked")


async def test_unmapped_gateway_and_unknown_sku_hold_the_order(servers, tmp_path: Path) -> None:
    async with nexo_world(servers, tmp_path) as world:
        unmapped = world.place(payment="cheque")
        await world.arrived(unmapped["id"])
        report = await world.worker.drain()
        assert (report.held, report.booked) == (1, 0)
        assert "cheque" in (await world.entry(unmapped["id"])).last_error
        with world.nexo.lock:
            product = next(p for p in world.nexo.products.values() if p["sku"] == "NX-00002")
            product["sku"] = "RENAMED"
        other = world.woo.place_order([(next(
            pid for pid in world.products if world.woo.products[pid]["sku"] == "NX-00002"
        ), 1)], payment_method="bacs", status="completed")  # fmt: skip
        await world.arrived(other["id"])
        assert (await world.worker.drain()).held == 1
        assert "NX-00002" in (await world.entry(other["id"])).last_error
        assert world.nexo.sales() == []


async def test_short_stock_holds_the_order_with_nexopos_numbers(servers, tmp_path: Path) -> None:
    async with nexo_world(servers, tmp_path) as world:
        sku = world.woo.products[world.products[0]]["sku"]
        with world.nexo.lock:
            product = next(p for p in world.nexo.products.values() if p["sku"] == sku)
            world.nexo.quantities_of(product["id"])[0]["quantity"] = 1.0
        order = world.place()
        await world.arrived(order["id"])
        assert (await world.worker.drain()).held == 1
        reason = (await world.entry(order["id"])).last_error
        assert "not enough stock" in reason and "Requested : 2, available 1" in reason


@pytest.mark.parametrize("status", ["cancelled", "refunded"])
async def test_cancel_voids_the_order_once_and_returns_its_stock(
    servers, tmp_path: Path, status: str
) -> None:
    async with nexo_world(servers, tmp_path) as world:
        sku = world.woo.products[world.products[0]]["sku"]
        stock = world.nexo.stock(sku)
        order = world.place()
        await world.arrived(order["id"])
        assert (await world.worker.drain()).booked == 1
        await next_second(world)  # a later revision than our write-back
        world.woo.set_order_status(order["id"], status)
        await world.arrived(order["id"], status)
        report = await world.worker.drain()
        assert report.voided == 1, report
        (sale,) = world.nexo.sales()
        assert sale["payment_status"] == "order_void"
        assert world.nexo.stock(sku) == stock
        for _ in range(2):
            await world.worker.drain()
        returns = [h for h in world.nexo.histories if h["action"] == "void-return"]
        assert len(returns) == 2  # one per line, once
        assert (await world.entry(order["id"])).state is OutboxState.VOIDED


async def test_refund_mode_refunds_every_line(servers, tmp_path: Path) -> None:
    async with nexo_world(servers, tmp_path, cancel_action="refund") as world:
        order = world.place()
        await world.arrived(order["id"])
        assert (await world.worker.drain()).booked == 1
        await next_second(world)
        world.woo.set_order_status(order["id"], "refunded")
        await world.arrived(order["id"], "refunded")
        assert (await world.worker.drain()).voided == 1
        (sale,) = world.nexo.sales()
        assert sale["payment_status"] == "refunded" and len(world.nexo.refunds) == 1


async def test_an_administrators_email_is_a_dead_letter_with_the_reason(
    servers, tmp_path: Path
) -> None:
    async with nexo_world(servers, tmp_path) as world:
        order = world.woo.place_order(
            [(world.products[0], 1)], status="completed", customer={"email": ids.ADMIN_EMAIL}
        )
        await world.arrived(order["id"])
        report = await world.worker.drain()
        assert (report.failed, report.booked) == (1, 0) and world.nexo.sales() == []
        entry = await world.entry(order["id"])
        assert entry.state is OutboxState.FAILED and entry.last_error_kind == "validation"
        assert "not a customer" in entry.last_error
        for text in (entry.last_request, entry.last_response, entry.last_error):
            assert ids.TOKEN not in text and ids.TOKEN.partition("|")[2] not in text
        assert "authorization: ***" in entry.last_request.lower()


async def test_a_unit_replaced_in_nexopos_is_resolved_again_not_dead_lettered(
    servers, tmp_path: Path
) -> None:
    async with nexo_world(servers, tmp_path) as world:
        first = world.place()
        await world.arrived(first["id"])
        assert (await world.worker.drain()).booked == 1  # the units are now remembered
        sku = world.woo.products[world.products[0]]["sku"]
        with world.nexo.lock:  # staff rebuild the product's units: new ids
            product = next(p for p in world.nexo.products.values() if p["sku"] == sku)
            for row in world.nexo.quantities_of(product["id"]):
                del world.nexo.unit_quantities[row["id"]]
                row["id"] += 1000
                world.nexo.unit_quantities[row["id"]] = row
        second = world.place()
        await world.arrived(second["id"])
        booked = []

        async def settled() -> bool:
            booked.append((await world.worker.drain()).booked)
            return sum(booked) == 1

        await wait_until(settled)
        assert len(world.nexo.sales()) == 2
        assert world.nexo.sales()[-1]["products"][0]["unit_quantity_id"] > 1000


async def test_a_refused_order_is_one_post_and_a_dead_letter_with_nexopos_text(
    servers, tmp_path: Path
) -> None:
    """NexoPOS answers 500 "Unable to find the customer …" to the order's POST: on a
    write that is NexoPOS's refusal (not "not found"), never posted again."""
    async with nexo_world(servers, tmp_path, default_customer_id=99999) as world:
        order = world.woo.place_order(
            [(world.products[0], 1)], status="completed", customer={"email": ""}
        )
        await world.arrived(order["id"])
        report = await world.worker.drain()
        assert (report.failed, report.booked) == (1, 0) and world.nexo.sales() == []
        entry = await world.entry(order["id"])
        assert entry.state is OutboxState.FAILED and entry.last_error_kind == "validation"
        assert "Unable to find the customer using the provided id 99999." in entry.last_error
        assert world.nexo.requests[("POST", "/orders")] == 1
