"""KORONA POS as the core sees it: the entry registered under "tillsync.backends".

Everything KORONA-shaped the wizard, the config loader, the mappings view
and the demo need is declared here, so none of them names KORONA.
"""

from __future__ import annotations

from engine.backends.entry import (
    BackendEntry,
    MappingVocabulary,
    Pick,
    SetupField,
    templates_beside,
)
from engine.backends.korona.backend import KoronaBackend, create_korona_backend
from engine.backends.korona.config import KoronaBackendSettings

__all__ = ["ENTRY"]

SETUP_FIELDS = (
    SetupField("base_url", "KORONA API URL", "Studio → Settings → Data Exchange → APIv3"),
    SetupField("account_id", "KORONA account id", "the Account-ID shown beside the URL"),
    SetupField("user", "KORONA API user", "the API user created in that widget"),
    SetupField("password", "KORONA password", secret=True),
    SetupField(
        "point_of_sale",
        "External POS",
        pick=Pick.POINT_OF_SALE,
        place_label="Orders are booked on",
        doctor_check="point of sale",
        couple=True,
    ),
    SetupField(
        "warehouse",
        "Warehouse",
        pick=Pick.WAREHOUSE,
        place_label="Stock is read from",
        doctor_check="warehouse",
        couple=True,
    ),
    SetupField(
        "price_group",
        "Prices",
        pick=Pick.PRICE_GROUP,
        place_label="Shop prices from",
        doctor_check="price group",
    ),
    SetupField("coupling_id", "Coupling id", preset="tillsync-{connection}"),
    SetupField(
        "default_payment_method",
        "Fallback payment method",
        pick=Pick.PAYMENT_METHOD,
        required=False,
        place_label="Fallback payment method",
    ),
)

ENTRY = BackendEntry(
    name="korona",
    title="KORONA POS",
    factory=create_korona_backend,
    settings_model=KoronaBackendSettings,
    capabilities=KoronaBackend.capabilities,
    **templates_beside(__file__),
    setup_fields=SETUP_FIELDS,
    vocabulary=MappingVocabulary(
        tax="Back-office sector / VAT rate → WooCommerce tax class",
        payment="WooCommerce payment gateway → back-office payment method",
    ),
    demo="sandbox.korona.demo:KoronaDemo",
    sandbox="sandbox.korona:serve_forever",
)
