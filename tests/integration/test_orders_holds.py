"""Orders the back office can't take yet are held with their reason, then released."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.store import MappingKind, OutboxState
from engine.sync.orders import HoldKind, hold_kind, payment_gateways
from sandbox import korona as kor

from .orders_harness import order_world, sandboxes
from .test_orders_booking import arrived

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def servers():
    with sandboxes() as running:
        yield running


async def test_unmapped_gateway_is_held_then_released_after_mapping(
    servers, tmp_path: Path
) -> None:
    async with order_world(servers, tmp_path) as world:
        order = world.place(payment="cheque", status="completed")
        await arrived(world, order["id"])
        report = await world.worker.drain()
        assert (report.held, report.booked) == (1, 0)
        entry = await world.entry(order["id"])
        assert entry.state is OutboxState.HELD
        assert hold_kind(entry.last_error) is HoldKind.NEEDS_MAPPING
        assert "payment gateway 'cheque' (Check payments)" in entry.last_error
        assert len(world.sales()) == world.receipts_before  # never dropped, never booked
        assert (await world.worker.drain()).held == 0  # held stays held: not retried in a loop
        gateways = {g.gateway_id: g for g in await payment_gateways(world.ctx)}
        assert gateways["cheque"].backoffice_method is None  # what the mapping screen shows
        assert gateways["bacs"].backoffice_method == kor.PAYMENT_WEBSHOP_ID

        await world.ctx.store.mappings.set(MappingKind.PAYMENT, "cheque", kor.PAYMENT_CARD_ID)
        assert await world.ctx.store.outbox.release_held("default") == 1
        report = await world.worker.drain()
        assert report.booked == 1
        assert len(world.sales()) == world.receipts_before + 1
        (payment,) = world.sales()[-1]["payments"]
        assert payment["paymentMethod"]["id"] == kor.PAYMENT_CARD_ID
        assert (await world.entry(order["id"])).state is OutboxState.DONE


async def test_every_missing_mapping_is_named_at_once(servers, tmp_path: Path) -> None:
    async with order_world(servers, tmp_path) as world:
        store = world.ctx.store
        sku = world.sb.products[world.products[0]]["sku"]
        (link,) = await store.links.get_by_sku(sku, kind="product")
        await store.links.delete("product", link.backoffice_id)
        await store.mappings.delete(MappingKind.TAX_CLASS, kor.SECTOR_REDUCED_ID)
        order = world.place(payment="cheque", status="completed")
        await arrived(world, order["id"])
        await world.worker.drain()
        entry = await world.entry(order["id"])
        assert entry.state is OutboxState.HELD
        reason = entry.last_error
        assert reason.startswith("needs mapping: ")
        assert "payment gateway 'cheque'" in reason
        assert f"SKU '{sku}'" in reason
        assert "reduced-rate" in {li["tax_class"] for li in order["line_items"]}
        assert "tax class 'reduced-rate'" in reason
        # releasing without fixing puts it back on hold with the same reason, still unbooked
        await store.outbox.release_held("default")
        assert (await world.worker.drain()).held == 1
        assert (await world.entry(order["id"])).last_error == reason
        assert len(world.sales()) == world.receipts_before
        # held orders still count against stock: they are not in the back office yet
        assert sku in await store.outbox.pending_quantities_by_sku()


async def test_missing_shipping_product_holds_instead_of_failing(servers, tmp_path: Path) -> None:
    async with order_world(servers, tmp_path) as world:  # no shipping product configured
        order = world.place(status="completed", shipping_total="4.90")
        await arrived(world, order["id"])
        report = await world.worker.drain()
        assert (report.held, report.failed) == (1, 0)
        entry = await world.entry(order["id"])
        assert hold_kind(entry.last_error) is HoldKind.NEEDS_MAPPING
        assert "shipping" in entry.last_error
        assert len(world.sales()) == world.receipts_before
