"""Order, store and webhook endpoints of WooClient against the sandbox (real socket)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from engine.errors import NotFoundError, ValidationError
from engine.transport import RetryPolicy
from engine.woo import WooClient
from sandbox.server import RunningServer, start_server
from sandbox.woocommerce import WooSandbox, create_app

KEY, SECRET = "ck_90817263544536271809a1b2c3d4e5f6", "cs_f6e5d4c3b2a1908172635445362718a9"
FAST = RetryPolicy(max_attempts=2, base_delay=0.01, max_delay=0.02)


class PingReceiver:
    """A bare ASGI app that answers 200 and remembers what it got."""

    def __init__(self) -> None:
        self.bodies: list[bytes] = []

    async def __call__(self, scope: dict, receive, send) -> None:  # type: ignore[no-untyped-def]
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        self.bodies.append(body)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})


@pytest.fixture(scope="module")
def store() -> Iterator[tuple[WooSandbox, RunningServer]]:
    sb = WooSandbox(consumer_key=KEY, consumer_secret=SECRET)
    sb.seed_demo(products=30, orders=5)
    server = start_server(create_app(sb))
    yield sb, server
    server.stop()


@pytest.fixture
async def woo(store: tuple[WooSandbox, RunningServer]):  # type: ignore[no-untyped-def]
    client = WooClient(store[1].url, KEY, SECRET, retry=FAST)
    yield client
    await client.aclose()


async def test_orders_modified_after_in_gmt(woo: WooClient) -> None:
    everything = [o async for o in woo.iter_orders()]
    assert len(everything) >= 5
    assert [o["id"] for o in everything] == sorted(o["id"] for o in everything)
    future = datetime.now(UTC) + timedelta(days=1)
    assert [o async for o in woo.iter_orders(modified_after=future)] == []
    past = datetime.now(UTC) - timedelta(days=3650)
    assert len([o async for o in woo.iter_orders(modified_after=past)]) == len(everything)
    assert woo.last_capture is not None and "dates_are_gmt=true" in woo.last_capture.url


async def test_order_update_notes_and_refund(woo: WooClient) -> None:
    order = (await woo.get("orders", {"status": "processing", "per_page": 1}))[0]
    fetched = await woo.get_order(order["id"])
    assert isinstance(fetched["total"], str) and Decimal(fetched["total"]) > 0
    note = await woo.create_order_note(order["id"], "synced to POS as receipt 42")
    notes = await woo.list_order_notes(order["id"])
    assert note["id"] in [n["id"] for n in notes]
    refund = await woo.create_refund(order["id"], amount=Decimal("1.00"), reason="test")
    assert Decimal(refund["amount"]) == Decimal("1.00")
    assert refund["id"] in [r["id"] for r in await woo.list_refunds(order["id"])]
    done = await woo.update_order(order["id"], {"status": "completed"})
    assert done["status"] == "completed" and done["date_completed_gmt"]


async def test_invalid_order_status_is_a_validation_error(woo: WooClient) -> None:
    order = (await woo.get("orders", {"per_page": 1}))[0]
    with pytest.raises(ValidationError) as info:
        await woo.update_order(order["id"], {"status": "not-a-status"})
    assert info.value.code == "rest_invalid_param"
    assert "status" in str(info.value)


async def test_unknown_product_is_not_found(woo: WooClient) -> None:
    with pytest.raises(NotFoundError) as info:
        await woo.get_product(987654321)
    assert info.value.code == "woocommerce_rest_product_invalid_id"


async def test_store_reference_lists(woo: WooClient) -> None:
    classes = {c["slug"] for c in await woo.list_tax_classes()}
    gateways = {g["id"] for g in await woo.list_payment_gateways()}
    status = await woo.system_status()
    customers = [c async for c in woo.iter_customers()]
    assert {"standard", "reduced-rate", "zero-rate"} <= classes
    assert {"bacs", "cheque", "cod"} <= gateways
    assert "environment" in status
    assert customers and all("email" in c for c in customers)


async def test_category_and_variation_iteration(woo: WooClient) -> None:
    categories = [c async for c in woo.iter_categories()]
    assert any(c["slug"] == "uncategorized" for c in categories)
    variable = [p async for p in woo.iter_products(type="variable")]
    assert variable, "the demo seed has variable products"
    for product in variable[:2]:
        variations = [v async for v in woo.iter_variations(product["id"])]
        assert sorted(v["id"] for v in variations) == sorted(product["variations"])


async def test_webhook_lifecycle_with_ping_and_secret_redacted(woo: WooClient) -> None:
    receiver = PingReceiver()
    with_server = start_server(receiver)
    try:
        hook = await woo.create_webhook(
            name="tillsync orders",
            topic="order.updated",
            delivery_url=with_server.url + "/hooks/woo",
            secret="whsec_do_not_print_7",
        )
        assert woo.last_capture is not None
        assert "whsec_do_not_print_7" not in repr(woo.last_capture)
        assert any(b.startswith(b"webhook_id=") for b in receiver.bodies)
        paused = await woo.update_webhook(hook["id"], {"status": "paused"})
        listed = {h["id"]: h for h in await woo.list_webhooks()}
        await woo.delete_webhook(hook["id"])
        remaining = {h["id"] for h in await woo.list_webhooks()}
    finally:
        with_server.stop()
    assert paused["status"] == "paused" and listed[hook["id"]]["status"] == "paused"
    assert hook["id"] not in remaining
