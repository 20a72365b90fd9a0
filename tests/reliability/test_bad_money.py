"""Absurd or over-precise amounts are held as bad data: never booked, never an alert.

A price of 1e308 used to overflow Decimal's context while the line's unit
price was computed, which failed as "internal InvalidOperation" and paged
the admin; 8.405 EUR was rounded to 8.41 without a word.  Each order here is
a real order of the WooCommerce sandbox, altered the way a broken plugin
would, offered to the intake and drained by the worker against KORONA.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from engine.store import OrderSource, OutboxState
from engine.sync.orders.failures import HoldKind, hold_kind
from engine.sync.orders.mapping import parse_gmt
from tests.integration.orders_harness import order_world, sandboxes

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def servers():
    with sandboxes() as running:
        yield running


def _price(order: dict) -> None:
    order["line_items"][0]["total"] = "1e308"


def _quantity(order: dict) -> None:
    order["line_items"][0]["quantity"] = Decimal("1e30")


def _sub_cent_total(order: dict) -> None:
    """Line and order total both half a cent up: rounded, they still agree (8.405 → 8.41)."""
    line = order["line_items"][0]
    line["total"] = str(Decimal(str(line["total"])) + Decimal("0.005"))
    order["total"] = str(Decimal(str(order["total"])) + Decimal("0.005"))


@pytest.mark.parametrize(
    ("alter", "says"),
    [(_price, "out of range"), (_quantity, "out of range"), (_sub_cent_total, "decimal places")],
    ids=["price 1e308", "quantity 1e30", "total 8.405-style"],
)
async def test_absurd_amounts_are_held_as_bad_data_without_an_alert(
    servers, tmp_path: Path, alter: Callable[[dict], None], says: str
) -> None:
    async with order_world(servers, tmp_path, webhooks=False) as world:
        placed = world.place(status="completed")
        order = await world.ctx.woo.get_order(placed["id"])
        alter(order)
        modified = parse_gmt(order["date_modified_gmt"], "date_modified_gmt")
        await world.intake.offer(order, modified, OrderSource.POLL)
        report = await world.worker.drain()
        entry = await world.entry(placed["id"])
        assert (report.held, report.booked, report.failed) == (1, 0, 0)
        assert entry.state is OutboxState.HELD, entry.last_error
        assert hold_kind(entry.last_error) is HoldKind.BAD_DATA and says in entry.last_error
        assert world.alerts.alerts == []
        assert len(world.sales()) == world.receipts_before
