"""Hostile webhook traffic, end to end into the real outbox on a real state file.

The receiver runs as the engine runs it (uvicorn in the engine's loop, the
IntakeRouter, OrderIntake and StateStore behind it); every request goes over a
loopback socket.  What must hold: nothing unsigned, malformed or stale reaches the
outbox, every valid delivery does (and survives closing the store), duplicates
cost nothing, and the receiver keeps serving whatever it was sent.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import random
import sqlite3
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from engine.events import EventBus
from engine.store import StateStore
from engine.sync.context import SyncContext
from engine.sync.orders import IntakeRouter, OrderIntake
from engine.webhooks import WebhookReceiver, WebhookServer

pytestmark = pytest.mark.timeout(90)

SECRET = "whsec-abuse-6c1d0f9e8a7b"
LIMIT = 64 * 1024
CONCURRENCY = 64


def order(order_id: int, modified: str = "2026-11-22T10:15:30", **extra: Any) -> dict[str, Any]:
    return {
        "id": order_id,
        "number": str(order_id),
        "status": "completed",
        "currency": "EUR",
        "total": "19.80",
        "date_modified_gmt": modified,
        "line_items": [{"id": 1, "sku": "A-1", "quantity": 2, "total": "19.80"}],
        **extra,
    }


def encode(payload: object) -> bytes:
    return json.dumps(payload, separators=(",", ":")).encode()


def sign(body: bytes, secret: str = SECRET) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def headers(body: bytes, topic: str = "order.updated", **override: str) -> dict[str, str]:
    return {
        "content-type": "application/json",
        "x-wc-webhook-topic": topic,
        "x-wc-webhook-signature": sign(body),
        "x-wc-webhook-delivery-id": "f00d",  # WooCommerce reuses these: never trusted
        **override,
    }


@dataclass
class Receiver:
    url: str
    path: Path
    receiver: WebhookReceiver

    def outbox(self) -> dict[int, tuple[str, str]]:
        """order id → (modified_gmt, status in the stored payload), read by another connection."""
        with sqlite3.connect(self.path) as db:
            rows = db.execute("SELECT woo_order_id, modified_gmt, payload FROM outbox").fetchall()
        return {
            oid: (datetime.fromisoformat(modified).isoformat(), json.loads(payload)["status"])
            for oid, modified, payload in rows
        }


@pytest.fixture
async def hooked(tmp_path: Path) -> AsyncIterator[Receiver]:
    store = await StateStore.open(tmp_path / "state.db", synchronous="NORMAL")
    ctx = SyncContext("default", store, woo=None, backend=None, bus=EventBus())  # type: ignore[arg-type]
    receiver = WebhookReceiver(
        secrets={"default": SECRET},
        intake=IntakeRouter({"default": OrderIntake(ctx)}),
        max_body_bytes=LIMIT,
        bus=ctx.bus,
    )
    server = WebhookServer(receiver.app, port=0)
    await server.start()
    try:
        yield Receiver(f"{server.url}/webhooks/default", store.path, receiver)
    finally:
        await server.stop()
        await store.close()


async def post(client: httpx.AsyncClient, url: str, body: bytes, hdrs: dict) -> httpx.Response:
    return await client.post(url, content=body, headers=hdrs)


def _forgeries() -> list[tuple[str, bytes, dict[str, str]]]:
    body = encode(order(9001))
    tampered = body.replace(b'"19.80"', b'"0.01"')
    return [
        ("no signature", body, {k: v for k, v in headers(body).items() if "signature" not in k}),
        ("wrong key", body, headers(body, **{"x-wc-webhook-signature": sign(body, "guess")})),
        ("tampered body", tampered, headers(body)),
        ("signature of another body", body, headers(encode(order(9002)))),
        ("empty signature", body, headers(body, **{"x-wc-webhook-signature": ""})),
        ("garbage signature", body, headers(body, **{"x-wc-webhook-signature": "%%%=="})),
        ("ping with JSON", body, {"content-type": "application/x-www-form-urlencoded"}),
    ]


async def test_forged_deliveries_are_refused_and_never_stored(hooked: Receiver) -> None:
    async with httpx.AsyncClient() as client:
        for name, body, hdrs in _forgeries():
            answer = await post(client, hooked.url, body, hdrs)
            assert answer.status_code == 401, name
    assert hooked.outbox() == {}
    assert hooked.receiver.stats().bad_signatures == len(_forgeries())


def _unusable() -> list[tuple[str, bytes, dict[str, str], int]]:
    nested = b"[" * 30_000 + b"]" * 30_000  # deeper than the parser goes, under the limit
    cases: list[tuple[str, bytes, str, int]] = [
        ("malformed JSON", b'{"id": 9101, "status": ', "application/json", 400),
        ("JSON array", encode([order(9102)]), "application/json", 400),
        ("wrong content type", encode(order(9103)), "text/plain", 400),
        ("form body", b"id=9104&status=completed", "application/x-www-form-urlencoded", 400),
        ("nested to death", nested, "application/json", 400),
        ("no id", encode({**order(9105), "id": None}), "application/json", 400),
        ("id a string", encode({**order(9106), "id": "9106"}), "application/json", 400),
        ("id negative", encode(order(-9107)), "application/json", 400),
        ("id beyond 64 bits", encode(order(2**70)), "application/json", 400),
        ("not UTF-8", b'{"id": 9108, "x": "\xff\xfe"}', "application/json", 400),
    ]
    return [(name, body, headers(body, **{"content-type": ct}), code)
            for name, body, ct, code in cases]  # fmt: skip


async def test_signed_but_unusable_bodies_are_refused_and_never_stored(hooked: Receiver) -> None:
    async with httpx.AsyncClient() as client:
        for name, body, hdrs, code in _unusable():
            answer = await post(client, hooked.url, body, hdrs)
            assert answer.status_code == code, (name, answer.text)
        health = await client.get(hooked.url.replace("/default", "/health"))
    assert health.status_code == 200
    assert hooked.outbox() == {}


def _wrong_shapes() -> list[tuple[str, bytes]]:
    """Signed bodies whose shape does not match their order topic (issue 12)."""
    product = {
        "id": 9151,
        "name": "Mug",
        "sku": "MUG",
        "type": "simple",
        "price": "9.90",
        "date_modified_gmt": "2026-11-22T10:15:30",
        "status": "publish",
    }
    junk = [
        [1, None, "x"],
        [{"sku": "A-1", "quantity": "lots"}],
        [{"quantity": True}],
        [{"sku": ["A-1"], "quantity": 1}],
        [{"product_id": "7", "quantity": 1}],
    ]
    bodies = [
        ("product body", product),
        ("line_items a string", order(9152, line_items="A-1 x 2")),
        ("line_items an object", order(9153, line_items={"sku": "A-1"})),
        ("no currency", {**order(9154), "currency": None}),
        ("no status", {k: v for k, v in order(9155).items() if k != "status"}),
    ]
    bodies += [
        (f"junk line items {n}", order(9160 + n, line_items=items)) for n, items in enumerate(junk)
    ]
    return [(name, encode(payload)) for name, payload in bodies]  # fmt: skip


async def test_signed_bodies_of_the_wrong_shape_get_400_never_500(hooked: Receiver) -> None:
    async with httpx.AsyncClient() as client:
        for name, body in _wrong_shapes():
            for topic in ("order.created", "order.updated"):
                answer = await post(client, hooked.url, body, headers(body, topic))
                assert answer.status_code == 400, (name, topic, answer.text)
    assert hooked.outbox() == {}
    assert hooked.receiver.stats().errors == 0


async def test_bodies_over_the_limit_are_cut_off_and_never_stored(hooked: Receiver) -> None:
    padding = "x" * (LIMIT + 1)
    body = encode(order(9201, customer_note=padding))

    async def chunks():  # no content-length: the limit must hold on the stream itself
        for start in range(0, len(body), 8192):
            yield body[start : start + 8192]

    async with httpx.AsyncClient() as client:
        declared = await post(client, hooked.url, body, headers(body))
        streamed = await client.post(hooked.url, content=chunks(), headers=headers(body))
        ok = await post(client, hooked.url, encode(order(9202)), headers(encode(order(9202))))
    assert (declared.status_code, streamed.status_code) == (413, 413)
    assert ok.status_code == 200
    assert set(hooked.outbox()) == {9202}


async def test_replays_out_of_order_stale_and_foreign_topics(hooked: Receiver) -> None:
    older = encode(order(9301, "2026-11-22T10:00:00", status="processing"))
    newer = encode(order(9301, "2026-11-22T10:05:00", status="completed"))
    answers: list[tuple[int, str]] = []
    async with httpx.AsyncClient() as client:
        for body, topic in [
            (newer, "order.updated"),  # the later revision arrives first …
            (older, "order.created"),  # … the earlier one late: stale
            (newer, "order.updated"),  # replayed: duplicate
            (newer, "order.updated"),
            (encode(order(9302, status="pending")), "order.created"),  # status not synced
            (encode(order(9303)), "product.updated"),  # a webhook pointed at us by mistake
            (encode(order(9304)), "coupon.created"),
            (encode(order(9305)), ""),
        ]:
            answer = await post(client, hooked.url, body, headers(body, topic))
            answers.append((answer.status_code, answer.text))
    assert answers == [
        (200, "new"), (200, "stale"), (200, "duplicate"), (200, "duplicate"),
        (200, "ignored"), (200, "ignored"), (200, "ignored"), (200, "ignored"),
    ]  # fmt: skip
    assert hooked.outbox() == {9301: ("2026-11-22T10:05:00+00:00", "completed")}


async def test_1000_concurrent_valid_deliveries_all_land_none_forged(
    hooked: Receiver, tmp_path: Path
) -> None:
    valid = {i: encode(order(i, f"2026-11-22T10:{i % 60:02d}:00")) for i in range(20_001, 21_001)}
    deliveries = [(body, headers(body)) for body in valid.values()]
    deliveries += [(valid[i], headers(valid[i])) for i in range(20_001, 21_001, 5)]  # replays
    for n, (_, body, hdrs) in enumerate(_forgeries() * 30):
        forged = body.replace(b"900", f"3{n:04d}".encode())
        deliveries.append((forged, hdrs))
    random.Random(11).shuffle(deliveries)
    gate = asyncio.Semaphore(CONCURRENCY)
    limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
    async with httpx.AsyncClient(limits=limits, timeout=60) as client:

        async def one(body: bytes, hdrs: dict[str, str]) -> httpx.Response:
            async with gate:
                return await post(client, hooked.url, body, hdrs)

        answers = await asyncio.gather(*(one(b, h) for b, h in deliveries))
    outcomes = Counter((a.status_code, a.text if a.status_code == 200 else "") for a in answers)
    assert outcomes == Counter(
        {(200, "new"): 1000, (200, "duplicate"): 200, (401, ""): len(_forgeries()) * 30}
    )
    stored = hooked.outbox()
    assert set(stored) == set(valid)  # 0 lost, 0 forged
    assert hooked.receiver.stats().errors == 0
