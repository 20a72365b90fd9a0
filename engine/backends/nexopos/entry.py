"""NexoPOS as the core sees it: the entry registered under "tillsync.backends"."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from engine.backends.base import Backend
from engine.backends.entry import BackendEntry, MappingVocabulary, Pick, SetupField
from engine.backends.nexopos.backend import NexoposBackend
from engine.backends.nexopos.config import NexoposBackendSettings

__all__ = ["ENTRY"]

_HERE = Path(__file__).parent


def _build(settings: Any) -> Backend:
    from engine.backends.nexopos.backend import create_nexopos_backend

    return create_nexopos_backend(settings)


SETUP_FIELDS = (
    SetupField("base_url", "NexoPOS URL", "the address you open NexoPOS at"),
    SetupField("token", "NexoPOS access token", "Profile → Tokens → create one", secret=True),
    SetupField(
        "price_tier",
        "Prices",
        pick=Pick.PRICE_GROUP,
        place_label="Shop prices from",
        required=False,
    ),
    SetupField(
        "default_payment",
        "Fallback payment type",
        pick=Pick.PAYMENT_METHOD,
        required=False,
        place_label="Fallback payment type",
    ),
)

ENTRY = BackendEntry(
    name="nexopos",
    title="NexoPOS",
    factory=_build,
    settings_model=NexoposBackendSettings,
    capabilities=NexoposBackend.capabilities,
    config_template=(_HERE / "config_template.toml").read_text(encoding="utf-8"),
    secrets_template=(_HERE / "secrets_template.toml").read_text(encoding="utf-8"),
    setup_fields=SETUP_FIELDS,
    vocabulary=MappingVocabulary(
        tax="NexoPOS tax group → WooCommerce tax class",
        payment="WooCommerce payment gateway → NexoPOS payment type (identifier)",
    ),
    demo="sandbox.nexopos.demo:NexoDemo",
    sandbox="sandbox.nexopos:serve_forever",
)
