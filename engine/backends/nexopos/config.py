"""The ``[connections.<name>.backend]`` section of a NexoPOS connection, as validated."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, StrictBool

from engine.config.values import Secret, Section, Url

__all__ = ["NexoposBackendSettings"]


class NexoposBackendSettings(Section):
    """NexoPOS 6.x (Sanctum personal access token of a user with the needed permissions)."""

    type: Literal["nexopos"]
    base_url: Url = Field(examples=['"https://pos.example.com"'])
    token: Secret = Field(examples=['"12|a-personal-access-token"'])
    price_tier: Literal["sale", "wholesale", "custom"] = Field("sale", examples=['"sale"'])
    unit_id: int | None = Field(None, examples=["1"])
    default_category_id: int | None = Field(None, examples=["1"])
    default_unit_group_id: int | None = Field(None, examples=["1"])
    default_unit_id: int | None = Field(None, examples=["1"])
    default_tax_group_id: int | None = Field(None, examples=["1"])
    user_id: int | None = Field(None, examples=["1"])
    customer_group_id: int | None = Field(None, examples=["2"])
    default_customer_id: int | None = Field(None, examples=["2"])
    default_payment: str | None = Field(None, examples=['"bank-payment"'])
    order_type: Literal["delivery", "takeaway"] = Field("delivery", examples=['"delivery"'])
    cancel_action: Literal["void", "refund"] = Field("void", examples=['"void"'])
    variations_by_sku: StrictBool = Field(True, examples=["true"])
    import_till_sales: StrictBool = Field(False, examples=["true"])
    till_sales_payment: str = Field("cod", min_length=1, examples=['"cod"'])
    till_sales_shipping: str = Field("local_pickup", min_length=1, examples=['"local_pickup"'])
    currency: str = Field("EUR", pattern=r"^[A-Z]{3}$", examples=['"EUR"'])
    requests_per_minute: int = Field(80, ge=1, le=10_000, examples=["80"])
    page_size: int = Field(100, ge=1, le=1000, examples=["100"])
    verify_tls: StrictBool = Field(True, examples=["true"])
    timeout: float = Field(30.0, gt=0, le=600, examples=["30"])

    @property
    def location(self) -> str | None:
        return "store"

    def adapter_settings(self, sync: Any = None) -> dict[str, Any]:
        data = self.model_dump(exclude={"type"})
        data["price_includes_tax"] = getattr(sync, "price_includes_tax", True)
        return data
