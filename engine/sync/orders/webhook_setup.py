"""Registering tillsync's order webhooks in WooCommerce, and keeping them alive.

:func:`install_webhooks` creates (or takes over) one webhook per order topic
pointing at our receiver, all signed with one freshly generated secret the
caller stores in the secrets file.  WooCommerce pings the URL while
creating, so the receiver must already be listening.

WooCommerce creates a webhook even when its creation ping fails, so after
each create or re-key the same ping is sent again (:mod:`webhook_probe`) and
every topic whose URL did not answer 200 is reported in ``ping_failures``.

WooCommerce disables a webhook after a handful of consecutive failed
deliveries and never turns it back on; setting it ``active`` again keeps its
``failure_count``, so the next failed delivery disables it at once.  A
disabled or paused webhook of ours is therefore replaced: a new one is
created (fresh count) before the old one is deleted.
:func:`check_webhook_health` (scheduled) does that and alerts the admin;
the orders poll has been catching the orders meanwhile.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, field
from typing import Any

from engine.notify import Alert, AlertSink, Severity
from engine.sync.orders.webhook_probe import DeliveryProbe, ping_delivery_url
from engine.webhooks import COUPON_TOPICS, CUSTOMER_TOPICS, ORDER_TOPICS, PRODUCT_TOPICS
from engine.woo import WooClient

__all__ = [
    "COUPON_PUSH_TOPICS",
    "CUSTOMER_PUSH_TOPICS",
    "NEW_PRODUCT_TOPICS",
    "PUSH_TOPICS",
    "WEBHOOK_TOPICS",
    "WebhookHealth",
    "WebhookInstall",
    "check_webhook_health",
    "install_webhooks",
    "new_webhook_secret",
]

log = logging.getLogger(__name__)

WEBHOOK_TOPICS = tuple(sorted(ORDER_TOPICS))
# a connection that writes the shop's product or stock edits to its back office
# also hears of product changes (engine.sync.push_hints)
PUSH_TOPICS = (*WEBHOOK_TOPICS, "product.updated")
# a connection that writes the shop's customer accounts to its back office hears of
# them too, so a new or edited account does not wait for the customers schedule
CUSTOMER_PUSH_TOPICS = tuple(sorted(CUSTOMER_TOPICS))
# a connection that writes the shop's coupons to its back office's vouchers, and one
# that creates the shop's new products there, hear of those at once
COUPON_PUSH_TOPICS = tuple(sorted(COUPON_TOPICS))
NEW_PRODUCT_TOPICS = ("product.created",)
_KNOWN_TOPICS = ORDER_TOPICS | PRODUCT_TOPICS | CUSTOMER_TOPICS | COUPON_TOPICS


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
    recreated: tuple[str, ...] = ()  # were disabled/paused: replaced with a fresh webhook
    ping_failures: tuple[tuple[str, int], ...] = ()  # (topic, status; 0 = unreachable)

    @property
    def ok(self) -> bool:
        """Every webhook's URL answered the creation ping with 200."""
        return not self.ping_failures


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
        if hook.get("delivery_url") == delivery_url and hook.get("topic") in _KNOWN_TOPICS:
            found.setdefault(str(hook["topic"]), hook)
    return found


async def install_webhooks(
    woo: WooClient,
    delivery_url: str,
    *,
    name: str = "tillsync",
    secret: str | None = None,
    topics: tuple[str, ...] = WEBHOOK_TOPICS,
    probe: DeliveryProbe = ping_delivery_url,
) -> WebhookInstall:
    """Create the order webhooks, re-key ours that are active, replace ours that are not."""
    secret = secret or new_webhook_secret()
    existing = _ours(await woo.list_webhooks(), delivery_url)
    ids: dict[str, int] = {}
    done: dict[str, list[str]] = {"created": [], "updated": [], "recreated": []}
    failures: list[tuple[str, int]] = []
    for topic in topics:
        hook = existing.get(topic)
        if hook is None:
            hook, outcome = await _create(woo, name, topic, delivery_url, secret), "created"
        elif hook.get("status") != "active":
            hook, outcome = await _replace(woo, hook, name, delivery_url, secret), "recreated"
        else:
            hook, outcome = await woo.update_webhook(int(hook["id"]), {"secret": secret}), "updated"
        ids[topic] = int(hook["id"])
        done[outcome].append(topic)
        status = await probe(delivery_url, ids[topic])
        if status != 200:
            failures.append((topic, status))
    _log_install(delivery_url, done, failures)
    return WebhookInstall(
        secret, ids, *(tuple(done[k]) for k in ("created", "updated", "recreated")),
        ping_failures=tuple(failures),
    )  # fmt: skip


async def _create(
    woo: WooClient, name: str, topic: str, delivery_url: str, secret: str
) -> dict[str, Any]:
    return await woo.create_webhook(
        name=f"{name} {topic}", topic=topic, delivery_url=delivery_url, secret=secret
    )


async def _replace(
    woo: WooClient, old: dict[str, Any], name: str, delivery_url: str, secret: str
) -> dict[str, Any]:
    """A fresh webhook (failure count 0) first, then the old one goes: no gap in deliveries."""
    new = await _create(woo, name, str(old["topic"]), delivery_url, secret)
    await woo.delete_webhook(int(old["id"]))
    return new


def _log_install(
    delivery_url: str, done: dict[str, list[str]], failures: list[tuple[str, int]]
) -> None:
    log.info(
        "webhooks: %d created, %d re-keyed, %d replaced for %s",
        len(done["created"]), len(done["updated"]), len(done["recreated"]), delivery_url,
    )  # fmt: skip
    for topic, status in failures:
        log.warning(
            "webhooks: %s did not answer the creation ping for %s with 200 (got %s)",
            delivery_url, topic, status or "no answer",
        )  # fmt: skip


async def check_webhook_health(
    woo: WooClient,
    delivery_url: str,
    alerts: AlertSink,
    *,
    connection: str = "default",
    topics: tuple[str, ...] = WEBHOOK_TOPICS,
    secret: str | None = None,
    name: str = "tillsync",
) -> WebhookHealth:
    """Replace our disabled/paused webhooks and alert; report missing topics.

    Without ``secret`` (not configured) the webhook can only be set active
    again, which keeps WooCommerce's failure count: one more failed delivery
    switches it off again.
    """
    ours = _ours(await woo.list_webhooks(), delivery_url)
    active, reactivated = [], []
    for topic, hook in sorted(ours.items()):
        hook_id = int(hook["id"])
        if hook.get("status") == "active":
            active.append(hook_id)
            continue
        if secret is None:
            await woo.update_webhook(hook_id, {"status": "active"})
        else:
            await _replace(woo, hook, name, delivery_url, secret)
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
    log.warning("webhooks: %s webhook %d was %s; replaced", topic, hook_id, status)
    await alerts.emit(
        Alert(
            Severity.ERROR,
            f"WooCommerce {status} the {topic} webhook (id {hook_id}); tillsync replaced it",
            "WooCommerce disables a webhook after repeated failed deliveries: check that the "
            "receiver is reachable from the shop. Orders were read by the poll meanwhile.",
            key=f"webhook-disabled:{connection}:{hook_id}",
        )
    )
