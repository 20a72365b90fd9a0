"""Product deliveries handed to a connection's hint (issue 15), through ASGITransport.

The loopback tests (tests/integration/test_push_hints.py) cover real
deliveries; these are the receiver's own rules: a hint only after the
signature, a failing hint still answers 200 (the scheduled run reads the
change anyway), and an unsigned or forged product delivery reaches nothing.
"""

from __future__ import annotations

import json
from typing import Any

import httpx

from engine.webhooks import WebhookReceiver
from tests.unit.test_webhooks_receiver import SECRET, RecordingIntake, headers

PRODUCT = json.dumps({"id": 12, "sku": "MIN-1", "name": "Mug"}).encode()


class Hints:
    def __init__(self, fail: bool = False) -> None:
        self.seen: list[tuple[str, dict[str, Any]]] = []
        self.fail = fail

    async def __call__(self, topic: str, payload: dict[str, Any]) -> str:
        if self.fail:
            raise RuntimeError("scheduler stopping")
        self.seen.append((topic, payload))
        return "queued catalog"


async def _post(receiver: WebhookReceiver, body: bytes, **kw: Any) -> httpx.Response:
    transport = httpx.ASGITransport(app=receiver.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://hooks") as client:
        return await client.post("/webhooks/shop", content=body, headers=headers(body, **kw))


async def test_a_signed_product_delivery_reaches_the_hint() -> None:
    hints = Hints()
    intake = RecordingIntake()
    receiver = WebhookReceiver(secrets={"shop": SECRET}, intake=intake, hints={"shop": hints})
    answer = await _post(receiver, PRODUCT, topic="product.updated")
    assert (answer.status_code, answer.text) == (200, "queued catalog")
    assert hints.seen == [("product.updated", {"id": 12, "sku": "MIN-1", "name": "Mug"})]
    assert intake.deliveries == [] and receiver.stats().hints == 1


async def test_a_forged_product_delivery_reaches_nothing() -> None:
    hints = Hints()
    receiver = WebhookReceiver(
        secrets={"shop": SECRET}, intake=RecordingIntake(), hints={"shop": hints}
    )
    answer = await _post(receiver, PRODUCT, topic="product.updated", secret="not-the-secret")
    assert answer.status_code == 401 and hints.seen == []


async def test_a_failing_hint_still_answers_200() -> None:
    receiver = WebhookReceiver(
        secrets={"shop": SECRET}, intake=RecordingIntake(), hints={"shop": Hints(fail=True)}
    )
    answer = await _post(receiver, PRODUCT, topic="product.updated")
    assert (answer.status_code, answer.text) == (200, "not noted")
