"""Webhook deliveries: queued, merged, built at send time, signed, counted.

Reproduces what a real store does (reference §9, §13): an event for a
webhook+resource that already has a pending delivery is merged into it; the
payload is rendered when the delivery is *sent* (a deleted resource yields
the signed 404 error object); ``X-WC-Webhook-Delivery-ID`` hashes webhook id
and current second (not unique); 200..302 is success and resets the failure
count, anything else counts, and a failure when the count already exceeds
``max_webhook_failures`` disables the webhook (the 7th with the default 5).
Deliveries run in one asyncio task on the server's loop; events may come
from any thread.

Two timing models.  With ``sb.cron_interval`` at 0 (tests) a delivery is sent
``sb.webhook_delay`` seconds after its first event.  With it above 0 the store
behaves like a real one (reference §13/§14): deliveries wait in Action
Scheduler's queue, which WP-cron runs only when a request reaches the site
(REST calls, pages, ``/wp-cron.php``) and at most once per ``cron_interval``
(60 s on a real site; multiplied by the host model's ``time_scale`` when that
is above 0).  Everything queued by then goes out in that run, as one batch.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import hmac
import math
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import httpx

from sandbox.woocommerce.delivery_payload import build_payload, delivery_blocked
from sandbox.woocommerce.store_settings import WC_VERSION, WP_VERSION
from sandbox.woocommerce.wire import php_json

if TYPE_CHECKING:
    from sandbox.woocommerce.state import WooSandbox

__all__ = ["USER_AGENT", "DeliveryQueue", "DeliveryRecord"]

USER_AGENT = f"WooCommerce/{WC_VERSION} Hookshot (WordPress/{WP_VERSION})"


@dataclass(frozen=True)
class DeliveryRecord:
    """One delivery attempt as the store logged it (status 0 = transport error)."""

    webhook_id: int
    topic: str
    resource_id: int
    delivery_id: str
    status: int
    body: bytes = field(repr=False)
    sent_at: float


class DeliveryQueue:
    """Pending deliveries keyed by (webhook id, resource id), plus a sent log."""

    def __init__(self, sb: WooSandbox) -> None:
        self.sb = sb
        self.pending: dict[tuple[int, int], float] = {}
        self.merged = 0
        self.log: list[DeliveryRecord] = []
        self.pings: list[tuple[int, int]] = []
        self.cron_runs = 0
        self._last_cron = -math.inf
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None

    # -- producing -----------------------------------------------------------------------

    def event(self, topic: str, resource_id: int) -> None:
        """Queue (or merge) a delivery for every active webhook on ``topic``."""
        hooks = [
            w
            for w in list(self.sb.webhooks.values())
            if w["topic"] == topic and w["status"] == "active"
        ]
        due = math.inf if self.cron_period() > 0 else time.monotonic() + self.sb.webhook_delay
        with self._lock:
            for hook in hooks:
                key = (hook["id"], resource_id)
                if key in self.pending:
                    self.merged += 1
                else:
                    self.pending[key] = due
        if hooks:
            self._poke()

    def cron_period(self) -> float:
        """Seconds between two Action Scheduler runs; 0 = the simple timer model."""
        scale = self.sb.host_model.time_scale
        return self.sb.cron_interval * (scale if scale > 0 else 1.0)

    def site_request(self) -> None:
        """A request reached WordPress: WP-cron runs the queue if a run is due."""
        period = self.cron_period()
        now = time.monotonic()
        if period <= 0 or now - self._last_cron < period:
            return
        with self._lock:
            self._last_cron = now
            self.cron_runs += 1
            for key in self.pending:
                self.pending[key] = 0.0
        self._poke()

    def _poke(self) -> None:
        loop, wake = self._loop, self._wake
        if loop is not None and wake is not None and not loop.is_closed():
            loop.call_soon_threadsafe(wake.set)

    # -- running -------------------------------------------------------------------------

    def ensure_running(self) -> None:
        """Start the delivery task on the current loop unless it already runs."""
        if self._task is not None and not self._task.done():
            return
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        self._task = self._loop.create_task(self._run(), name="woo-sandbox-webhooks")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    def flush_due_now(self) -> None:
        """Make every pending delivery due immediately (tests, demo 'run cron')."""
        with self._lock:
            for key in self.pending:
                self.pending[key] = 0.0
        self._poke()

    async def _run(self) -> None:
        assert self._wake is not None
        async with httpx.AsyncClient(follow_redirects=False) as client:
            while True:
                self._wake.clear()
                for key in self._take_due():
                    await self._deliver(client, *key)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self._next_wait())

    def _take_due(self) -> list[tuple[int, int]]:
        now = time.monotonic()
        with self._lock:
            due = sorted((at, key) for key, at in self.pending.items() if at <= now)
            for _, key in due:
                del self.pending[key]
        return [key for _, key in due]

    def _next_wait(self) -> float | None:
        with self._lock:
            soonest = min(self.pending.values(), default=math.inf)
        return None if soonest == math.inf else max(0.0, soonest - time.monotonic())

    # -- sending -------------------------------------------------------------------------

    async def _deliver(self, client: httpx.AsyncClient, webhook_id: int, resource_id: int) -> None:
        with self.sb.lock:
            hook = self.sb.webhooks.get(webhook_id)
            if hook is None:
                return
            body = php_json(build_payload(self.sb, hook["topic"], resource_id))
            headers = self._headers(hook, body)
        status = 0
        if not delivery_blocked(self.sb, hook["delivery_url"]):
            try:
                response = await client.post(
                    hook["delivery_url"],
                    content=body,
                    headers=headers,
                    timeout=self.sb.webhook_timeout,
                )
                status = response.status_code
            except httpx.HTTPError:
                status = 0
        self._record(hook, resource_id, headers["X-WC-Webhook-Delivery-ID"], status, body)

    def _headers(self, hook: dict[str, Any], body: bytes) -> dict[str, str]:
        resource, _, event = hook["topic"].partition(".")
        signature = hmac.new(hook["secret"].encode(), body, hashlib.sha256).digest()
        second = int(time.time())
        delivery_id = hashlib.md5(f"sandbox-salt{hook['id']}{second}".encode()).hexdigest()
        return {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "X-WC-Webhook-Source": self.sb.site_for() + "/",
            "X-WC-Webhook-Topic": hook["topic"],
            "X-WC-Webhook-Resource": resource,
            "X-WC-Webhook-Event": event,
            "X-WC-Webhook-Signature": base64.b64encode(signature).decode("ascii"),
            "X-WC-Webhook-ID": str(hook["id"]),
            "X-WC-Webhook-Delivery-ID": delivery_id,
        }

    def _record(
        self, hook: dict[str, Any], resource_id: int, delivery_id: str, status: int, body: bytes
    ) -> None:
        record = DeliveryRecord(
            hook["id"], hook["topic"], resource_id, delivery_id, status, body, time.time()
        )
        with self.sb.lock:
            self.log = [*self.log[-999:], record]
            self.sb.stats.add("webhook_deliveries")
            live = self.sb.webhooks.get(hook["id"])
            if live is None:
                return
            if 200 <= status < 303:
                live["failure_count"] = 0
                return
            self.sb.stats.add("webhook_failures")
            if live["failure_count"] > self.sb.max_webhook_failures:
                live["status"] = "disabled"
            else:
                live["failure_count"] += 1

    async def ping(self, webhook_id: int) -> None:
        """POST ``webhook_id=N`` form-encoded, unsigned; only a 200 counts as OK."""
        hook = self.sb.webhooks[webhook_id]
        status = 0
        try:
            async with httpx.AsyncClient(follow_redirects=False) as client:
                response = await client.post(
                    hook["delivery_url"],
                    content=f"webhook_id={webhook_id}".encode(),
                    headers={
                        "User-Agent": USER_AGENT,
                        "Content-Type": "application/x-www-form-urlencoded",
                    },
                    timeout=self.sb.ping_timeout,
                )
                status = response.status_code
        except httpx.HTTPError:
            status = 0
        with self.sb.lock:
            self.pings.append((webhook_id, status))
            self.sb.stats.add("webhook_pings")
            if status == 200 and webhook_id in self.sb.webhooks:
                self.sb.webhooks[webhook_id]["pending_delivery"] = False
