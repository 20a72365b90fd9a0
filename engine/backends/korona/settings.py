"""Settings of one KORONA Cloud connection.

They come from the validated config (pydantic at the config edge) as a plain
mapping or model and are frozen here, so the adapter never reads globals.
The API password is kept out of ``repr`` so a logged settings object can't
leak it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from engine.backends.settings_input import coerce_settings, known_values, secret_text
from engine.errors import ConfigError

__all__ = ["KoronaSettings"]


@dataclass(frozen=True)
class KoronaSettings:
    """Everything the KORONA adapter needs to talk to one account.

    ``price_group`` is a uuid, number or name: the price of that group
    becomes the shop price (none chosen: no price is published, and the
    connection check fails).  ``warehouse_id`` is the organizational unit
    whose stock is read.  ``point_of_sale_id`` must be an External POS (only
    those accept receipts from outside); ``coupling_id`` is our device id for
    coupling.  All three may be numbers as KORONA Studio shows them; the
    adapter resolves each to its uuid by object type.
    ``payment_methods`` maps a WooCommerce gateway id to a KORONA payment
    method id or number; ``shipping_product`` / ``fee_product`` are KORONA
    product numbers booked for shipping and fee lines.  ``price_includes_tax``
    says whether the shop's prices include tax (the connection's sync
    setting): a price group keeping the other kind is converted with the
    product's sector rate.  ``weight_property`` names the ``customProperties``
    key holding a product's weight (KORONA has no weight field).
    """

    base_url: str
    account_id: str
    user: str
    password: str = field(repr=False)
    price_group: str | None = None
    warehouse_id: str | None = None
    point_of_sale_id: str | None = None
    coupling_id: str | None = field(default=None, repr=False)
    payment_methods: Mapping[str, str] = field(default_factory=dict)
    default_payment_method: str | None = None
    shipping_product: str | None = None
    fee_product: str | None = None
    taxes_included: bool = True
    price_includes_tax: bool = True
    weight_property: str | None = "weight"
    currency: str = "EUR"
    page_size: int = 100
    timeout: float = 30.0
    verify_tls: bool = True

    def __post_init__(self) -> None:
        missing = [
            n for n in ("base_url", "account_id", "user", "password") if not getattr(self, n)
        ]
        if missing:
            raise ConfigError(f"KORONA settings are missing: {', '.join(missing)}")
        if not 1 <= self.page_size <= 1000:
            raise ConfigError(f"KORONA page_size must be 1..1000, got {self.page_size}")
        object.__setattr__(self, "base_url", self.base_url.rstrip("/"))

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> KoronaSettings:
        """Build from a config mapping; unknown keys are refused so typos surface."""
        values = known_values(cls, data, "KORONA")
        if "password" in values:
            values["password"] = secret_text(values["password"])
        if values.get("payment_methods") is not None:
            values["payment_methods"] = dict(values["payment_methods"])
        return cls(**values)

    @classmethod
    def coerce(cls, settings: object) -> KoronaSettings:
        """Accept KoronaSettings, a mapping, or a pydantic model (``model_dump``)."""
        return coerce_settings(cls, settings, "KORONA")
