"""Which WooCommerce order statuses book a sale, void it, or are watched for stock.

An order is booked once it reaches the trigger status (default
``completed``); before that it waits.  After booking, a status in
``void_on`` reverses the sale.  Orders at a status where WooCommerce has
already reduced its stock (processing, on-hold, completed) are kept in the
outbox with their lines even while they wait, so the stock job subtracts
them and an order in flight never shows up as sellable stock again.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.errors import ConfigError
from engine.order_keys import IdempotencyKey, sale_key_of
from engine.store import OutboxEntry
from engine.sync.orders.order_extras import DEFAULT_META_KEYS, OrderMetaKeys

__all__ = ["STOCK_REDUCING_STATUSES", "OrderRules", "sale_key"]

#: WooCommerce core reduces stock when an order reaches one of these (wc_maybe_reduce_stock_levels).
STOCK_REDUCING_STATUSES = frozenset({"processing", "on-hold", "completed"})


@dataclass(frozen=True)
class OrderRules:
    """The connection's order rules (``[connections.x.orders]`` in the config)."""

    trigger_status: str = "completed"
    void_on: tuple[str, ...] = ("cancelled", "refunded")
    meta_keys: OrderMetaKeys = DEFAULT_META_KEYS  # where plugins keep VAT ids and rates

    def __post_init__(self) -> None:
        object.__setattr__(self, "trigger_status", self.trigger_status.removeprefix("wc-"))
        object.__setattr__(self, "void_on", tuple(s.removeprefix("wc-") for s in self.void_on))
        if self.trigger_status in self.void_on:
            raise ConfigError(
                f"order status {self.trigger_status!r} cannot both book and void a sale"
            )

    def books(self, status: str) -> bool:
        return status == self.trigger_status

    def voids(self, status: str) -> bool:
        return status in self.void_on

    def reduces_stock(self, status: str) -> bool:
        """Woo's stock already went down for an order at ``status``."""
        return status in STOCK_REDUCING_STATUSES or self.books(status)

    def tracks(self, status: str) -> bool:
        """Worth an outbox row when first seen: it will be booked or it holds stock."""
        return self.reduces_stock(status)


def sale_key(entry: OutboxEntry, revision: int = 0) -> IdempotencyKey:
    """The back-office idempotency key of an outbox order (see :mod:`engine.order_keys`)."""
    return sale_key_of(entry.idempotency_key, entry.woo_order_id, revision)
