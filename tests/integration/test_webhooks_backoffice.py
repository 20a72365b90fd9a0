"""POST /webhooks/<connection>/backoffice over loopback: checked by the adapter, kept before 200.

A small in-test adapter signs its notifications with an HMAC header (as a
back office with event subscriptions does); the sale it confirms was
accepted by the KORONA sandbox as QUEUED, so the order is ``confirming``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from engine.backends.base import BackofficeEvent, SaleRef
from engine.errors import AuthError, ValidationError
from engine.store import OutboxState, WriteBackState
from engine.webhooks import BackofficeEndpoint, BackofficeHooks, WebhookReceiver, WebhookServer

from .orders_harness import World, order_world, sandboxes
from .test_orders_booking import arrived

pytestmark = pytest.mark.timeout(60)

KEY = b"backoffice-signing-key"


@pytest.fixture
def servers():
    with sandboxes() as running:
        yield running


async def parse_signed(headers: Mapping[str, str], body: bytes) -> BackofficeEvent:
    """What an adapter's parse_notification does: check the signature, then read."""
    expected = hmac.new(KEY, body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(headers.get("x-signature", ""), expected):
        raise AuthError("notification signature does not match")
    try:
        data = json.loads(body)
        sale = SaleRef(data["id"], data["number"]) if data.get("id") else None
        return BackofficeEvent(data["topic"], data["requestId"], sale, data.get("reason", ""))
    except (ValueError, KeyError, TypeError):
        raise ValidationError("not a notification") from None


def signed(data: dict) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(data).encode()
    return body, {"x-signature": hmac.new(KEY, body, hashlib.sha256).hexdigest()}


@dataclass
class Hooked:
    world: World
    url: str
    http: httpx.AsyncClient

    async def post(self, data: dict, *, connection: str = "default", **headers: str):
        body, signature = signed(data)
        url = self.url.replace("/default/", f"/{connection}/")
        return await self.http.post(url, content=body, headers={**signature, **headers})

    async def confirming(self) -> tuple[int, str, dict]:
        """An order the sandbox accepted as QUEUED: its id, pending ref and receipt."""
        world = self.world
        world.kb.knobs.update(receipt_fault="queued")
        order = world.place(status="completed")
        await arrived(world, order["id"])
        assert (await world.worker.drain()).confirming == 1
        entry = await world.entry(order["id"])
        (receipt,) = world.sales()[world.receipts_before :]
        return order["id"], entry.pending_ref, receipt


@asynccontextmanager
async def hooked(servers, tmp_path: Path) -> AsyncIterator[Hooked]:
    async with order_world(servers, tmp_path) as world:
        endpoint = BackofficeEndpoint(parse_signed, world.worker.backoffice_event)
        receiver = WebhookReceiver(
            secrets={"default": "woo-secret"},
            intake=world.intake,
            backoffice=BackofficeHooks({"default": endpoint}),
        )
        server = WebhookServer(receiver.app, port=0)
        await server.start()
        try:
            async with httpx.AsyncClient() as http:
                yield Hooked(world, f"{server.url}/webhooks/default/backoffice", http)
        finally:
            await server.stop()


async def test_a_signed_confirmation_is_kept_before_the_200(servers, tmp_path: Path) -> None:
    async with hooked(servers, tmp_path) as hook:
        order_id, ref, receipt = await hook.confirming()
        note = {"topic": "sale.confirmed", "requestId": ref, **receipt}
        response = await hook.post({k: note[k] for k in ("topic", "requestId", "id", "number")})
        assert (response.status_code, response.text) == (200, "confirmed")
        entry = await hook.world.entry(order_id)  # on disk when the 200 arrived
        assert entry.state is OutboxState.DONE and entry.backoffice_ref == receipt["number"]
        (debt,) = await hook.world.ctx.store.writebacks.entries()
        assert (debt.woo_order_id, debt.state) == (order_id, WriteBackState.OWED)
        assert (await hook.world.worker.drain()).written_back == 1


async def test_unknown_connection_bad_signature_and_garbage_store_nothing(
    servers, tmp_path: Path
) -> None:
    async with hooked(servers, tmp_path) as hook:
        order_id, ref, receipt = await hook.confirming()
        events_before = await hook.world.ctx.store.events.count()
        note = {"topic": "sale.confirmed", "requestId": ref, "id": receipt["id"], "number": "1"}

        assert (await hook.post(note, connection="elsewhere")).status_code == 404
        forged = await hook.post(note, **{"x-signature": "0" * 64})
        assert (forged.status_code, forged.text) == (401, "notification not authorized")
        body, signature = signed({"topic": "sale.confirmed"})  # signed, but no requestId
        garbage = await hook.http.post(hook.url, content=body, headers=signature)
        assert garbage.status_code == 400

        assert (await hook.world.entry(order_id)).state is OutboxState.CONFIRMING
        assert await hook.world.ctx.store.events.count() == events_before


async def test_a_notification_naming_no_waiting_order_is_recorded(servers, tmp_path: Path) -> None:
    async with hooked(servers, tmp_path) as hook:
        before = await hook.world.ctx.store.events.count()
        response = await hook.post({"topic": "stock.changed", "requestId": "r-77"})
        assert (response.status_code, response.text) == (200, "recorded")
        assert await hook.world.ctx.store.events.count() == before + 1


async def test_a_sale_refused_after_acceptance_is_a_dead_letter(servers, tmp_path: Path) -> None:
    async with hooked(servers, tmp_path) as hook:
        order_id, ref, _ = await hook.confirming()
        refused = {"topic": "sale.refused", "requestId": ref, "reason": "unknown VAT id"}
        response = await hook.post(refused)
        assert (response.status_code, response.text) == (200, "refused")
        entry = await hook.world.entry(order_id)
        assert entry.state is OutboxState.FAILED and "unknown VAT id" in entry.last_error
        assert entry.next_attempt_at is None  # waits for the admin
