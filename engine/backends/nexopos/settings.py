"""Settings of one NexoPOS connection, frozen for the adapter (the token kept out of repr)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from engine.backends.settings_input import coerce_settings, known_values, secret_text
from engine.errors import ConfigError

__all__ = ["PRICE_TIERS", "SUPPORTED_MAJOR", "NexoSettings"]

PRICE_TIERS = ("sale", "wholesale", "custom")
SUPPORTED_MAJOR = 6  # NexoPOS 6.x; written and tested against 6.2.1
CANCEL_ACTIONS = ("void", "refund")


@dataclass(frozen=True)
class NexoSettings:
    """Everything the adapter needs for one NexoPOS store.

    ``base_url`` is the store's address (the API lives under ``/api``);
    ``token`` a Sanctum personal access token of a user whose role holds the
    permissions the jobs need.  ``price_tier`` picks which of a unit's three
    prices becomes the shop price; ``unit_id`` which unit's price and stock
    are published (None: each product's first unit quantity).  The
    ``default_*`` ids are what ``doctor`` checks against what NexoPOS
    reports.  ``import_till_sales`` turns the till's sales into shop orders
    (recorded with the WooCommerce gateway ``till_sales_payment`` and shipping
    method ``till_sales_shipping``).  ``requests_per_minute``/``rate_window``
    is NexoPOS's throttle
    (80 per minute): the adapter paces itself under it.  ``variations_by_sku``
    pairs each variation of a shop variable product (which NexoPOS cannot
    hold) with the NexoPOS product of the same SKU, for its stock and orders.
    """

    base_url: str
    token: str = field(repr=False)
    price_tier: str = "sale"
    unit_id: int | None = None
    default_category_id: int | None = None
    default_unit_group_id: int | None = None
    default_unit_id: int | None = None
    default_tax_group_id: int | None = None
    user_id: int | None = None
    customer_group_id: int | None = None
    default_customer_id: int | None = None
    default_payment: str | None = None
    order_type: str = "delivery"
    cancel_action: str = "void"
    variations_by_sku: bool = True
    import_till_sales: bool = False
    till_sales_payment: str = "cod"
    till_sales_shipping: str = "local_pickup"
    price_includes_tax: bool = True
    currency: str = "EUR"
    requests_per_minute: int = 80
    rate_window: float = 60.0
    page_size: int = 100
    timeout: float = 30.0
    verify_tls: bool = True

    def __post_init__(self) -> None:
        if not self.base_url or not self.token:
            raise ConfigError("NexoPOS settings need base_url and token")
        if self.price_tier not in PRICE_TIERS:
            raise ConfigError(f"NexoPOS price_tier must be one of {', '.join(PRICE_TIERS)}")
        if self.cancel_action not in CANCEL_ACTIONS:
            raise ConfigError("NexoPOS cancel_action must be void or refund")
        if not 1 <= self.requests_per_minute <= 10_000 or not 1 <= self.page_size <= 1000:
            raise ConfigError("NexoPOS requests_per_minute or page_size out of range")
        object.__setattr__(self, "base_url", self.base_url.rstrip("/"))

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> NexoSettings:
        values = known_values(cls, data, "NexoPOS")
        if "token" in values:
            values["token"] = secret_text(values["token"])
        return cls(**values)

    @classmethod
    def coerce(cls, settings: object) -> NexoSettings:
        return coerce_settings(cls, settings, "NexoPOS")
