"""KROS Fakturácia + Sklad as the core sees it: the entry under "tillsync.backends"."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from engine.backends.base import Backend
from engine.backends.entry import BackendEntry, MappingVocabulary, Pick, SetupField
from engine.backends.kros.backend import KrosBackend
from engine.backends.kros.config import KrosBackendSettings

__all__ = ["ENTRY"]

_HERE = Path(__file__).parent


def _build(settings: Any) -> Backend:
    from engine.backends.kros.backend import create_kros_backend

    return create_kros_backend(settings)


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
    factory=_build,
    settings_model=KrosBackendSettings,
    capabilities=KrosBackend.capabilities,
    config_template=(_HERE / "config_template.toml").read_text(encoding="utf-8"),
    secrets_template=(_HERE / "secrets_template.toml").read_text(encoding="utf-8"),
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
