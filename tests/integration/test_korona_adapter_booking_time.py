"""A receipt is booked at the moment its order reached the trigger status.

An order placed (and paid) on Monday and completed on Wednesday is a
Wednesday sale when ``completed`` books it, and a Monday sale when
``processing`` does (its payment date); its creation time is neither.  WooCommerce and KORONA
sandboxes over loopback; the mapping itself without I/O.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from engine.sync.orders import order_from_woo
from sandbox.woocommerce.state import WooSandbox

from .orders_harness import ShiftedClock, order_world, sandboxes, wait_until

pytestmark = pytest.mark.timeout(60)

DAY = 86_400


@pytest.fixture
def servers():
    with sandboxes() as running:
        yield running


def _move_clock(sb: WooSandbox, seconds: int) -> None:
    with sb.lock:
        shift = getattr(sb.clock, "shift", 0) + seconds
        sb.clock = ShiftedClock(sb.clock.utc_offset_seconds, shift)


def _gmt(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def _woo_order(**dates: str) -> dict:
    line = {"id": 1, "name": "Coffee", "product_id": 21, "quantity": 1, "tax_class": "",
            "subtotal": "10.00", "total": "10.00", "total_tax": "2.00", "sku": "10002"}  # fmt: skip
    return {
        "id": 7, "number": "7", "status": "completed", "currency": "EUR",
        "date_created_gmt": "2026-11-16T08:00:00", "date_modified_gmt": "2026-11-18T10:00:00",
        "total": "12.00", "total_tax": "2.00", "shipping_total": "0.00", "shipping_tax": "0.00",
        "discount_total": "0.00", "line_items": [line], **dates,
    }  # fmt: skip


def test_the_trigger_status_picks_the_date_woocommerce_stamped() -> None:
    data = _woo_order(date_paid_gmt="2026-11-16T08:01:00", date_completed_gmt="2026-11-18T10:00:00")
    assert order_from_woo(data).trigger_gmt == datetime(2026, 11, 18, 10, 0, tzinfo=UTC)
    paid = order_from_woo(data, "processing").trigger_gmt
    assert paid == datetime(2026, 11, 16, 8, 1, tzinfo=UTC)
    assert order_from_woo(_woo_order(), "completed").trigger_gmt is None  # not said: unknown


async def test_receipt_is_booked_when_the_order_was_completed(servers, tmp_path: Path) -> None:
    async with order_world(servers, tmp_path) as world:
        order = world.place(status="processing")  # paid on Monday ...
        _move_clock(world.sb, 2 * DAY)
        done = world.sb.set_order_status(order["id"], "completed")  # ... completed on Wednesday

        async def booked() -> bool:
            await world.worker.drain()
            return len(world.sales()) > world.receipts_before

        await wait_until(booked)
        receipt = world.sales()[-1]
        assert _gmt(done["date_completed_gmt"]) - _gmt(order["date_created_gmt"]) >= _days(2)
        assert _moment(receipt["bookingTime"]) == _gmt(done["date_completed_gmt"])
        assert _moment(receipt["creationTime"]) == _gmt(order["date_created_gmt"])


def _days(n: int) -> timedelta:
    return timedelta(days=n)


def _moment(text: str) -> datetime:
    """A KORONA date-time (offset or Z) in UTC."""
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)
