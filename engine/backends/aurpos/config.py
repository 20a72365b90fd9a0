"""The ``[connections.<name>.backend]`` section of an AurPOS connection, as validated.

The back office owns its settings: the config loader finds this model through
the entry (``type = "aurpos"``) and the adapter is built from
:meth:`AurposBackendSettings.adapter_settings`.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, StrictBool

from engine.config.values import Secret, Section, Url

__all__ = ["AurposBackendSettings"]


class AurposBackendSettings(Section):
    """AurPOS through the Ultimate POS Connector API (OAuth2 password grant)."""

    type: Literal["aurpos"]
    host: Url = Field(examples=['"https://pos.example.com"'])
    base_path: str = Field(
        "auto", pattern=r"^(auto|/?[A-Za-z0-9_./-]*)$", examples=['"auto"', '"/public"']
    )
    api_path: str = Field("/connector/api", examples=['"/connector/api"'])
    client_id: str = Field(min_length=1, examples=['"3"'])
    client_secret: Secret = Field(examples=['"the OAuth client\'s secret"'])
    username: str = Field(min_length=1, examples=['"woo-sync"'])
    password: Secret = Field(examples=['"the POS user\'s password"'])
    location: str | None = Field(None, pattern=r"^[0-9]+$", examples=['"1"'])
    price_group: str | None = Field(None, pattern=r"^[0-9]+$", examples=['"1"'])
    status_map: dict[str, Literal["final", "draft"]] = Field(
        default_factory=dict, examples=['{ processing = "final", pending = "draft" }']
    )
    mobile_policy: Literal["placeholder", "hold"] = Field("placeholder", examples=['"placeholder"'])
    mobile_placeholder: str = Field("0000000000", min_length=1, examples=['"0000000000"'])
    finalise_drafts_minutes: float = Field(5.0, ge=0, le=1440, examples=["5"])
    currency: str = Field("EUR", pattern=r"^[A-Z]{3}$", examples=['"EUR"'])
    verify_tls: StrictBool = Field(True, examples=["true"])
    timeout: float = Field(30.0, gt=0, le=600, examples=["30"])

    def adapter_settings(self, sync: Any = None) -> dict[str, Any]:
        """The mapping ``AurposSettings.from_mapping`` takes; ``sync`` brings the shop's
        ``price_includes_tax`` (gross or net prices are published)."""
        data = self.model_dump(exclude={"type"})
        data["prices_include_tax"] = getattr(sync, "price_includes_tax", True)
        return data
