"""Sitoo POS as the core sees it: the entry registered under "tillsync.backends"."""

from __future__ import annotations

from engine.backends.entry import (
    BackendEntry,
    MappingVocabulary,
    Pick,
    SetupField,
    templates_beside,
)
from engine.backends.sitoo.backend import SitooBackend, create_sitoo_backend
from engine.backends.sitoo.config import SitooBackendSettings

__all__ = ["ENTRY"]

SETUP_FIELDS = (
    SetupField("mode", "Mode", "test or live: which credential set is used"),
    SetupField("test_base_url", "Sitoo API URL (test)", "shown when the API password is generated"),
    SetupField("test_api_id", "Sitoo API id (test)", "Back Office → Settings → Sitoo REST API"),
    SetupField("test_password", "Sitoo API password (test)", secret=True),
    SetupField("eshopid", "Site (eshopid)", "the site whose catalog and orders are synced"),
    SetupField(
        "warehouse",
        "Warehouse",
        pick=Pick.WAREHOUSE,
        place_label="Stock is read from",
        doctor_check="warehouse",
        couple=True,
    ),
    SetupField(
        "pricelist",
        "Price list",
        pick=Pick.PRICE_GROUP,
        required=False,
        place_label="Shop prices from",
        doctor_check="price list",
    ),
)

ENTRY = BackendEntry(
    name="sitoo",
    title="Sitoo POS",
    factory=create_sitoo_backend,
    settings_model=SitooBackendSettings,
    capabilities=SitooBackend.capabilities,
    **templates_beside(__file__),
    setup_fields=SETUP_FIELDS,
    vocabulary=MappingVocabulary(
        tax="Sitoo VAT group (product group) → WooCommerce tax class",
        payment="WooCommerce payment gateway → Sitoo payment name",
    ),
    demo="sandbox.sitoo.demo:SitooDemo",
    sandbox="sandbox.sitoo:serve_forever",
    rank=150,  # built on a community reconstruction of the API: never the default
    badge=lambda section: str(section.mode).upper(),  # TEST / LIVE on every console screen
)
