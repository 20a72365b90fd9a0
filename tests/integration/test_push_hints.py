"""WooCommerce product webhooks, for a connection that pushes (issue 15).

The WooCommerce sandbox delivers real signed ``product.updated`` deliveries
to the receiver on loopback.  An admin's edit asks for the catalog job; the
delivery that tillsync's own write to the shop causes is recognised as an
echo and asks for nothing.
"""

from __future__ import annotations

from dataclasses import replace

from engine.model import Money
from engine.sync.directions import Direction, Directions
from engine.sync.push_hints import PushHints
from engine.webhooks import Delivery, IntakeResult, WebhookReceiver, WebhookServer
from tests.integration.orders_harness import wait_until
from tests.integration.test_directions_round_trips import Pair, two_way, woo  # noqa: F401
from tests.integration.test_directions_round_trips import pair as pair

SECRET = "push-hints-secret-3kQ"


async def _no_orders(delivery: Delivery) -> IntakeResult:
    raise AssertionError(f"no order delivery expected, got {delivery.topic}")


def _seen(receiver: WebhookReceiver, counter: str, count: int):
    """A check for wait_until: the receiver has counted ``count`` of ``counter``."""

    async def check() -> bool:
        return getattr(receiver.stats(), counter) == count

    return check


async def test_an_edit_asks_for_a_push_and_our_own_write_asks_nothing(pair: Pair) -> None:
    asked: list[str] = []
    pair.ctx = replace(pair.ctx, directions=Directions(products=Direction.BOTH))
    hints = PushHints(pair.ctx, asked.append)
    receiver = WebhookReceiver(
        secrets={"default": SECRET}, intake=_no_orders, hints={"default": hints}
    )
    async with WebhookServer(receiver.app, port=0) as server:
        await pair.sync()
        await pair.admin.create_webhook(
            name="tillsync product.updated", topic="product.updated",
            delivery_url=f"{server.url}/webhooks/default", secret=SECRET,
        )  # fmt: skip
        woo_id = pair.woo_product("MIN-1")["id"]
        await pair.admin.update_product(woo_id, {"name": "Edited in wp-admin"})
        await wait_until(_seen(receiver, "hints", 1))
        assert asked == ["catalog"]
        assert await pair.sync() == (0, 1)

        mug = pair.backend.products["m-1"]  # type: ignore[attr-defined]
        pair.backend.edit(replace(mug, price=Money.of("12.00", "EUR")))  # type: ignore[attr-defined]
        assert await pair.sync() == (1, 0)  # the shop is written: it sends a delivery
        await wait_until(_seen(receiver, "hints", 2))
        assert asked == ["catalog"]  # that one was our own write: nothing asked


async def test_a_stock_edit_asks_for_the_stock_job(pair: Pair) -> None:
    asked: list[str] = []
    pair.ctx = replace(pair.ctx, directions=Directions(stock=Direction.BOTH))
    receiver = WebhookReceiver(
        secrets={"default": SECRET},
        intake=_no_orders,
        hints={"default": PushHints(pair.ctx, asked.append)},
    )
    async with WebhookServer(receiver.app, port=0) as server:
        await pair.sync()
        await pair.admin.create_webhook(
            name="tillsync product.updated", topic="product.updated",
            delivery_url=f"{server.url}/webhooks/default", secret=SECRET,
        )  # fmt: skip
        await pair.admin.update_product(pair.woo_product("MIN-2")["id"], {"stock_quantity": 4})
        await wait_until(_seen(receiver, "hints", 1))
        assert asked == ["stock"]


async def test_without_hints_a_product_delivery_is_ignored_as_before(pair: Pair) -> None:
    receiver = WebhookReceiver(secrets={"default": SECRET}, intake=_no_orders)
    async with WebhookServer(receiver.app, port=0) as server:
        await pair.sync()
        await pair.admin.create_webhook(
            name="tillsync product.updated", topic="product.updated",
            delivery_url=f"{server.url}/webhooks/default", secret=SECRET,
        )  # fmt: skip
        await pair.admin.update_product(pair.woo_product("MIN-1")["id"], {"name": "Renamed"})
        await wait_until(_seen(receiver, "ignored_topics", 1))
        assert receiver.stats().hints == 0
