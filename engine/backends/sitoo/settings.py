"""Settings of one Sitoo connection, frozen for the adapter.

Built from the validated ``[connections.<name>.backend]`` section (see
:mod:`.config`), with the credentials of the chosen mode already picked:
Sitoo accounts come as a test and a live account with their own API id,
password and base URL, and ``mode`` says which one this connection talks to.
The password is kept out of ``repr``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from engine.backends.settings_input import coerce_settings, known_values, secret_text
from engine.errors import ConfigError

__all__ = ["ProductFilter", "SitooSettings"]


class ProductFilter(StrEnum):
    """Which products are fetched (``active`` = shown in the webshop, ``activepos`` in the POS)."""

    ALL = "all"
    ACTIVE = "active"  # shown in the webshop or the POS
    ACTIVE_POS = "active_pos"
    ACTIVE_WEBSHOP = "active_webshop"
    INACTIVE_POS = "inactive_pos"
    INACTIVE_WEBSHOP = "inactive_webshop"


@dataclass(frozen=True)
class SitooSettings:
    """Everything the Sitoo adapter needs for one account (one mode).

    ``base_url`` ends in ``/v2/accounts/<accountid>`` (shown with the API
    password; the host differs per account location).  ``eshopid`` is the
    site.  ``warehouse_id`` is where stock is read and orders take stock from;
    ``pricelist_id`` the price list whose prices become the shop prices (None:
    the product's own ``moneyprice``, i.e. the Default list), and
    ``prices_include_vat`` whether those prices include VAT.
    ``cac_shipping_method`` is the WooCommerce shipping method id of Click &
    Collect (booked on ``cac_warehouse_id``, open unless ``cac_close_orders``);
    ``cac_status`` the WooCommerce status that books a Click & Collect order
    (None: the connection's trigger status, as for the others);
    ``regular_orders`` whether other orders go to Sitoo too.  With
    ``deliver_after_sync`` a completed order gets an order delivery.
    """

    base_url: str
    api_id: str
    password: str = field(repr=False)
    mode: str = "test"
    eshopid: int = 1
    warehouse_id: str | None = None
    pricelist_id: str | None = None
    prices_include_vat: bool = True
    product_filter: ProductFilter = ProductFilter.ACTIVE
    currency: str = "SEK"
    order_type_id: int = 10
    close_orders: bool = True
    regular_orders: bool = True
    cac_shipping_method: str | None = None
    cac_warehouse_id: str | None = None
    cac_close_orders: bool = False
    cac_status: str | None = None
    shipping_row: bool = True
    deliver_after_sync: bool = False
    price_includes_tax: bool = True
    force_instant_stock: bool = False
    exclude_external: bool = False  # WooCommerce external products are not pushed
    read_images: bool = False  # one images.json read per product read
    import_orders: str = "off"  # off | store2door | all: Sitoo orders created in WooCommerce
    store2door_status: str = "processing"
    other_status: str = "completed"
    events_user: str | None = None
    events_password: str | None = field(default=None, repr=False)
    page_size: int = 100
    timeout: float = 30.0
    verify_tls: bool = True

    def __post_init__(self) -> None:
        missing = [n for n in ("base_url", "api_id", "password") if not getattr(self, n)]
        if missing:
            raise ConfigError(f"Sitoo settings are missing: {', '.join(missing)}")
        if not 1 <= self.page_size <= 1000:
            raise ConfigError(f"Sitoo page_size must be 1..1000, got {self.page_size}")
        object.__setattr__(self, "base_url", self.base_url.rstrip("/"))
        object.__setattr__(self, "product_filter", ProductFilter(self.product_filter))

    @property
    def account_id(self) -> str:
        """The account is the first part of the API id (``10020-140`` → ``10020``)."""
        return self.api_id.split("-", 1)[0]

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> SitooSettings:
        values = known_values(cls, data, "Sitoo")
        values["password"] = secret_text(values.get("password", ""))
        if values.get("events_password") is not None:
            values["events_password"] = secret_text(values["events_password"])
        return cls(**values)

    @classmethod
    def coerce(cls, settings: object) -> SitooSettings:
        return coerce_settings(cls, settings, "Sitoo", convert="adapter_settings")
