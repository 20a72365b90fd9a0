"""Settings of one KROS company (one API token = one company).

Frozen here from the validated config so the adapter never reads globals;
the token and the webhook authorization key stay out of ``repr``.  Several
companies are several connections, each with its own token.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from engine.backends.settings_input import known_values
from engine.errors import ConfigError

__all__ = ["CNB_URL", "DOCUMENT_KINDS", "ECB_URL", "KrosSettings"]

ECB_URL = "https://www.ecb.europa.eu/stats/eurofxref/eurofxref-daily.xml"
CNB_URL = (
    "https://www.cnb.cz/cs/financni-trhy/devizovy-trh/kurzy-devizoveho-trhu/"
    "kurzy-devizoveho-trhu/denni_kurz.txt"
)
# what an order becomes -> the KROS resource it is posted to
DOCUMENT_KINDS = {
    "invoice": "invoices",
    "proforma": "proforma-invoices",  # POST inferred [I]
    "received_order": "received-orders",  # path inferred [I]
}


def _secret_text(value: object) -> str:
    getter = getattr(value, "get_secret_value", None)
    return str(getter() if callable(getter) else value or "")


@dataclass(frozen=True)
class KrosSettings:
    """Everything the KROS adapter needs for one company.

    ``document`` says what an order produces (``invoice``, ``proforma`` or
    ``received_order``) in ``numbering_sequence``; a cancelled or refunded
    invoice is credited in ``credit_note_sequence`` (default: the same).
    ``delivery`` is ``email`` (KROS e-mails the document to the buyer) or
    ``pdf_link``.  ``base_currency`` (EUR or CZK) picks the rate feed: ECB
    for EUR, CNB for CZK.  ``warehouse`` is the stock a shop shows (a
    warehouse code; none: the sum of all).  ``catalog_reads`` is ``changed``
    (by ``CatalogItemChangedTimestamp``) or ``all``.
    """

    token: str = field(repr=False)
    base_url: str = "https://api-economy.kros.sk/api"
    webhook_secret: str = field(default="", repr=False)
    webhook_url: str = ""
    document: str = "invoice"
    numbering_sequence: str | None = None
    credit_note_sequence: str | None = None
    delivery: str = "pdf_link"
    base_currency: str = "EUR"
    ecb_url: str = ECB_URL
    cnb_url: str = CNB_URL
    warehouse: str | None = None
    catalog_reads: str = "changed"
    only_marked_for_eshop: bool = False
    due_days: int = 14
    price_includes_tax: bool = True
    page_size: int = 100
    timeout: float = 30.0
    verify_tls: bool = True

    def __post_init__(self) -> None:
        if not self.token:
            raise ConfigError("KROS settings are missing: token")
        choices = {
            "document": (self.document, tuple(DOCUMENT_KINDS)),
            "delivery": (self.delivery, ("pdf_link", "email")),
            "base_currency": (self.base_currency, ("EUR", "CZK")),
            "catalog_reads": (self.catalog_reads, ("changed", "all")),
        }
        for name, (value, allowed) in choices.items():
            if value not in allowed:
                raise ConfigError(f"KROS {name} must be one of {', '.join(allowed)}, not {value!r}")
        if not 1 <= self.page_size <= 100:
            raise ConfigError(f"KROS page_size must be 1..100 (Top), got {self.page_size}")
        object.__setattr__(self, "base_url", self.base_url.rstrip("/"))

    @property
    def resource(self) -> str:
        return DOCUMENT_KINDS[self.document]

    @classmethod
    def coerce(cls, settings: object) -> KrosSettings:
        """Accept KrosSettings, a mapping, or a pydantic model (``model_dump``)."""
        if isinstance(settings, cls):
            return settings
        dump = getattr(settings, "model_dump", None)
        data = dump() if callable(dump) else settings
        if not isinstance(data, Mapping):
            raise ConfigError(f"cannot read KROS settings from {type(settings).__name__}")
        values = known_values(cls, data, "KROS")
        for name in ("token", "webhook_secret"):
            if name in values:
                values[name] = _secret_text(values[name])
        return cls(**values)
