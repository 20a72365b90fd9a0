"""Sitoo's Events SPI over loopback: the sandbox's client posts batches to our
back-office route under Basic auth; each batch is kept before the 200, stock
events start the stock job at once, an unknown event_type is acknowledged and
ignored, and a wrong password is refused without keeping anything."""

from __future__ import annotations

import pytest

from engine.runtime.order_services import keep_then_run
from engine.webhooks import BackofficeEndpoint, BackofficeHooks, WebhookReceiver, WebhookServer
from sandbox import sitoo

from .orders_harness import wait_until
from .sitoo_orders_harness import sandboxes, sitoo_world

pytestmark = pytest.mark.timeout(60)

HOOK_USER, HOOK_PASSWORD = "sitoo-events", "events-cb-secret-4411"


@pytest.fixture
def servers():
    with sandboxes() as running:
        yield running


async def _recorded(world) -> list[str]:
    rows = await world.ctx.store.events.query(job="orders", limit=50)
    return [r.message for r in rows if "notified sitoo[test] events" in r.message]


async def test_event_batches_are_kept_and_start_the_stock_job(servers, tmp_path) -> None:
    settings = {"events_user": HOOK_USER, "events_password": HOOK_PASSWORD}
    async with sitoo_world(servers, tmp_path, **settings) as world:
        started: list[tuple[str, str]] = []
        intake = keep_then_run(
            world.worker.backoffice_event, "default", lambda job, c: started.append((job, c))
        )
        endpoint = BackofficeEndpoint(world.ctx.backend.parse_notification, intake)
        receiver = WebhookReceiver(
            secrets={"default": "woo-secret"},
            intake=world.intake,
            backoffice=BackofficeHooks({"default": endpoint}),
        )
        server = WebhookServer(receiver.app, port=0)
        await server.start()
        url = f"{server.url}/webhooks/default/backoffice"
        client = sitoo.EventsClient(url, world.sb.account_id, auth=(HOOK_USER, HOOK_PASSWORD))
        world.sb.on_event = client.emit
        client.start()
        try:
            client.emit("warehouse-transaction", {"warehouse_id": 1})
            client.emit("mystery-event", {"x": 1})

            async def delivered() -> bool:
                return client.delivered == 2

            await wait_until(delivered)
            assert started == [("stock", "default")]
            texts = await _recorded(world)
            assert any("mystery-event×1" in t and "warehouse-transaction×1" in t for t in texts)
            wrong = sitoo.EventsClient(url, world.sb.account_id, auth=(HOOK_USER, "nope"))
            wrong.start()
            wrong.emit("order", {"order_id": 1})

            async def answered() -> bool:
                return wrong.attempts >= 1 and not wrong.queue

            await wait_until(answered)
            wrong.stop()
            assert wrong.delivered == 1 and started == [("stock", "default")]
            assert len(await _recorded(world)) == len(texts)  # refused: nothing kept
        finally:
            client.stop()
            await server.stop()
