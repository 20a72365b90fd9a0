"""The ``[connections.<name>.backend]`` section of a KORONA connection, as validated.

WHY here and not in engine/config: the back office owns its settings.  The
config loader finds this model through the back office's entry (chosen by
``type``) and validates the section with it; the adapter is then built from
:meth:`KoronaBackendSettings.adapter_settings`.  Examples on each field are
what an error message shows as the right way to write that key.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import Field, StrictBool, field_validator

from engine.config.values import Secret, Section, Url

__all__ = ["KoronaBackendSettings"]

_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


class KoronaBackendSettings(Section):
    """KORONA Cloud API v3 (HTTP Basic with an API user of the account)."""

    type: Literal["korona"]
    base_url: Url = Field(examples=['"https://167.koronacloud.com/web/api/v3"'])
    account_id: str = Field(examples=['"3f2c1a9e-8b7d-4c6e-9f10-2a3b4c5d6e7f"'])
    user: str = Field(min_length=1, examples=['"woo-sync"'])
    password: Secret = Field(examples=['"the API user\'s password"'])
    price_group: str | None = Field(None, examples=['"Webshop"'])
    warehouse: str | None = Field(None, examples=['"1"'])
    point_of_sale: str | None = Field(None, examples=['"90"'])
    coupling_id: str | None = Field(None, examples=['"tillsync-shop1"'])
    payment_methods: dict[str, str] = Field(default_factory=dict, examples=['{ cod = "1" }'])
    default_payment_method: str | None = Field(None, examples=['"1"'])
    shipping_product: str | None = Field(None, examples=['"9001"'])
    fee_product: str | None = Field(None, examples=['"9002"'])
    weight_property: str | None = Field("weight", min_length=1, examples=['"weight"'])
    taxes_included: StrictBool = Field(True, examples=["true"])
    currency: str = Field("EUR", pattern=r"^[A-Z]{3}$", examples=['"EUR"'])
    verify_tls: StrictBool = Field(True, examples=["true"])
    timeout: float = Field(30.0, gt=0, le=600, examples=["30"])

    @field_validator("account_id")
    @classmethod
    def _uuid(cls, value: str) -> str:
        if not _UUID.fullmatch(value.strip()):
            raise ValueError(
                "must be the account's UUID, shown in KORONA Studio under "
                "Settings → Data Exchange → APIv3"
            )
        return value.strip().lower()

    @property
    def location(self) -> str | None:
        """The place whose stock is read (the generic location key of the core)."""
        return self.warehouse

    def adapter_settings(self, sync: Any = None) -> dict[str, Any]:
        """The mapping ``KoronaSettings.from_mapping`` (the adapter's own record) takes.

        ``sync`` brings the shop's ``price_includes_tax``: a KORONA price group
        keeping the other kind of price is converted for the shop.
        """
        data = self.model_dump(exclude={"type"})
        data["warehouse_id"] = data.pop("warehouse")
        data["point_of_sale_id"] = data.pop("point_of_sale")
        data["price_includes_tax"] = getattr(sync, "price_includes_tax", True)
        return data
