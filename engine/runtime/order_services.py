"""The long-running order services of a started engine.

Orders flow WooCommerce → outbox → back office through parts that live as
long as the engine: the webhook receiver (verifies deliveries and writes
them to the outbox before answering 200), the light order watch (asks every
few seconds what changed, because WooCommerce's webhooks come a minute or
more late), the scheduled poll (the safety net, an ordinary job) and one
outbox worker per connection (books the sales, one at a time).  This class
starts and stops the receiver, the watches and the workers with the engine,
and registers the webhooks in WooCommerce.

Order of things: the receiver listens before the webhooks are registered
(WooCommerce pings the URL while creating one, so registration runs in the
background); on stop the registration is abandoned, the receiver stops (no
new deliveries), then the workers finish the booking in hand.
A store that cannot be reached at start-up does not stop the service: the
webhooks are registered again on the next start, the poll covers the gap,
and ``tillsync doctor`` says what is missing.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from engine.backends import Capability
from engine.backends.records import BackofficeEvent
from engine.config import NotifySettings
from engine.errors import TillsyncError
from engine.notify import AlertSink, EmailAlerts, LogAlerts
from engine.runtime.connection import ConnectionRuntime
from engine.runtime.jobs import missing_settings_for
from engine.sync.orders import IntakeRouter, install_webhooks
from engine.sync.push_hints import PushHints, pushes_anything, pushes_coupons, pushes_customers
from engine.webhooks import (
    BackofficeEndpoint,
    BackofficeHooks,
    Hint,
    WebhookReceiver,
    WebhookServer,
)
from engine.webhooks.backoffice import EventIntake

if TYPE_CHECKING:
    from engine.runtime.engine import Engine

__all__ = ["OrderServices", "backoffice_hooks", "build_alerts", "keep_then_run", "push_hints"]

log = logging.getLogger(__name__)

WORKER_STOP_TIMEOUT = 30.0  # a booking in hand is allowed to finish


def build_alerts(notify: NotifySettings) -> AlertSink:
    """E-mail when ``[notify]`` has recipients, otherwise the log only."""
    if not notify.enabled or not notify.smtp_host:
        return LogAlerts()
    return EmailAlerts(
        notify.smtp_host,
        notify.smtp_port,
        notify.sender or notify.admin_email[0],
        notify.admin_email,
        username=notify.smtp_user,
        password=notify.smtp_password,
        starttls=notify.starttls,
    )


JobStarter = Callable[[str, str], object]


def keep_then_run(keep: EventIntake, connection: str, start: JobStarter | None) -> EventIntake:
    """The event is kept first; then the jobs it asks for start at once (a job
    that is not scheduled, or already running, is left to its schedule): the
    answer never depends on a job, so a back office's queue is never held up."""

    async def intake(event: BackofficeEvent) -> str:
        outcome = await keep(event)
        for job in event.jobs if start is not None else ():
            try:
                start(job, connection)
            except (TillsyncError, KeyError) as refused:  # not running, or not scheduled
                log.info("%s: %s not started after a notification: %s", connection, job, refused)
        return outcome

    return intake


def backoffice_hooks(
    connections: list[ConnectionRuntime], max_body_bytes: int, start: JobStarter | None = None
) -> BackofficeHooks | None:
    """``POST …/<name>/backoffice`` for each connection whose back office notifies
    (capability ``notifications``): its adapter checks, its worker keeps the event,
    then the jobs the event asks for start (``start(job, connection)``)."""
    endpoints = {
        c.name: BackofficeEndpoint(
            c.backend.parse_notification, keep_then_run(c.worker.backoffice_event, c.name, start)
        )
        for c in connections
        if c.worker is not None and Capability.NOTIFICATIONS in c.backend.capabilities
    }
    return BackofficeHooks(endpoints, max_body_bytes=max_body_bytes) if endpoints else None


def push_hints(connections: list[ConnectionRuntime], start: JobStarter) -> dict[str, Hint]:
    """Product and customer deliveries for each connection that pushes the shop's
    edits: news asks for the job that pushes it (``start(job, connection)``), our own
    echo for nothing."""
    return {
        c.name: PushHints(c.ctx, lambda job, name=c.name: start(job, name))
        for c in connections
        if pushes_anything(c.ctx) or pushes_customers(c.ctx) or pushes_coupons(c.ctx)
    }


class OrderServices:
    """Started by ``Engine.start()``, stopped first by ``Engine.stop()``."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self.server: WebhookServer | None = None
        self.receiver: WebhookReceiver | None = None
        self._stop = asyncio.Event()
        self._workers: dict[str, asyncio.Task[None]] = {}
        self._registering: asyncio.Task[None] | None = None

    @property
    def running(self) -> bool:
        return bool(self._workers) or self.server is not None

    def with_webhooks(self) -> list[ConnectionRuntime]:
        return [c for c in self._engine.connections.values() if c.delivery_url and c.webhook_topics]

    async def start(self) -> None:
        self._stop.clear()
        for conn in self._engine.connections.values():
            if conn.worker is not None and _can_book(conn):
                conn.worker_running = True
                task = asyncio.create_task(conn.worker.run_forever(self._stop))
                self._workers[conn.name] = task
            if conn.watch is not None:
                watch = asyncio.create_task(conn.watch.run_forever(self._stop))
                self._workers[f"{conn.name}:watch"] = watch
        hooked = self.with_webhooks()
        if hooked:
            await self._serve(hooked)
            # in the background: WooCommerce pings each URL while creating a webhook, which
            # can take seconds; the engine must not wait for it to start or to stop
            self._registering = asyncio.create_task(_register_all(hooked), name="webhook-setup")

    async def _serve(self, hooked: list[ConnectionRuntime]) -> None:
        self.receiver, self.server = self.build_receiver(hooked)
        await self.server.start()

    def build_receiver(
        self, hooked: list[ConnectionRuntime]
    ) -> tuple[WebhookReceiver, WebhookServer]:
        """The receiver and its (not yet listening) server, as ``[webhooks]`` describes them."""
        settings = self._engine.config.webhooks
        secrets = {c.name: c.webhook_secret for c in hooked if c.webhook_secret is not None}
        intakes = {c.name: c.intake for c in hooked if c.intake is not None}
        receiver = WebhookReceiver(
            secrets=secrets,
            intake=IntakeRouter(intakes),
            max_body_bytes=settings.max_body_bytes,
            bus=self._engine.bus,
            backoffice=backoffice_hooks(
                hooked, settings.max_body_bytes, start=self._engine.run_now
            ),
            hints=push_hints(hooked, self._engine.run_now),
        )
        return receiver, WebhookServer(receiver.app, host=settings.host, port=settings.port)

    async def stop(self) -> None:
        if self._registering is not None:
            self._registering.cancel()
            await asyncio.gather(self._registering, return_exceptions=True)
            self._registering = None
        if self.server is not None:
            await self.server.stop()
            self.server = None
        self._stop.set()
        if self._workers:
            _, late = await asyncio.wait(self._workers.values(), timeout=WORKER_STOP_TIMEOUT)
            for task in late:
                task.cancel()
            await asyncio.gather(*self._workers.values(), return_exceptions=True)
        self._workers.clear()
        for conn in self._engine.connections.values():
            conn.worker_running = False


async def _register_all(connections: list[ConnectionRuntime]) -> None:
    for conn in connections:
        await _register(conn)


async def _register(conn: ConnectionRuntime) -> None:
    """Create or re-key and re-activate our order webhooks; a failure is logged, not fatal."""
    assert conn.delivery_url is not None and conn.webhook_secret is not None
    try:
        done = await install_webhooks(
            conn.woo,
            conn.delivery_url,
            secret=conn.webhook_secret.get_secret_value(),
            topics=conn.webhook_topics,
        )
    except TillsyncError as exc:
        log.warning(
            "%s: could not register the WooCommerce webhooks for %s: %s (%s); orders arrive "
            "by polling until the next start",
            conn.name, conn.delivery_url, exc.message, exc.hint,
        )  # fmt: skip
        return
    log.info(
        "%s: webhooks deliver to %s (%d created, %d re-activated)",
        conn.name, conn.delivery_url, len(done.created), len(done.updated),
    )  # fmt: skip


def _can_book(conn: ConnectionRuntime) -> bool:
    """Without a choice booking needs (e.g. the POS that receives web orders), orders are taken into
    the outbox and wait there; the worker is not started, so none fails half-way."""
    unset = missing_settings_for(conn, frozenset({Capability.SALES_CREATE}))
    if unset:
        listed = "; ".join(f"{m.key} is not set ({m.needed_for} needs it)" for m in unset)
        log.error("%s: orders are queued but not booked: %s", conn.name, listed)
    return not unset
