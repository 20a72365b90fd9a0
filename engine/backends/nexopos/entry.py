"""NexoPOS as the core sees it: the entry registered under "tillsync.backends"."""

from __future__ import annotations

from engine.backends.entry import (
    BackendEntry,
    MappingVocabulary,
    Pick,
    SetupField,
    templates_beside,
)
from engine.backends.nexopos.backend import NexoposBackend, create_nexopos_backend
from engine.backends.nexopos.config import NexoposBackendSettings

__all__ = ["ENTRY"]

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
    factory=create_nexopos_backend,
    settings_model=NexoposBackendSettings,
    capabilities=NexoposBackend.capabilities,
    **templates_beside(__file__),
    setup_fields=SETUP_FIELDS,
    vocabulary=MappingVocabulary(
        tax="NexoPOS tax group → WooCommerce tax class",
        payment="WooCommerce payment gateway → NexoPOS payment type (identifier)",
    ),
    demo="sandbox.nexopos.demo:NexoDemo",
    sandbox="sandbox.nexopos:serve_forever",
)
