"""The ``[connections.<name>.backend]`` section of a Sitoo connection, as validated.

Two credential sets, test and live, each an API id, a password (in
secrets.toml) and a base URL; ``mode`` picks the one in use, and every log
line of the connection names it (``sitoo[test]``).  The choices a job
cannot do without (site, warehouse) are checked by doctor, which lists the
values to pick from.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import Field, StrictBool, field_validator, model_validator

from engine.backends.sitoo.settings import ProductFilter
from engine.config.values import Secret, Section, Url

__all__ = ["SitooBackendSettings"]

_API_ID = re.compile(r"\d+-\d+")


class SitooBackendSettings(Section):
    """Sitoo REST API v2 (HTTP Basic with an API id and its API password)."""

    type: Literal["sitoo"]
    mode: Literal["test", "live"] = Field("test", examples=['"test"'])
    base_url: Url | None = Field(None, examples=['"https://api.mysitoo.com/v2/accounts/10020"'])
    api_id: str | None = Field(None, examples=['"10020-140"'])
    password: Secret | None = Field(None, examples=['"the API password"'])
    test_base_url: Url | None = Field(
        None, examples=['"https://api-sandbox.mysitoo.com/v2/accounts/10020"']
    )
    test_api_id: str | None = Field(None, examples=['"10020-141"'])
    test_password: Secret | None = Field(None, examples=['"the test API password"'])
    eshopid: int = Field(1, ge=1, examples=["1"])
    warehouse: str | None = Field(None, examples=['"1"'])
    pricelist: str | None = Field(None, examples=['"1"'])
    prices_include_vat: StrictBool = Field(True, examples=["true"])
    product_filter: ProductFilter = Field(ProductFilter.ACTIVE, examples=['"active_webshop"'])
    currency: str = Field("SEK", pattern=r"^[A-Z]{3}$", examples=['"SEK"'])
    close_orders: StrictBool = Field(True, examples=["true"])
    regular_orders: StrictBool = Field(True, examples=["true"])
    cac_shipping_method: str | None = Field(None, examples=['"local_pickup"'])
    cac_warehouse: str | None = Field(None, examples=['"2"'])
    cac_close_orders: StrictBool = Field(False, examples=["false"])
    cac_status: str | None = Field(None, examples=['"processing"'])
    shipping_row: StrictBool = Field(True, examples=["true"])
    deliver_after_sync: StrictBool = Field(False, examples=["false"])
    force_instant_stock: StrictBool = Field(False, examples=["false"])
    exclude_external: StrictBool = Field(False, examples=["true"])
    read_images: StrictBool = Field(False, examples=["true"])
    import_orders: Literal["off", "store2door", "all"] = Field("off", examples=['"store2door"'])
    store2door_status: str = Field("processing", examples=['"processing"'])
    other_status: str = Field("completed", examples=['"completed"'])
    events_user: str | None = Field(None, examples=['"sitoo-events"'])
    events_password: Secret | None = Field(None, examples=['"a long random string"'])
    verify_tls: StrictBool = Field(True, examples=["true"])
    timeout: float = Field(30.0, gt=0, le=600, examples=["30"])

    @field_validator("api_id", "test_api_id")
    @classmethod
    def _api_id(cls, value: str | None) -> str | None:
        if value is not None and not _API_ID.fullmatch(value.strip()):
            raise ValueError(
                "must be the API id shown in Sitoo Back Office → Settings → Sitoo REST API "
                "(<account>-<number>)"
            )
        return None if value is None else value.strip()

    @model_validator(mode="after")
    def _mode_is_complete(self) -> SitooBackendSettings:
        prefix = "test_" if self.mode == "test" else ""
        missing = [
            f"{prefix}{key}"
            for key in ("base_url", "api_id", "password")
            if getattr(self, f"{prefix}{key}") is None
        ]
        if missing:
            raise ValueError(f"mode {self.mode!r} needs {', '.join(missing)}")
        return self

    @property
    def location(self) -> str | None:
        return self.warehouse

    def adapter_settings(self, sync: Any = None) -> dict[str, Any]:
        """The mapping ``SitooSettings.from_mapping`` takes: the chosen mode's credentials."""
        prefix = "test_" if self.mode == "test" else ""
        secret = getattr(self, f"{prefix}password")
        return {
            "mode": self.mode,
            "base_url": getattr(self, f"{prefix}base_url"),
            "api_id": getattr(self, f"{prefix}api_id"),
            "password": secret if secret is not None else "",
            "eshopid": self.eshopid,
            "warehouse_id": self.warehouse,
            "pricelist_id": self.pricelist,
            "prices_include_vat": self.prices_include_vat,
            "product_filter": self.product_filter,
            "currency": self.currency,
            "close_orders": self.close_orders,
            "regular_orders": self.regular_orders,
            "cac_shipping_method": self.cac_shipping_method,
            "cac_warehouse_id": self.cac_warehouse,
            "cac_close_orders": self.cac_close_orders,
            "cac_status": self.cac_status,
            "shipping_row": self.shipping_row,
            "deliver_after_sync": self.deliver_after_sync,
            "price_includes_tax": getattr(sync, "price_includes_tax", True),
            "force_instant_stock": self.force_instant_stock,
            "exclude_external": self.exclude_external,
            "read_images": self.read_images,
            "import_orders": self.import_orders,
            "store2door_status": self.store2door_status,
            "other_status": self.other_status,
            "events_user": self.events_user,
            "events_password": self.events_password,
            "timeout": self.timeout,
            "verify_tls": self.verify_tls,
        }
