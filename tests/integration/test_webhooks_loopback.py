"""The receiver on a real loopback socket (uvicorn), fed real signed bodies over HTTP."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import logging
import random
import sqlite3
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import aiosqlite
import httpx
import pytest

from engine.webhooks import Delivery, IntakeResult, WebhookReceiver
from sandbox.server import RunningServer, start_server

SECRET = "loopback-secret-5dK2"
CONNECTIONS = 12
MARKER = "buyer-marker@example.test"


def order_body(order_id: int, modified: str = "2026-11-22T10:15:30", **extra: object) -> bytes:
    order = {
        "id": order_id,
        "number": str(order_id),
        "status": "processing",
        "currency": "EUR",
        "date_modified_gmt": modified,
        "billing": {"email": MARKER, "first_name": "Ada"},
        "line_items": [{"id": 1, "sku": "A-1", "quantity": 2, "total": "19.80"}],
        **extra,
    }
    return json.dumps(order, separators=(",", ":")).encode()


def sign(body: bytes, secret: str = SECRET) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def wc_headers(body: bytes, topic: str = "order.updated", secret: str = SECRET) -> dict[str, str]:
    """Headers as WooCommerce 10 sends them (delivery id deliberately shared)."""
    return {
        "content-type": "application/json",
        "user-agent": "WooCommerce/10.0.2 Hookshot (WordPress/6.8.8)",
        "x-wc-webhook-source": "https://shop.example.test/",
        "x-wc-webhook-topic": topic,
        "x-wc-webhook-resource": topic.split(".")[0],
        "x-wc-webhook-event": topic.split(".")[-1],
        "x-wc-webhook-signature": sign(body, secret),
        "x-wc-webhook-id": "3",
        "x-wc-webhook-delivery-id": "5f2b0cbe3a0e1e4c0d3c1f7a6a4b2c11",
    }


class CountingIntake:
    """Counts deliveries per order id; yields to the loop to interleave requests."""

    def __init__(self, fail_for: frozenset[int] = frozenset()) -> None:
        self.calls: Counter[int] = Counter()
        self.fail_for = fail_for

    async def __call__(self, delivery: Delivery) -> IntakeResult:
        await asyncio.sleep(random.random() / 500)
        if delivery.resource_id in self.fail_for:
            raise RuntimeError("disk full")
        self.calls[delivery.resource_id] += 1
        return IntakeResult.NEW


class SqliteOutbox:
    """A durable test intake: de-duplicates on (order id, date_modified_gmt), commits, answers."""

    def __init__(self, path: Path) -> None:
        self.path = path
        with sqlite3.connect(path) as db:
            db.execute(
                "CREATE TABLE outbox (order_id INTEGER, modified TEXT, topic TEXT, "
                "PRIMARY KEY (order_id, modified))"
            )

    async def __call__(self, delivery: Delivery) -> IntakeResult:
        modified = delivery.modified_gmt.isoformat() if delivery.modified_gmt else ""
        async with aiosqlite.connect(self.path) as db:
            row = await (
                await db.execute(
                    "SELECT max(modified) FROM outbox WHERE order_id = ?", (delivery.resource_id,)
                )
            ).fetchone()
            if row[0] is not None and modified < row[0]:
                return IntakeResult.STALE
            cursor = await db.execute(
                "INSERT OR IGNORE INTO outbox VALUES (?, ?, ?)",
                (delivery.resource_id, modified, delivery.topic),
            )
            await db.commit()
        return IntakeResult.NEW if cursor.rowcount else IntakeResult.DUPLICATE

    def rows(self) -> list[tuple[int, str, str]]:
        with sqlite3.connect(self.path) as db:
            return db.execute("SELECT * FROM outbox ORDER BY order_id, modified").fetchall()


def serve(intake, **kwargs) -> Iterator[RunningServer]:
    receiver = WebhookReceiver(secrets={"shop": SECRET}, intake=intake, **kwargs)
    running = start_server(receiver.app)
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def counting() -> CountingIntake:
    return CountingIntake(fail_for=frozenset({13}))


@pytest.fixture
def server(counting: CountingIntake) -> Iterator[RunningServer]:
    yield from serve(counting)


@pytest.fixture
def outbox(tmp_path: Path) -> SqliteOutbox:
    return SqliteOutbox(tmp_path / "outbox.sqlite")


@pytest.fixture
def durable_server(outbox: SqliteOutbox) -> Iterator[RunningServer]:
    yield from serve(outbox)


async def test_delivery_is_committed_before_200(durable_server, outbox) -> None:
    url = f"{durable_server.url}/webhooks/shop"
    sequence = [
        (order_body(7, "2026-11-22T10:00:00"), "order.created", "new"),
        (order_body(7, "2026-11-22T10:05:00"), "order.updated", "new"),
        (order_body(7, "2026-11-22T10:05:00"), "order.updated", "duplicate"),
        (order_body(7, "2026-11-22T09:59:00"), "order.updated", "stale"),
    ]
    async with httpx.AsyncClient() as client:
        for count, (body, topic, expected) in enumerate(sequence, start=1):
            response = await client.post(url, content=body, headers=wc_headers(body, topic))
            assert (response.status_code, response.text) == (200, expected)
            assert len(outbox.rows()) == min(count, 2)  # readable by another connection already
    assert outbox.rows() == [
        (7, "2026-11-22T10:00:00+00:00", "order.created"),
        (7, "2026-11-22T10:05:00+00:00", "order.updated"),
    ]


@pytest.mark.slow
async def test_1000_valid_and_200_forged_concurrent_deliveries(server, counting, caplog) -> None:
    caplog.set_level(logging.INFO)
    url = f"{server.url}/webhooks/shop"
    valid = [order_body(i) for i in range(1001, 2001)]
    forged = [_forge(order_body(5000 + i), i) for i in range(200)]
    deliveries = [(b, wc_headers(b)) for b in valid] + forged
    random.Random(7).shuffle(deliveries)
    # All 1,200 requests are in flight as tasks; the semaphore matches the pool size so
    # httpx does not spend the test's time managing a 1,200-deep connection queue.
    in_flight = asyncio.Semaphore(CONNECTIONS)
    limits = httpx.Limits(max_connections=CONNECTIONS, max_keepalive_connections=CONNECTIONS)
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:

        async def post(body: bytes, headers: dict[str, str]) -> httpx.Response:
            async with in_flight:
                return await client.post(url, content=body, headers=headers)

        responses = await asyncio.gather(*(post(b, h) for b, h in deliveries))
    statuses = Counter(r.status_code for r in responses)
    assert statuses == Counter({200: 1000, 401: 200})
    assert counting.calls == Counter({i: 1 for i in range(1001, 2001)})
    for secret_or_body in (SECRET, MARKER, "A-1"):
        assert secret_or_body not in caplog.text


def _forge(body: bytes, n: int) -> tuple[bytes, dict[str, str]]:
    """Four kinds of forgery: no signature, wrong key, tampered body, replayed signature."""
    headers = wc_headers(body)
    kind = n % 4
    if kind == 0:
        del headers["x-wc-webhook-signature"]
    elif kind == 1:
        headers["x-wc-webhook-signature"] = sign(body, "guessed-secret")
    elif kind == 2:
        body = body.replace(b'"processing"', b'"completed"')
    else:
        headers["x-wc-webhook-signature"] = sign(order_body(1001))
    return body, headers


async def test_creation_ping_over_loopback(server, counting) -> None:
    async with httpx.AsyncClient() as client:
        ping = await client.post(f"{server.url}/webhooks/shop", data={"webhook_id": "3"})
        unsigned = await client.post(
            f"{server.url}/webhooks/shop",
            content=order_body(1),
            headers={"x-wc-webhook-topic": "order.updated"},
        )
    assert (ping.status_code, unsigned.status_code) == (200, 401)
    assert counting.calls == Counter()


async def test_intake_crash_is_500_and_others_still_served(server, counting) -> None:
    url = f"{server.url}/webhooks/shop"
    bodies = [order_body(i) for i in (12, 13, 14)]
    async with httpx.AsyncClient() as client:
        responses = await asyncio.gather(
            *(client.post(url, content=b, headers=wc_headers(b)) for b in bodies)
        )
        health = await client.get(f"{server.url}/webhooks/health")
    assert [r.status_code for r in responses] == [200, 500, 200]
    assert counting.calls == Counter({12: 1, 14: 1})
    assert (health.status_code, health.text) == (200, "ok")


async def test_deleted_and_gone_orders_over_loopback(server, counting) -> None:
    url = f"{server.url}/webhooks/shop"
    deleted = b'{"id":21}'
    gone = json.dumps(
        {
            "code": "woocommerce_rest_shop_order_invalid_id",
            "message": "Invalid ID.",
            "data": {"status": 404},
        }
    ).encode()
    async with httpx.AsyncClient() as client:
        r1 = await client.post(url, content=deleted, headers=wc_headers(deleted, "order.deleted"))
        r2 = await client.post(url, content=gone, headers=wc_headers(gone, "order.updated"))
    assert (r1.status_code, r2.status_code, r2.text) == (200, 200, "gone")
    assert counting.calls == Counter({21: 1})


async def test_size_limit_over_a_real_socket(counting) -> None:
    for running in serve(counting, max_body_bytes=2048):
        url = f"{running.url}/webhooks/shop"
        big = order_body(31, note="n" * 4000)

        async def chunked(body: bytes = big):
            for start in range(0, len(body), 512):
                yield body[start : start + 512]

        async with httpx.AsyncClient() as client:
            declared = await client.post(url, content=big, headers=wc_headers(big))
            streamed = await client.post(url, content=chunked(), headers=wc_headers(big))
            small = order_body(32)
            fits = await client.post(url, content=small, headers=wc_headers(small))
        assert (declared.status_code, streamed.status_code, fits.status_code) == (413, 413, 200)
        assert counting.calls == Counter({32: 1})
