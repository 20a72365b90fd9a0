"""One KROS company as the sandbox holds it: tokens, catalog, warehouses, documents.

Built from ``shared/reference/kros-api.md`` and ``kros-contract.md`` (never
from our adapter).  What the reference does not give is marked **[I]**
(inferred) here and in docs/sandbox-kros.md:

- catalog-item and warehouse field names [I] (the contract says they were
  not retrieved; we use the invoice item's names: ``itemCode``, ``eanCode``,
  ``warehouseCode``, ``vatRate``, ``unitPrice``);
- numbering-sequence fields [I] (``numberingSequence`` is the short code an
  invoice names, ≤5 chars);
- the paths for proforma invoices' and received orders' POST [I].
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sandbox.kros.limits import RateWindow

__all__ = [
    "BASE_CURRENCY",
    "DEFAULT_TOKEN",
    "DOCUMENT_KINDS",
    "WEBHOOK_SECRET",
    "Knobs",
    "KrosSandbox",
]

DEFAULT_TOKEN = "kros-sandbox-token-company-1"  # sandbox-only credential
WEBHOOK_SECRET = "kros-sandbox-webhook-authorization-key-0123456789ab"  # 50 chars, like KROS
BASE_CURRENCY = "EUR"

# resource path -> (document type a numbering sequence serves, [I] for all but invoices)
DOCUMENT_KINDS = {
    "invoices": "IssuedInvoice",
    "proforma-invoices": "ProformaInvoice",
    "received-orders": "ReceivedOrder",
}


def kros_timestamp(moment: datetime) -> str:
    """KROS writes timestamps zone-less (``2024-07-22T10:00:00``) [contract §1]."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="seconds")


@dataclass
class Knobs:
    """Faults a test turns on; every one is off by default.

    ``webhook``: ``"deliver"`` (200), ``"problems"`` (207, nothing created),
    ``"never"`` (the document is created, no webhook: the poll path).
    ``drop_answer``: the next N document POSTs are processed but their 202
    is never sent (the connection hangs until the client times out).
    """

    webhook: str = "deliver"
    webhook_delay: float = 0.05
    drop_answer: int = 0
    api_package: bool = True
    ecb_feed: str = "ok"  # ok | malformed | weekend
    cnb_feed: str = "ok"
    retry_after: int | None = None  # KROS sending Retry-After on 429 is unconfirmed
    unavailable: int = 0  # the next N requests answer 503 (an outage)

    def update(self, **changes: Any) -> None:
        for name, value in changes.items():
            if not hasattr(self, name):
                raise AttributeError(f"no knob {name!r}")
            setattr(self, name, value)


@dataclass
class Stats:
    requests: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    posts: int = 0
    catalog_queries: list[dict[str, str]] = field(default_factory=list)
    feed_requests: int = 0


@dataclass
class KrosSandbox:
    """The company's data, guarded by one lock (handlers and timer threads share it)."""

    token: str = DEFAULT_TOKEN
    webhook_url: str = ""
    webhook_secret: str = WEBHOOK_SECRET
    currency: str = BASE_CURRENCY
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    knobs: Knobs = field(default_factory=Knobs)
    stats: Stats = field(default_factory=Stats)
    rate: RateWindow = field(default_factory=RateWindow)
    lock: threading.RLock = field(default_factory=threading.RLock)
    items: list[dict[str, Any]] = field(default_factory=list)
    warehouses: list[dict[str, Any]] = field(default_factory=list)
    sequences: list[dict[str, Any]] = field(default_factory=list)
    documents: dict[str, list[dict[str, Any]]] = field(
        default_factory=lambda: {kind: [] for kind in DOCUMENT_KINDS}
    )
    requests: dict[str, dict[str, Any]] = field(default_factory=dict)  # requestId -> outcome
    deliveries: list[dict[str, Any]] = field(default_factory=list)  # webhooks sent
    emails: list[dict[str, Any]] = field(default_factory=list)  # documents KROS e-mailed
    recent_posts: dict[str, datetime] = field(default_factory=dict)  # 409 window
    _next_id: int = 1000

    def new_id(self) -> int:
        with self.lock:
            self._next_id += 1
            return self._next_id

    def now_text(self) -> str:
        return kros_timestamp(self.clock())

    def sequence(self, code: str) -> dict[str, Any] | None:
        return next((s for s in self.sequences if s["numberingSequence"] == code), None)

    def next_number(self, code: str) -> str:
        """``YYYY`` + a 4-digit counter per sequence, as KROS shows numbers [I]."""
        with self.lock:
            seq = self.sequence(code)
            assert seq is not None
            seq["lastNumber"] += 1
            return f"{self.clock().year}{seq['lastNumber']:04d}"

    def find_document(self, kind: str, number: str) -> dict[str, Any] | None:
        with self.lock:
            return next((d for d in self.documents[kind] if d["documentNumber"] == number), None)

    def all_documents(self) -> list[dict[str, Any]]:
        with self.lock:
            return [d for docs in self.documents.values() for d in docs]

    def touch_item(self, code: str, **changes: Any) -> None:
        """Change a stock card the way a KROS user would; bumps its change timestamp."""
        with self.lock:
            item = next(i for i in self.items if i["itemCode"] == code)
            item.update(changes)
            item["catalogItemChangedTimestamp"] = self.now_text()

    def seed(self, products: int = 12, rng_seed: int = 1) -> None:
        from sandbox.kros.seed import seed_company

        seed_company(self, products, rng_seed)


def money(value: Decimal | float | str) -> float:
    """Amounts travel as JSON numbers [3P]; two places are enough for the sandbox."""
    return float(Decimal(str(value)).quantize(Decimal("0.01")))
