"""Settings of one AurPOS (Ultimate POS Connector) connection, frozen for the adapter.

Secrets (client secret, password) are kept out of ``repr``.  Facts AurPOS may
have changed from Ultimate POS are settings or detected: ``base_path``
(``auto`` tries ``""`` then ``/public``), ``api_path`` (``/connector/api``),
and the response wrapper (detected per answer, see :mod:`.wire`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from engine.backends.settings_input import coerce_settings, known_values, secret_text
from engine.errors import ConfigError

__all__ = ["DEFAULT_STATUS_MAP", "AurposSettings"]

# the seed's defaults: WooCommerce status -> sell status
DEFAULT_STATUS_MAP: Mapping[str, str] = {
    "pending": "draft",
    "on-hold": "draft",
    "processing": "final",
    "completed": "final",
    "cancelled": "draft",
    "failed": "draft",
    "refunded": "draft",
}
_MOBILE_POLICIES = ("placeholder", "hold")


@dataclass(frozen=True)
class AurposSettings:
    """Everything the adapter needs to talk to one POS business.

    ``location`` is the business location (its numeric id) whose products and
    stock are read and where sells are booked.  ``price_group`` the selling
    price group whose price becomes the shop price (none: the variation's
    own price).  ``prices_include_tax``: the shop's prices include tax, so the
    gross price (``sell_price_inc_tax``) is published, else the net one.
    ``status_map`` WooCommerce status → ``final``/``draft``.  ``mobile_policy``:
    what a customer without a phone gets (``placeholder``: ``mobile_placeholder``;
    ``hold``: the order waits for the admin).  ``finalise_drafts_minutes``: how often
    the order worker, before it books a new sell, makes final the out-of-stock drafts
    whose stock is back (0: only when asked).
    """

    host: str
    client_id: str
    client_secret: str = field(repr=False)
    username: str = ""
    password: str = field(default="", repr=False)
    base_path: str = "auto"
    api_path: str = "/connector/api"
    location: str | None = None
    price_group: str | None = None
    prices_include_tax: bool = True
    status_map: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_STATUS_MAP))
    mobile_policy: str = "placeholder"
    mobile_placeholder: str = "0000000000"
    source: str = "woocommerce"
    currency: str = "EUR"
    page_size: int = 100
    lookup_days: int = 1
    finalise_drafts_minutes: float = 5.0
    timeout: float = 30.0
    verify_tls: bool = True

    def __post_init__(self) -> None:
        missing = [n for n in ("host", "client_id", "client_secret", "username", "password")
                   if not getattr(self, n)]  # fmt: skip
        if missing:
            raise ConfigError(f"AurPOS settings are missing: {', '.join(missing)}")
        if self.mobile_policy not in _MOBILE_POLICIES:
            raise ConfigError(
                f"AurPOS mobile_policy must be placeholder or hold, not {self.mobile_policy!r}"
            )
        bad = {k: v for k, v in self.status_map.items() if v not in ("final", "draft")}
        if bad:
            raise ConfigError(f"AurPOS status_map values must be final or draft: {bad}")
        object.__setattr__(self, "host", self.host.rstrip("/"))
        object.__setattr__(self, "status_map", {**DEFAULT_STATUS_MAP, **self.status_map})

    @property
    def base_paths(self) -> tuple[str, ...]:
        """The base paths to try, in order ('' and '/public' when ``auto``)."""
        if self.base_path == "auto":
            return ("", "/public")
        return ("/" + self.base_path.strip("/") if self.base_path.strip("/") else "",)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> AurposSettings:
        values = known_values(cls, data, "AurPOS")
        for name in ("client_secret", "password"):
            if name in values:
                values[name] = secret_text(values[name])
        if values.get("status_map") is not None:
            values["status_map"] = dict(values["status_map"])
        return cls(**values)

    @classmethod
    def coerce(cls, settings: object) -> AurposSettings:
        return coerce_settings(cls, settings, "AurPOS", convert="adapter_settings")
