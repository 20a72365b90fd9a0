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


def _reported(key: str, label: str) -> SetupField:
    """A default picked in the mappings view from what NexoPOS reports (not asked by the
    wizard: doctor names the values while it is unset)."""
    return SetupField(key, label, pick=Pick.REPORTED, required=False, place_label=label)


DEFAULTS = (
    _reported("unit_id", "Published unit (price and stock)"),
    _reported("default_category_id", "Category of products without one"),
    _reported("default_unit_group_id", "Unit group of new products"),
    _reported("default_unit_id", "Unit of new products"),
    _reported("default_tax_group_id", "Tax group of new products"),
    _reported("user_id", "Author of web orders (user)"),
    _reported("customer_group_id", "Group of new customers"),
    _reported("default_customer_id", "Customer of orders without an e-mail"),
)

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
    *DEFAULTS,
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
