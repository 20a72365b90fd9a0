"""Registering tillsync's order webhooks in WooCommerce, and keeping them alive.

:func:`install_webhooks` creates (or takes over) one webhook per order topic
pointing at our receiver, all signed with one freshly generated secret the
caller stores in the secrets file.  WooCommerce pings the URL while
creating, so the receiver must already be listening.

WooCommerce disables a webhook after a handful of consecutive failed
deliveries and never turns it back on.  :func:`check_webhook_health`
(scheduled) finds such webhooks, re-activates them and alerts the admin;
the orders poll has been catching the orders meanwhile.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, field
from typing import Any

from engine.notify import Alert, AlertSink, Severity
from engine.webhooks import ORDER_TOPICS
from engine.woo import WooClient

__all__ = [
    "WEBHOOK_TOPICS",
    "WebhookHealth",
    "WebhookInstall",
    "check_webhook_health",
    "install_webhooks",
    "new_webhook_secret",
]

log = logging.getLogger(__name__)

WEBHOOK_TOPICS = tuple(sorted(ORDER_TOPICS))


def new_webhook_secret() -> str:
    """256 random bits, URL-safe text (WooCommerce stores it as a plain string)."""
    return secrets.token_urlsafe(32)


@dataclass(frozen=True)
class WebhookInstall:
    """``secret`` must go to the secrets file; it is never shown in ``repr``."""

    secret: str = field(repr=False)
    webhook_ids: dict[str, int] = field(default_factory=dict)
    created: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()


@dataclass(frozen=True)
class WebhookHealth:
    """What the check found: ``reactivated`` webhooks were disabled or paused."""

    active: tuple[int, ...] = ()
    reactivated: tuple[int, ...] = ()
    missing_topics: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.reactivated and not self.missing_topics


def _ours(hooks: list[dict[str, Any]], delivery_url: str) -> dict[str, dict[str, Any]]:
    """Our webhooks by topic (the first per topic; duplicates are reported, not deleted)."""
    found: dict[str, dict[str, Any]] = {}
    for hook in hooks:
        if hook.get("delivery_url") == delivery_url and hook.get("topic") in ORDER_TOPICS:
            found.setdefault(str(hook["topic"]), hook)
    return found


async def install_webhooks(
    woo: WooClient,
    delivery_url: str,
    *,
    name: str = "tillsync",
    secret: str | None = None,
    topics: tuple[str, ...] = WEBHOOK_TOPICS,
) -> WebhookInstall:
    """Create the order webhooks, or re-key and re-activate ours that already exist."""
    secret = secret or new_webhook_secret()
    existing = _ours(await woo.list_webhooks(), delivery_url)
    ids: dict[str, int] = {}
    created, updated = [], []
    for topic in topics:
        hook = existing.get(topic)
        if hook is None:
            hook = await woo.create_webhook(
                name=f"{name} {topic}", topic=topic, delivery_url=delivery_url, secret=secret
            )
            created.append(topic)
        else:
            hook = await woo.update_webhook(int(hook["id"]), {"secret": secret, "status": "active"})
            updated.append(topic)
        ids[topic] = int(hook["id"])
    log.info("webhooks: %d created, %d re-keyed for %s", len(created), len(updated), delivery_url)
    return WebhookInstall(secret, ids, tuple(created), tuple(updated))


async def check_webhook_health(
    woo: WooClient,
    delivery_url: str,
    alerts: AlertSink,
    *,
    connection: str = "default",
    topics: tuple[str, ...] = WEBHOOK_TOPICS,
) -> WebhookHealth:
    """Re-activate our disabled/paused webhooks and alert; report missing topics."""
    ours = _ours(await woo.list_webhooks(), delivery_url)
    active, reactivated = [], []
    for topic, hook in sorted(ours.items()):
        hook_id = int(hook["id"])
        if hook.get("status") == "active":
            active.append(hook_id)
            continue
        await woo.update_webhook(hook_id, {"status": "active"})
        reactivated.append(hook_id)
        await _alert_disabled(alerts, connection, topic, hook_id, str(hook.get("status")))
    missing = tuple(t for t in topics if t not in ours)
    if missing:
        await alerts.emit(
            Alert(
                Severity.ERROR,
                f"WooCommerce webhooks missing: {', '.join(missing)}",
                "Install the webhooks again (tillsync setup); the orders poll covers the gap.",
                key=f"webhook-missing:{connection}",
            )
        )
    return WebhookHealth(tuple(active), tuple(reactivated), missing)


async def _alert_disabled(
    alerts: AlertSink, connection: str, topic: str, hook_id: int, status: str
) -> None:
    log.warning("webhooks: %s webhook %d was %s; re-activated", topic, hook_id, status)
    await alerts.emit(
        Alert(
            Severity.ERROR,
            f"WooCommerce {status} the {topic} webhook (id {hook_id}); tillsync re-enabled it",
            "WooCommerce disables a webhook after repeated failed deliveries: check that the "
            "receiver is reachable from the shop. Orders were read by the poll meanwhile.",
            key=f"webhook-disabled:{connection}:{hook_id}",
        )
    )
