"""Completed WooCommerce orders become exactly one KORONA receipt, over loopback."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from engine.store import OutboxState

from .orders_harness import order_world, sandboxes, wait_until

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def servers():
    with sandboxes() as running:
        yield running


async def test_completed_order_books_one_receipt_with_woo_totals(servers, tmp_path: Path) -> None:
    async with order_world(servers, tmp_path) as world:
        order = world.place(payment="bacs", status="completed")
        await wait_until(lambda: _has(world, order["id"]))
        report = await world.worker.drain()
        assert report.booked == 1, report
        sales = world.sales()
        assert len(sales) == world.receipts_before + 1
        receipt = sales[-1]
        assert receipt["orderNumber"] == order["number"]
        gross = sum(Decimal(str(i["total"]["gross"])) for i in receipt["items"])
        assert gross == Decimal(order["total"])
        assert Decimal(str(receipt["payments"][0]["amount"])) == Decimal(order["total"])
        entry = await world.entry(order["id"])
        assert entry.state is OutboxState.DONE


async def _has(world, order_id: int) -> bool:
    return await world.entry(order_id) is not None
