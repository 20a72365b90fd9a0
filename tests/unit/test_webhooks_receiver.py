"""Receiver edge cases through httpx.ASGITransport (the loopback tests cover the rest)."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest

from engine.events import EventBus, LogEvent
from engine.webhooks import Delivery, IntakeResult, WebhookReceiver

SECRET = "wh-secret-Zq81"
OTHER_SECRET = "other-secret-77"
MARKER = "customer-marker@example.test"
NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


class RecordingIntake:
    """Collects deliveries; raises for order ids listed in ``fail_for``."""

    def __init__(self, fail_for: frozenset[int] = frozenset()) -> None:
        self.deliveries: list[Delivery] = []
        self.fail_for = fail_for

    async def __call__(self, delivery: Delivery) -> IntakeResult:
        if delivery.resource_id in self.fail_for:
            raise RuntimeError("outbox is locked")
        self.deliveries.append(delivery)
        return IntakeResult.NEW


def order_body(order_id: int = 101, **extra: object) -> bytes:
    order = {
        "id": order_id,
        "status": "processing",
        "currency": "EUR",
        "date_modified_gmt": "2026-11-22T10:15:30",
        "billing": {"email": MARKER},
        "line_items": [{"sku": "A-1", "quantity": 1, "total": "9.90"}],
        **extra,
    }
    return json.dumps(order).encode()


def sign(body: bytes, secret: str = SECRET) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def headers(body: bytes, topic: str = "order.created", secret: str = SECRET) -> dict[str, str]:
    return {
        "content-type": "application/json",
        "x-wc-webhook-topic": topic,
        "x-wc-webhook-signature": sign(body, secret),
        "x-wc-webhook-id": "17",
        "x-wc-webhook-delivery-id": "d41d8cd98f00b204",
    }


@pytest.fixture
def intake() -> RecordingIntake:
    return RecordingIntake(fail_for=frozenset({666}))


@pytest.fixture
def bus() -> EventBus:
    return EventBus()


@pytest.fixture
async def client(intake: RecordingIntake, bus: EventBus) -> AsyncIterator[httpx.AsyncClient]:
    receiver = WebhookReceiver(
        secrets={"default": SECRET, "second": OTHER_SECRET},
        intake=intake,
        max_body_bytes=4096,
        bus=bus,
        clock=lambda: NOW,
    )
    transport = httpx.ASGITransport(app=receiver.app, client=("203.0.113.9", 4711))
    async with httpx.AsyncClient(transport=transport, base_url="http://receiver") as c:
        yield c


async def test_valid_delivery_reaches_intake_typed(client, intake) -> None:
    body = order_body()
    response = await client.post("/webhooks/default", content=body, headers=headers(body))
    assert (response.status_code, response.text) == (200, "new")
    [delivery] = intake.deliveries
    assert delivery.connection == "default" and delivery.topic == "order.created"
    assert delivery.resource_id == 101 and delivery.webhook_id == 17
    assert delivery.modified_gmt == datetime(2026, 11, 22, 10, 15, 30, tzinfo=UTC)
    assert delivery.delivery_id == "d41d8cd98f00b204" and delivery.received_at == NOW
    assert delivery.payload["billing"]["email"] == MARKER and not delivery.gone


async def test_each_connection_has_its_own_secret(client, intake) -> None:
    body = order_body()
    wrong = await client.post("/webhooks/second", content=body, headers=headers(body))
    right = await client.post(
        "/webhooks/second", content=body, headers=headers(body, secret=OTHER_SECRET)
    )
    assert (wrong.status_code, right.status_code) == (401, 200)
    assert [d.connection for d in intake.deliveries] == ["second"]


@pytest.mark.parametrize(
    "tamper",
    [
        lambda b, h: (b, {k: v for k, v in h.items() if k != "x-wc-webhook-signature"}),
        lambda b, h: (b + b" ", h),
        lambda b, h: (json.dumps(json.loads(b), indent=2).encode(), h),
        lambda b, h: (b, {**h, "x-wc-webhook-signature": sign(b, "guess")}),
        lambda b, h: (b, {**h, "x-wc-webhook-signature": "not base64 at all"}),
    ],
)
async def test_forged_or_tampered_bodies_get_401(client, intake, bus, tamper) -> None:
    body = order_body()
    body, hdrs = tamper(body, headers(body))
    with bus.subscribe() as events:
        response = await client.post("/webhooks/default", content=body, headers=hdrs)
        event = events._queue.get_nowait()
    assert response.status_code == 401
    assert intake.deliveries == []
    assert isinstance(event, LogEvent) and "401" in event.text
    assert event.data == {"topic": "order.created", "length": len(body), "remote": "203.0.113.9"}


async def test_creation_ping_is_answered_and_enqueues_nothing(client, intake) -> None:
    response = await client.post(
        "/webhooks/default",
        content=b"webhook_id=17",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 200
    assert intake.deliveries == []


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/x-www-form-urlencoded", b"webhook_id=17&id=101"),
        ("application/x-www-form-urlencoded", b"webhook_id=17" + b"\n" + order_body()),
        ("application/json", b"webhook_id=17"),
        ("application/json", order_body()),
        ("text/plain", b"webhook_id=17"),
    ],
)
async def test_nothing_but_an_exact_ping_skips_the_signature(
    client, intake, content_type, body
) -> None:
    response = await client.post(
        "/webhooks/default",
        content=body,
        headers={"content-type": content_type, "x-wc-webhook-topic": "order.created"},
    )
    assert response.status_code == 401
    assert intake.deliveries == []


async def test_ping_with_a_wrong_signature_is_refused(client) -> None:
    body = b"webhook_id=17"
    response = await client.post(
        "/webhooks/default",
        content=body,
        headers={
            "content-type": "application/x-www-form-urlencoded",
            "x-wc-webhook-signature": sign(body, "guess"),
        },
    )
    assert response.status_code == 401


async def test_unknown_connection_is_404(client, intake) -> None:
    body = order_body()
    response = await client.post("/webhooks/nope", content=body, headers=headers(body))
    assert response.status_code == 404 and intake.deliveries == []


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b'{"id": 101, ', "application/json"),
        (b"[101]", "application/json"),
        (order_body(), "text/plain"),
        (json.dumps({"status": "processing"}).encode(), "application/json"),
        (json.dumps({"id": "101"}).encode(), "application/json"),
    ],
)
async def test_signed_but_unusable_bodies_get_400(client, intake, body, content_type) -> None:
    hdrs = {**headers(body), "content-type": content_type}
    response = await client.post("/webhooks/default", content=body, headers=hdrs)
    assert response.status_code == 400 and intake.deliveries == []


@pytest.mark.parametrize(
    "topic", ["product.updated", "customer.created", "action.woocommerce_x", ""]
)
async def test_other_topics_get_200_and_are_dropped(client, intake, topic) -> None:
    body = order_body()
    hdrs = headers(body, topic=topic)
    if not topic:
        del hdrs["x-wc-webhook-topic"]
    response = await client.post("/webhooks/default", content=body, headers=hdrs)
    assert (response.status_code, response.text) == (200, "ignored")
    assert intake.deliveries == []


async def test_error_object_for_a_deleted_order_is_accepted_as_gone(client, intake) -> None:
    body = json.dumps(
        {
            "code": "woocommerce_rest_shop_order_invalid_id",
            "message": "Invalid ID.",
            "data": {"status": 404},
        }
    ).encode()
    response = await client.post(
        "/webhooks/default", content=body, headers=headers(body, "order.updated")
    )
    assert (response.status_code, response.text) == (200, "gone")
    assert intake.deliveries == []


async def test_order_deleted_is_passed_on_as_gone(client, intake) -> None:
    body = b'{"id":55}'
    response = await client.post(
        "/webhooks/default", content=body, headers=headers(body, "order.deleted")
    )
    assert response.status_code == 200
    [delivery] = intake.deliveries
    assert (delivery.resource_id, delivery.gone, delivery.modified_gmt) == (55, True, None)


async def test_order_restored_is_passed_on(client, intake) -> None:
    body = order_body(77)
    response = await client.post(
        "/webhooks/default", content=body, headers=headers(body, "order.restored")
    )
    assert response.status_code == 200
    assert [(d.resource_id, d.topic, d.gone) for d in intake.deliveries] == [
        (77, "order.restored", False)
    ]


async def test_intake_failure_is_500_and_the_app_keeps_serving(client, intake) -> None:
    bad = order_body(666)
    good = order_body(7)
    failed = await client.post("/webhooks/default", content=bad, headers=headers(bad))
    served = await client.post("/webhooks/default", content=good, headers=headers(good))
    assert (failed.status_code, served.status_code) == (500, 200)
    assert [d.resource_id for d in intake.deliveries] == [7]


async def test_oversized_bodies_get_413(client, intake) -> None:
    body = order_body(note="x" * 5000)
    response = await client.post("/webhooks/default", content=body, headers=headers(body))
    assert response.status_code == 413 and intake.deliveries == []


async def test_streamed_body_is_cut_off_at_the_limit(client, intake) -> None:
    sent: list[int] = []

    async def endless() -> AsyncIterator[bytes]:
        for _ in range(1000):
            sent.append(1)
            yield b"x" * 1024

    hdrs = {"content-type": "application/json", "x-wc-webhook-signature": "irrelevant"}
    response = await client.post("/webhooks/default", content=endless(), headers=hdrs)
    assert response.status_code == 413
    assert len(sent) <= 6  # 4096-byte limit: stopped after the 5th 1 KiB chunk
    assert intake.deliveries == []


async def test_health(client) -> None:
    response = await client.get("/webhooks/health")
    assert (response.status_code, response.text) == (200, "ok")


async def test_stats_count_each_outcome() -> None:
    receiver = WebhookReceiver(secrets={"default": SECRET}, intake=RecordingIntake())
    transport = httpx.ASGITransport(app=receiver.app)
    body = order_body()
    async with httpx.AsyncClient(transport=transport, base_url="http://r") as client:
        await client.post("/webhooks/default", content=body, headers=headers(body))
        await client.post("/webhooks/default", content=body, headers=headers(body, secret="x"))
        await client.post(
            "/webhooks/default", content=body, headers=headers(body, "coupon.created")
        )
        await client.post("/webhooks/unknown", content=body, headers=headers(body))
        await client.post(
            "/webhooks/default",
            content=b"webhook_id=1",
            headers={"content-type": "application/x-www-form-urlencoded"},
        )
    stats = receiver.stats()
    assert (stats.accepted, stats.bad_signatures, stats.ignored_topics) == (1, 1, 1)
    assert (stats.unknown_connections, stats.pings, stats.too_large) == (1, 1, 0)
    assert SECRET not in repr(receiver)


async def test_logs_carry_no_secret_and_no_body(client, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    body = order_body()
    for hdrs in (headers(body), headers(body, secret="wrong"), headers(body, "product.updated")):
        await client.post("/webhooks/default", content=body, headers=hdrs)
    await client.post("/webhooks/default", content=b"{bad" + MARKER.encode(), headers=headers(b"{"))
    assert caplog.records, "the receiver should log what it refused"
    for text in (SECRET, MARKER, sign(body), "A-1"):
        assert text not in caplog.text


async def test_a_hanging_intake_is_500_after_the_timeout() -> None:
    async def hang(delivery: Delivery) -> IntakeResult:
        await asyncio.sleep(10)
        return IntakeResult.NEW

    receiver = WebhookReceiver(secrets={"default": SECRET}, intake=hang, intake_timeout=0.1)
    body = order_body()
    transport = httpx.ASGITransport(app=receiver.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://r") as client:
        response = await client.post("/webhooks/default", content=body, headers=headers(body))
    assert response.status_code == 500 and receiver.stats().intake_failures == 1
