"""WooCommerce orders → AurPOS sells through the engine's outbox, both sandboxes on loopback.

Each order becomes one sell (source, invoice_no = the order number, contact WC-<id>,
totals reconciled with round_off_amount), exactly once: duplicate drains and a lost
answer after the POS stored the sell don't book it twice.  A line short of stock makes
the sell a draft, finalised when the stock is back.  Cancel or refund deletes the sell.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from engine.store import OutboxState
from sandbox.aurpos import SellFault
from tests.integration.aurpos_harness import (
    LOCATION,
    AurposWorld,
    aurpos_sandboxes,
    aurpos_world,
)
from tests.integration.orders_harness import next_second, wait_until

pytestmark = pytest.mark.timeout(60)


async def arrived(world: AurposWorld, order_id: int, status: str | None = None) -> None:
    async def check() -> bool:
        entry = await world.entry(order_id)
        return entry is not None and (status is None or entry.payload_data()["status"] == status)

    await wait_until(check)


def _pos_products(world: AurposWorld, order: dict) -> list[dict]:
    skus = [line["sku"] for line in order["line_items"]]
    by_sku = {p["sku"]: p for p in world.pos.products.values()}
    return [by_sku[sku] for sku in skus]


async def test_completed_order_becomes_one_final_sell(tmp_path: Path) -> None:
    with aurpos_sandboxes() as servers:
        async with aurpos_world(servers, tmp_path) as world:
            order = world.place(status="completed", shipping_total="4.90")
            await arrived(world, order["id"])
            report = await world.worker.drain()
            assert (report.booked, report.failed, report.held) == (1, 0, 0), report
            (sell,) = world.sells(order["number"])
            assert sell["status"] == "final" and sell["source"] == "woocommerce"
            assert sell["location_id"] == int(LOCATION)
            assert Decimal(sell["final_total"]) == Decimal(order["total"])
            contact = world.pos.contacts[sell["contact_id"]]
            assert contact["contact_id"].startswith("WC-") and contact["mobile"]
            assert [line["product_id"] for line in sell["sell_lines"]] == [
                p["id"] for p in _pos_products(world, order)
            ]
            (payment,) = sell["payment_lines"]
            assert payment["method"] == "bank_transfer"  # the store's payment mapping
            entry = await world.entry(order["id"])
            assert entry.state is OutboxState.DONE and entry.backoffice_ref == order["number"]
            again = await world.worker.drain()
            assert again.booked == 0 and len(world.sells(order["number"])) == 1


async def test_a_lost_answer_is_found_on_retry_not_booked_twice(tmp_path: Path) -> None:
    with aurpos_sandboxes() as servers:
        async with aurpos_world(servers, tmp_path) as world:
            world.pos.knobs.update(sell_fault=SellFault.COMMIT_THEN_DROP, sell_fault_times=1)
            order = world.place(status="completed")
            await arrived(world, order["id"])
            first = await world.worker.drain()
            assert first.booked == 0 and len(world.sells(order["number"])) == 1

            async def booked() -> bool:
                await world.worker.drain()
                entry = await world.entry(order["id"])
                return entry.state is OutboxState.DONE

            await wait_until(booked, within=10)
            assert len(world.sells(order["number"])) == 1


async def test_a_timeout_after_the_pos_stored_the_sell_does_not_duplicate(tmp_path: Path) -> None:
    with aurpos_sandboxes() as servers:
        async with aurpos_world(servers, tmp_path) as world:
            world.pos.knobs.update(sell_fault=SellFault.COMMIT_THEN_HANG, hang_seconds=3.0)
            order = world.place(status="completed")
            await arrived(world, order["id"])
            await world.worker.drain()  # the 1 s timeout fires while the POS holds its answer

            async def booked() -> bool:
                await world.worker.drain()
                entry = await world.entry(order["id"])
                return entry.state is OutboxState.DONE

            await wait_until(booked, within=10)
            assert len(world.sells(order["number"])) == 1
            entry = await world.entry(order["id"])
            assert entry.backoffice_ref == order["number"]


async def test_out_of_stock_line_saves_a_draft_and_finalise_makes_it_final(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with aurpos_sandboxes() as servers:
        async with aurpos_world(servers, tmp_path) as world:
            order = world.place(status="completed")
            short = _pos_products(world, order)[0]
            variation = short["product_variations"][0]["variations"][0]["id"]
            world.pos.set_stock(variation, int(LOCATION), 0)
            await arrived(world, order["id"])
            assert (await world.worker.drain()).booked == 1
            (sell,) = world.sells(order["number"])
            assert sell["status"] == "draft" and short["sku"] in sell["staff_note"]
            said = [r.getMessage() for r in caplog.records if "DRAFT" in r.getMessage()]
            assert said and order["number"] in said[0] and short["sku"] in said[0]
            assert world.pos.stock(variation, int(LOCATION)) == 0  # a draft takes no stock
            (draft,) = await world.backend.drafts()
            assert draft["invoice_no"] == order["number"]
            assert await world.backend.finalise_drafts() == []  # still short
            world.pos.set_stock(variation, int(LOCATION), 10)
            assert await world.backend.finalise_drafts() == [order["number"]]
            (sell,) = world.sells(order["number"])
            assert sell["status"] == "final"
            assert world.pos.stock(variation, int(LOCATION)) == 10 - 2
            assert await world.backend.drafts() == []


@pytest.mark.parametrize("status", ["cancelled", "refunded"])
async def test_cancel_or_refund_deletes_the_sell_once(tmp_path: Path, status: str) -> None:
    with aurpos_sandboxes() as servers:
        async with aurpos_world(servers, tmp_path) as world:
            order = world.place(status="completed")
            product = _pos_products(world, order)[0]
            variation = product["product_variations"][0]["variations"][0]["id"]
            before = world.pos.stock(variation, int(LOCATION))
            await arrived(world, order["id"])
            assert (await world.worker.drain()).booked == 1
            assert world.pos.stock(variation, int(LOCATION)) == before - 2
            await next_second(world)
            world.sb.set_order_status(order["id"], status)
            await arrived(world, order["id"], status)
            report = await world.worker.drain()
            assert report.voided == 1
            assert world.sells(order["number"]) == []
            assert world.pos.stock(variation, int(LOCATION)) == before
            entry = await world.entry(order["id"])
            assert entry.state is OutboxState.VOIDED
            for _ in range(2):
                assert (await world.worker.drain()).voided == 0


async def test_no_phone_follows_the_mobile_policy(tmp_path: Path) -> None:
    with aurpos_sandboxes() as servers:
        async with aurpos_world(servers, tmp_path, mobile_policy="hold") as world:
            order = world.place(status="completed", customer={"phone": ""})
            await arrived(world, order["id"])
            report = await world.worker.drain()
            assert report.held == 1 and report.booked == 0
            assert world.sells(order["number"]) == []
            entry = await world.entry(order["id"])
            assert entry.state is OutboxState.HELD and "mobile number" in (entry.last_error or "")


async def test_no_phone_books_the_placeholder_by_default(tmp_path: Path) -> None:
    with aurpos_sandboxes() as servers:
        async with aurpos_world(servers, tmp_path) as world:
            order = world.place(status="completed", customer={"phone": ""})
            await arrived(world, order["id"])
            assert (await world.worker.drain()).booked == 1
            (sell,) = world.sells(order["number"])
            assert world.pos.contacts[sell["contact_id"]]["mobile"] == "0000000000"


async def test_pending_order_maps_to_a_draft_by_the_status_map(tmp_path: Path) -> None:
    with aurpos_sandboxes() as servers:
        async with aurpos_world(servers, tmp_path, status_map={"completed": "draft"}) as world:
            order = world.place(status="completed")
            await arrived(world, order["id"])
            assert (await world.worker.drain()).booked == 1
            (sell,) = world.sells(order["number"])
            assert sell["status"] == "draft" and "out of stock" not in sell["staff_note"]
            assert await world.backend.drafts() == []  # not a stock draft: never auto-finalised


async def test_a_variation_is_booked_with_its_variation_id(tmp_path: Path) -> None:
    with aurpos_sandboxes() as servers:
        async with aurpos_world(servers, tmp_path) as world:
            variable = next(p for p in world.pos.products.values() if p["type"] == "variable")
            wanted = variable["product_variations"][0]["variations"][1]
            with world.sb.lock:
                woo_id = next(
                    i for i, v in world.sb.variations.items() if v["sku"] == wanted["sub_sku"]
                )
            order = world.place([(woo_id, 1)], status="completed")
            await arrived(world, order["id"])
            assert (await world.worker.drain()).booked == 1
            (sell,) = world.sells(order["number"])
            (line,) = sell["sell_lines"]
            assert (line["product_id"], line["variation_id"]) == (variable["id"], wanted["id"])


async def test_the_order_worker_finalises_drafts_once_stock_is_back(tmp_path: Path) -> None:
    with aurpos_sandboxes() as servers:
        async with aurpos_world(servers, tmp_path, finalise_drafts_minutes=0.0001) as world:
            first = world.place([(world.products[0], 1)], status="completed")
            short = _pos_products(world, first)[0]
            variation = short["product_variations"][0]["variations"][0]["id"]
            world.pos.set_stock(variation, int(LOCATION), 0)
            await arrived(world, first["id"])
            assert (await world.worker.drain()).booked == 1
            assert world.sells(first["number"])[0]["status"] == "draft"
            world.pos.set_stock(variation, int(LOCATION), 5)  # a delivery arrives
            second = world.place([(world.products[1], 1)], status="completed")
            await arrived(world, second["id"])
            assert (await world.worker.drain()).booked == 1
            assert world.sells(first["number"])[0]["status"] == "final"
            assert world.sells(second["number"])[0]["status"] == "final"
            assert world.pos.stock(variation, int(LOCATION)) == 4


async def test_deleted_then_restored_order_is_booked_once(tmp_path: Path) -> None:
    with aurpos_sandboxes() as servers:
        async with aurpos_world(servers, tmp_path) as world:
            order = world.place(status="processing")  # waits for completed
            await arrived(world, order["id"])
            await world.ctx.woo.delete(f"orders/{order['id']}")  # to the trash

            async def skipped() -> bool:
                entry = await world.entry(order["id"])
                return entry.state is OutboxState.SKIPPED

            await wait_until(skipped)
            assert (await world.worker.drain()).booked == 0 and world.sells() == []
            await next_second(world)
            await world.ctx.woo.update_order(order["id"], {"status": "completed"})  # restored
            await arrived(world, order["id"], "completed")

            async def booked() -> bool:
                await world.worker.drain()
                entry = await world.entry(order["id"])
                return entry.state is OutboxState.DONE

            await wait_until(booked)
            assert len(world.sells(order["number"])) == 1
