"""KROS Fakturácia + Sklad as the core sees it: the entry under "tillsync.backends"."""

from __future__ import annotations

from datetime import timedelta

from engine.backends.entry import (
    BackendEntry,
    MappingVocabulary,
    Pick,
    SetupField,
    templates_beside,
)
from engine.backends.kros.backend import KrosBackend, create_kros_backend
from engine.backends.kros.config import KrosBackendSettings

__all__ = ["ENTRY"]

SETUP_FIELDS = (
    SetupField("token", "KROS API token", "company settings → API prepojenia", secret=True),
    SetupField("webhook_secret", "Webhook authorization key", "the key set in KROS", secret=True),
    SetupField("webhook_url", "Webhook URL given to KROS", "…/webhooks/<connection>/backoffice",
               required=False),
    SetupField("numbering_sequence", "Numbering sequence", "e.g. OF; doctor lists them",
               doctor_check="numbering sequence"),
    SetupField("warehouse", "Warehouse", pick=Pick.WAREHOUSE, required=False,
               place_label="Stock is read from"),
)  # fmt: skip

ENTRY = BackendEntry(
    name="kros",
    title="KROS Fakturácia + Sklad",
    factory=create_kros_backend,
    settings_model=KrosBackendSettings,
    capabilities=KrosBackend.capabilities,
    **templates_beside(__file__),
    setup_fields=SETUP_FIELDS,
    vocabulary=MappingVocabulary(
        tax="KROS VAT rate → WooCommerce tax class",
        payment="WooCommerce payment gateway → KROS payment type (text on the document)",
    ),
    demo="sandbox.kros.demo:KrosDemo",
    sandbox="sandbox.kros:serve_forever",
    rank=200,  # built on facts the reference marks inferred: never the default
    schedule_floor=timedelta(minutes=5),  # the seed connector's floor: 5 min, or daily
)
