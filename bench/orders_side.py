"""tillsync's order path as a long-running service inside a measured child.

Wired as a started engine wires it per connection (``engine.sync.orders``
docstring): the catalog job first (so the shop's products carry KORONA
numbers as SKUs and links exist), then the webhook receiver on a loopback
port, webhooks installed in the store with a fresh secret, and the outbox
worker running until the parent sends ``stop``; with ``watch_seconds`` in
the payload also the light order watch, as the service runs it.  Everything
else with its defaults: trigger status ``completed``, default backoff and
idle interval.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from bench.procs import commands, emit
from bench.tillsync_side import connect, woo_numbers
from engine.notify import LogAlerts
from engine.sync.catalog import CatalogSync
from engine.sync.context import SyncContext
from engine.sync.orders import (
    OrderIntake,
    OrderWatch,
    OrderWorker,
    install_webhooks,
    new_webhook_secret,
)
from engine.webhooks import WebhookReceiver, WebhookServer

__all__ = ["TimedIntake", "orders_service"]


class TimedIntake:
    """The intake as the receiver sees it, noting when each order's first delivery arrived.

    Wall-clock time (the receipt is timed in the KORONA process), keyed by
    the order number, so the parent can split the latency into the store's
    delivery delay and tillsync's part (delivery received → receipt booked).
    """

    def __init__(self, intake: OrderIntake) -> None:
        self.intake = intake
        self.first_received: dict[str, float] = {}

    async def __call__(self, delivery: Any) -> Any:
        number = str(delivery.payload.get("number") or delivery.resource_id)
        self.first_received.setdefault(number, time.time())
        return await self.intake(delivery)


async def _until_stopped() -> None:
    take = commands()
    while True:
        line = take()
        if line is None or line == "stop":
            return
        await asyncio.sleep(0.05)


async def _serve(
    ctx: SyncContext, worker: OrderWorker, intake: OrderIntake, watch: OrderWatch | None
) -> dict[str, Any]:
    secret = new_webhook_secret()
    timed = TimedIntake(intake)
    receiver = WebhookReceiver(secrets={ctx.connection: secret}, intake=timed)
    server = WebhookServer(receiver.app, port=0)
    await server.start()
    stop = asyncio.Event()
    running = [asyncio.create_task(worker.run_forever(stop))]
    try:
        hook_url = f"{server.url}{receiver.path_for(ctx.connection)}"
        await install_webhooks(ctx.woo, hook_url, secret=secret)
        before = woo_numbers(ctx)
        if watch is not None:
            running.append(asyncio.create_task(watch.run_forever(stop)))
        emit({"event": "ready"})
        await _until_stopped()
    finally:
        stop.set()
        await asyncio.gather(*running)
        await server.stop()
    served = {
        "woo": woo_numbers(ctx),
        "woo_at_ready": before,
        "first_received": timed.first_received,
    }
    return served | ({"watch_checks": watch.checks} if watch is not None else {})


async def orders_service(payload: dict[str, Any]) -> dict[str, Any]:
    """Catalog set-up, then receive webhooks and book orders until told to stop."""
    async with connect(payload) as ctx:
        catalog = await CatalogSync(ctx).run()
        worker = OrderWorker(ctx, LogAlerts())
        intake = OrderIntake(ctx, worker.rules, on_new=worker.wake)
        seconds = float(payload.get("watch_seconds") or 0)
        watch = OrderWatch(ctx, intake, interval=seconds) if seconds > 0 else None
        served = await _serve(ctx, worker, intake, watch)
        return {"catalog_written": catalog.totals.written, **served}
