"""What the receiver hands to the engine: a typed, verified delivery.

A :class:`Delivery` is a *notification* that an order changed, not a log
entry: WooCommerce builds the payload at send time, merges pending
deliveries and may deliver late or out of order.  The intake (which writes
the outbox) therefore de-duplicates on ``(resource_id, modified_gmt)`` and
ignores payloads older than what it holds; ``delivery_id`` is informative
only, because WooCommerce reuses it within the same second.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

__all__ = [
    "COUPON_TOPICS",
    "CUSTOMER_TOPICS",
    "ORDER_TOPICS",
    "PRODUCT_TOPICS",
    "Delivery",
    "Hint",
    "Intake",
    "IntakeResult",
]

#: Topics the receiver passes on; any other topic is answered 200 and dropped.
ORDER_TOPICS = frozenset({"order.created", "order.updated", "order.deleted", "order.restored"})
#: Topics that are only a hint that the shop changed a product (a push may be due);
#: subscribed only for a connection that writes the shop's edits to its back office.
PRODUCT_TOPICS = frozenset({"product.created", "product.updated"})
#: A hint that a shop customer account changed (the customers job may be due);
#: subscribed only for a connection that writes the shop's customers to its back office.
CUSTOMER_TOPICS = frozenset({"customer.created", "customer.updated"})
#: A hint that a shop coupon changed (a push to the back office's vouchers may be due).
COUPON_TOPICS = frozenset({"coupon.created", "coupon.updated"})

#: A connection's reaction to a product or customer topic: (topic, verified payload) -> a word
#: for the 200 body ("echo", "queued"); it must not write anything itself.
Hint = Callable[[str, dict[str, Any]], Awaitable[str]]


class IntakeResult(StrEnum):
    """What the intake did with a delivery, echoed in the 200 response body."""

    NEW = "new"  # written to the outbox
    DUPLICATE = "duplicate"  # same resource id and date_modified_gmt already held
    STALE = "stale"  # older than what the store already holds
    IGNORED = "ignored"  # valid but of no interest (e.g. a status we don't sync)


@dataclass(frozen=True)
class Delivery:
    """One verified webhook delivery for an order.

    ``gone`` is true for ``order.deleted`` (whose body is only ``{"id": N}``):
    the order no longer exists in WooCommerce.  ``payload`` is excluded from
    ``repr`` because it holds customer data that must not reach the logs.
    """

    connection: str
    topic: str
    resource_id: int
    modified_gmt: datetime | None
    payload: dict[str, Any] = field(repr=False, hash=False, compare=False)
    delivery_id: str = ""
    webhook_id: int | None = None
    received_at: datetime | None = None
    gone: bool = False
    payload_sha256: str = ""

    @property
    def event(self) -> str:
        """The event half of the topic: created / updated / deleted / restored."""
        return self.topic.partition(".")[2]


#: The engine's side of the receiver: durably record the delivery, then return.
Intake = Callable[[Delivery], Awaitable[IntakeResult]]
