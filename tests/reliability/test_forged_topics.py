"""The topic header is not signed: a genuine body under a forged topic changes nothing.

A captured, genuinely signed order body replayed as ``order.deleted`` used
to send a waiting order to "skipped" for good.  Now the intake asks
WooCommerce before it skips, so only an order WooCommerce really lost (or
trashed) is skipped.  Everything runs over loopback: the WooCommerce
sandbox delivers to our receiver, and the forgeries are posted beside it.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from engine.store import OrderSource, OutboxState
from engine.sync.orders.mapping import parse_gmt
from engine.webhooks import webhook_signature
from tests.integration.orders_harness import World, order_world, sandboxes, wait_until

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def servers():
    with sandboxes() as running:
        yield running


def _signed(world: World, payload: dict, topic: str) -> tuple[bytes, dict[str, str]]:
    """A body signed with the webhook's real secret, as a captured delivery would be."""
    body = json.dumps(payload, separators=(",", ":")).encode()
    return body, {
        "content-type": "application/json",
        "x-wc-webhook-topic": topic,
        "x-wc-webhook-signature": webhook_signature(body, world.secret.encode()),
    }


async def _arrived(world: World, order_id: int) -> None:
    async def check() -> bool:
        return await world.entry(order_id) is not None

    await wait_until(check)


async def test_genuine_body_replayed_as_deleted_does_not_skip_the_order(
    servers, tmp_path: Path
) -> None:
    async with order_world(servers, tmp_path) as world:
        order = world.place(status="processing")  # waits for "completed"
        await _arrived(world, order["id"])
        captured = await world.ctx.woo.get_order(order["id"])
        body, hdrs = _signed(world, json.loads(json.dumps(captured, default=str)), "order.deleted")
        async with httpx.AsyncClient() as client:
            answer = await client.post(world.hook_url, content=body, headers=hdrs)
        assert answer.status_code == 200
        entry = await world.entry(order["id"])
        assert entry.state is not OutboxState.SKIPPED, entry.last_error


async def test_product_body_under_an_order_topic_leaves_the_stored_order_alone(
    servers, tmp_path: Path
) -> None:
    async with order_world(servers, tmp_path) as world:
        order = world.place(status="processing")
        await _arrived(world, order["id"])
        before = (await world.entry(order["id"])).payload
        product = await world.ctx.woo.get(f"products/{world.products[0]}")
        forged = {**json.loads(json.dumps(product, default=str)), "id": order["id"]}
        forged["date_modified_gmt"] = "2030-01-01T00:00:00"  # newer than the order's revision
        body, hdrs = _signed(world, forged, "order.updated")
        async with httpx.AsyncClient() as client:
            answer = await client.post(world.hook_url, content=body, headers=hdrs)
        assert answer.status_code == 400
        assert (await world.entry(order["id"])).payload == before


async def test_an_order_really_deleted_in_woocommerce_is_skipped(servers, tmp_path: Path) -> None:
    async with order_world(servers, tmp_path) as world:
        order = world.place(status="processing")
        await _arrived(world, order["id"])
        await world.ctx.woo.delete(f"orders/{order['id']}", force=True)

        async def skipped() -> bool:  # WooCommerce's own order.deleted delivery
            return (await world.entry(order["id"])).state is OutboxState.SKIPPED

        await wait_until(skipped)
        assert "deleted" in (await world.entry(order["id"])).last_error
        body, hdrs = _signed(world, {"id": order["id"]}, "order.deleted")
        async with httpx.AsyncClient() as client:  # delivered again: nothing left to do
            answer = await client.post(world.hook_url, content=body, headers=hdrs)
        assert (answer.status_code, answer.text) == (200, "ignored")


async def test_a_cancelled_revision_woocommerce_does_not_confirm_reverses_nothing(
    servers, tmp_path: Path
) -> None:
    async with order_world(servers, tmp_path, webhooks=False) as world:
        placed = world.place(status="completed")
        live = await world.ctx.woo.get_order(placed["id"])
        modified = parse_gmt(live["date_modified_gmt"], "date_modified_gmt")
        await world.intake.offer(live, modified, OrderSource.POLL)
        assert (await world.worker.drain()).booked == 1
        hint = {**live, "status": "cancelled"}  # a delivery says so; the shop does not
        await world.intake.offer(hint, modified + timedelta(seconds=1), OrderSource.WEBHOOK)
        report = await world.worker.drain()
        assert (report.marked_for_void, report.voided) == (0, 0)
        assert world.reversals() == []
        assert (await world.entry(placed["id"])).state is OutboxState.DONE
