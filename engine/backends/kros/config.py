"""The ``[connections.<name>.backend]`` section of a KROS connection, as validated.

The back office owns its settings: the config loader finds this model
through the entry (``type = "kros"``) and the adapter is built from
:meth:`KrosBackendSettings.adapter_settings`.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, StrictBool

from engine.backends.kros.settings import CNB_URL, ECB_URL
from engine.config.values import Secret, Section, Url

__all__ = ["KrosBackendSettings"]

API_URL = "https://api-economy.kros.sk/api"


class KrosBackendSettings(Section):
    """KROS Fakturácia + Sklad (Bearer token per company, from "API prepojenia")."""

    type: Literal["kros"]
    base_url: Url = Field(API_URL, examples=[f'"{API_URL}"'])
    token: Secret = Field(examples=['"the token KROS generated under API prepojenia"'])
    webhook_secret: Secret | None = Field(None, examples=['"the Autorizačný kľúč you set"'])
    webhook_url: str = Field("", examples=['"https://shop.example.sk/webhooks/shop1/backoffice"'])
    document: Literal["invoice", "proforma", "received_order"] = Field(
        "invoice", examples=['"invoice"']
    )
    numbering_sequence: str | None = Field(None, max_length=5, examples=['"OF"'])
    credit_note_sequence: str | None = Field(None, max_length=5, examples=['"OF"'])
    delivery: Literal["pdf_link", "email"] = Field("pdf_link", examples=['"email"'])
    base_currency: Literal["EUR", "CZK"] = Field("EUR", examples=['"EUR"'])
    ecb_url: Url = Field(ECB_URL, examples=[f'"{ECB_URL}"'])
    cnb_url: Url = Field(CNB_URL, examples=['"https://www.cnb.cz/…/denni_kurz.txt"'])
    warehouse: str | None = Field(None, examples=['"HS"'])
    catalog_reads: Literal["changed", "all"] = Field("changed", examples=['"changed"'])
    only_marked_for_eshop: StrictBool = Field(False, examples=["true"])
    due_days: int = Field(14, ge=0, le=365, examples=["14"])
    verify_tls: StrictBool = Field(True, examples=["true"])
    timeout: float = Field(30.0, gt=0, le=600, examples=["30"])

    @property
    def location(self) -> str | None:
        """The warehouse whose stock is read (none: the sum of all)."""
        return self.warehouse

    def adapter_settings(self, sync: Any = None) -> dict[str, Any]:
        data = self.model_dump(exclude={"type"})
        data["webhook_secret"] = data.get("webhook_secret") or ""
        data["price_includes_tax"] = getattr(sync, "price_includes_tax", True)
        return data
