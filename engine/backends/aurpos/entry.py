"""AurPOS as the core sees it: the entry registered under "tillsync.backends".

AurPOS publishes no API of its own; it is built on Ultimate POS, whose
Connector module API this adapter speaks (``shared/reference/aurpos-api.md``).
"""

from __future__ import annotations

from engine.backends.aurpos.backend import AurposBackend, create_aurpos_backend
from engine.backends.aurpos.config import AurposBackendSettings
from engine.backends.aurpos.settings import DEFAULT_STATUS_MAP
from engine.backends.entry import (
    BackendEntry,
    ConfigMapping,
    MappingVocabulary,
    Pick,
    SetupField,
    templates_beside,
)

__all__ = ["ENTRY"]

SETUP_FIELDS = (
    SetupField("host", "AurPOS address", "https://pos.example.com (without /connector/api)"),
    SetupField("client_id", "OAuth client id", "AurPOS → Connector → Clients"),
    SetupField("client_secret", "OAuth client secret", secret=True),
    SetupField("username", "AurPOS user", "the POS user tillsync acts as"),
    SetupField("password", "AurPOS password", secret=True),
    SetupField(
        "location",
        "Business location",
        pick=Pick.WAREHOUSE,
        place_label="Products, stock and orders at",
        doctor_check="location",
        couple=True,
    ),
    SetupField(
        "price_group",
        "Selling price group",
        pick=Pick.PRICE_GROUP,
        required=False,
        place_label="Shop prices from",
        doctor_check="price group",
    ),
)

# which WooCommerce order status makes the sell final (takes stock) and which a draft;
# a line short of stock makes it a draft whatever this says (see sell_body)
STATUS_MAP = ConfigMapping(
    key="status_map",
    title="Sell statuses",
    help="The AurPOS sell each WooCommerce order status books: final (takes stock) or "
    "draft (kept, takes none). A line short of stock makes a draft whatever this says.",
    sources=tuple(DEFAULT_STATUS_MAP),
    targets=(("final", "final sell"), ("draft", "draft")),
    defaults=DEFAULT_STATUS_MAP,
)

ENTRY = BackendEntry(
    name="aurpos",
    title="AurPOS (Ultimate POS)",
    factory=create_aurpos_backend,
    settings_model=AurposBackendSettings,
    capabilities=AurposBackend.capabilities,
    **templates_beside(__file__),
    setup_fields=SETUP_FIELDS,
    vocabulary=MappingVocabulary(
        tax="AurPOS tax rate → WooCommerce tax class",
        payment="WooCommerce payment gateway → AurPOS payment method (cash, card, …)",
    ),
    config_mappings=(STATUS_MAP,),
    demo="sandbox.aurpos.demo:AurposDemo",
    sandbox="sandbox.aurpos:serve_forever",
    rank=200,  # built on Ultimate POS facts, not on AurPOS's own: never the default
)
