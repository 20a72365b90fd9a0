"""``/webhooks``: subscription records (deliveries live in ``delivery.py``).

Validation and codes follow ``WC_REST_Webhooks_Controller``: a bad topic or
delivery URL is a 400 ``woocommerce_rest_shop_webhook_invalid_*``, DELETE
without ``force=true`` is a 501, the secret is write-only.  Creating an
active webhook sends the synchronous form-encoded ping ``webhook_id=N``
whose result the shop ignores (201 even when the ping got a 503).
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Iterable
from typing import Any, ClassVar

from sandbox.woocommerce.collection import Collection, Record
from sandbox.woocommerce.errors import WooError
from sandbox.woocommerce.links import resource_links
from sandbox.woocommerce.query import QueryArgs
from sandbox.woocommerce.schema import Field, Schema

__all__ = ["TOPIC_HOOKS", "WebhookCollection"]

_STR = Field("string")
_RESOURCES = ("coupon", "customer", "order", "product")
_EVENTS = ("created", "updated", "deleted", "restored")
TOPIC_HOOKS: dict[str, list[str]] = {
    f"{resource}.{event}": [f"woocommerce_{event}_{resource}"]
    for resource in _RESOURCES
    for event in _EVENTS
}
TOPIC_HOOKS.update(
    {
        "order.created": ["woocommerce_new_order"],
        "order.updated": ["woocommerce_update_order", "woocommerce_order_refunded"],
        "order.deleted": ["wp_trash_post"],
        "product.created": ["woocommerce_new_product", "woocommerce_new_product_variation"],
        "product.updated": ["woocommerce_update_product", "woocommerce_update_product_variation"],
        "product.deleted": ["wp_trash_post"],
        "product.published": ["woocommerce_product_published"],
    }
)


class WebhookCollection(Collection):
    kind = "shop_webhook"
    schema: ClassVar[Schema] = {
        "name": _STR,
        "status": Field("string", ("active", "paused", "disabled")),
        "topic": _STR,
        "secret": _STR,
        "delivery_url": _STR,
    }
    orderby = ("date", "id", "include", "title")
    trash_message = "Webhooks do not support trashing."

    @property
    def records(self) -> dict[int, Record]:
        return self.sb.webhooks

    @property
    def route(self) -> str:
        return "webhooks"

    def render(self, rec: Record) -> dict[str, Any]:
        resource, _, event = rec["topic"].partition(".")
        return {
            "id": rec["id"],
            "name": rec["name"],
            "status": rec["status"],
            "topic": rec["topic"],
            "resource": resource,
            "event": event,
            "hooks": TOPIC_HOOKS.get(rec["topic"], [event] if resource == "action" else []),
            "delivery_url": rec["delivery_url"],
            **self.sb.clock.pair("date_created", rec["created"]),
            **self.sb.clock.pair("date_modified", rec["modified"]),
            "_links": resource_links(self.site, f"webhooks/{rec['id']}", "webhooks"),
        }

    def filter(self, args: QueryArgs, recs: Iterable[Record]) -> Iterable[Record]:
        recs = super().filter(args, recs)
        status = args.get("status", Field("string", ("all", "active", "paused", "disabled")), "all")
        return recs if status == "all" else (r for r in recs if r["status"] == status)

    def create(self, body: dict[str, Any]) -> Record:
        _check_topic(body.get("topic"))
        _check_url(body.get("delivery_url"))
        now = self.sb.clock.now()
        rec: Record = {
            "id": self.sb.ids.take("webhook"),
            "name": body.get("name") or f"Webhook created on {self.sb.clock.local(now)}",
            "status": body.get("status", "active"),
            "topic": body["topic"].lower(),
            "delivery_url": body["delivery_url"],
            "secret": body.get("secret") or hashlib.md5(b"1admin").hexdigest(),
            "created": now,
            "modified": now,
            "failure_count": 0,
            "pending_delivery": True,
        }
        self.records[rec["id"]] = rec
        return rec

    def update(self, rec: Record, body: dict[str, Any]) -> Record:
        if "topic" in body:
            _check_topic(body["topic"])
        if "delivery_url" in body:
            _check_url(body["delivery_url"])
        new = {**rec, **{k: v for k, v in body.items() if k in self.schema}}
        new["topic"] = new["topic"].lower()
        # Re-activating keeps failure_count (reference §14): one more failed
        # delivery disables the webhook again; only a success or a new webhook
        # starts a fresh count.
        new["modified"] = self.sb.clock.now()
        self.records[rec["id"]] = new
        return new

    def after_create(self, rec: Record) -> Awaitable[None] | None:
        """The synchronous ping WooCommerce sends when a webhook is created."""
        if rec["status"] != "active":
            return None
        return self.sb.deliveries.ping(rec["id"])


def _check_topic(topic: Any) -> None:
    valid = isinstance(topic, str) and (
        topic.lower() in TOPIC_HOOKS or (topic.startswith("action.") and len(topic) > 7)
    )
    if not valid:
        raise WooError(
            "woocommerce_rest_shop_webhook_invalid_topic",
            "Webhook topic is required and must be valid.",
            400,
        )


def _check_url(url: Any) -> None:
    if not isinstance(url, str) or not url.lower().startswith(("http://", "https://")):
        raise WooError(
            "woocommerce_rest_shop_webhook_invalid_delivery_url",
            "Webhook delivery URL must be a valid URL starting with http:// or https://.",
            400,
        )
