"""Partial refunds → AurPOS sell returns, over loopback (WooCommerce sandbox → webhook →
outbox → AurPOS sandbox): a WooCommerce refund of some lines of a booked order becomes a
``sell-return`` of those lines (stock back), once; a return the POS already holds (the
answer to an earlier post was lost) is found by its invoice number, not posted again."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from sandbox.aurpos.returns import SellReturns
from tests.integration.aurpos_harness import LOCATION, AurposWorld, aurpos_sandboxes, aurpos_world
from tests.integration.orders_harness import next_second, wait_until

pytestmark = pytest.mark.timeout(60)


async def _arrived(world: AurposWorld, order_id: int, refunds: int) -> None:
    async def check() -> bool:
        entry = await world.entry(order_id)
        return entry is not None and len(entry.payload_data().get("refunds") or []) == refunds

    await wait_until(check)


@asynccontextmanager
async def booked(tmp_path: Path) -> AsyncIterator[tuple[AurposWorld, dict, dict]]:
    """(world, the WooCommerce order, its AurPOS sell) once the order is booked final."""
    with aurpos_sandboxes() as servers:
        async with aurpos_world(servers, tmp_path) as world:
            order = world.place([(world.products[0], 3), (world.products[1], 1)])
            await _arrived(world, order["id"], 0)
            assert (await world.worker.drain()).booked == 1
            (sell,) = world.sells(order["number"])
            assert sell["status"] == "final"
            yield world, order, sell


async def _refund(world: AurposWorld, order: dict, index: int, quantity: int) -> dict[str, Any]:
    """Staff refund ``quantity`` of line ``index`` in WooCommerce (its total share)."""
    await next_second(SimpleNamespace(sb=world.servers.woo))
    line = order["line_items"][index]
    share = Decimal(line["total"]) * quantity / line["quantity"]
    items = [{"id": line["id"], "quantity": quantity, "refund_total": str(share)}]
    return await world.ctx.woo.create_refund(order["id"], line_items=items)


def _variation(world: AurposWorld, sell: dict, index: int) -> int:
    return sell["sell_lines"][index]["variation_id"]


async def test_a_refund_of_some_lines_becomes_one_sell_return(tmp_path: Path) -> None:
    async with booked(tmp_path) as (world, order, sell):
        variation = _variation(world, sell, 0)
        stock = world.pos.stock(variation, int(LOCATION))
        refund = await _refund(world, order, 0, 2)
        await _arrived(world, order["id"], 1)
        await world.worker.drain()
        (row,) = world.pos.sell_returns.values()
        assert row["return_parent_id"] == sell["id"] and row["invoice_no"].endswith(
            f"-R{refund['id']}"
        )
        (line,) = row["return_lines"]
        assert (line["sell_line_id"], Decimal(line["quantity"])) == (sell["sell_lines"][0]["id"], 2)
        (given,) = refund["line_items"]  # what WooCommerce gave back, per unit, gross
        gross = abs(Decimal(given["total"])) + abs(Decimal(given.get("total_tax") or 0))
        assert Decimal(line["unit_price_inc_tax"]) == (gross / 2).quantize(Decimal("0.0001"))
        assert world.pos.stock(variation, int(LOCATION)) == stock + 2
        await next_second(SimpleNamespace(sb=world.servers.woo))
        world.servers.woo.set_order_status(order["id"], "completed")  # a later revision
        await world.worker.drain()
        assert len(world.pos.sell_returns) == 1  # booked once


async def test_a_return_the_pos_already_holds_is_not_posted_again(tmp_path: Path) -> None:
    """The post stored the return but its answer was lost: the next pass finds it."""
    async with booked(tmp_path) as (world, order, sell):
        refund = await _refund(world, order, 1, 1)
        entry = await world.entry(order["id"])
        key = sell["staff_note"].split("tillsync ", 1)[1].split(" ", 1)[0]
        assert key and entry is not None
        line = sell["sell_lines"][1]
        SellReturns(world.pos).create({
            "transaction_id": sell["id"], "invoice_no": f"{key}-R{refund['id']}",
            "products": [{"sell_line_id": line["id"], "quantity": 1,
                          "unit_price_inc_tax": line["unit_price_inc_tax"]}],
        })  # fmt: skip
        await _arrived(world, order["id"], 1)
        await world.worker.drain()
        assert len(world.pos.sell_returns) == 1
        links = await world.ctx.store.links.get_by_woo_id(
            "refund", refund["id"], connection=world.ctx.connection
        )
        assert links is not None  # the refund counts as booked
