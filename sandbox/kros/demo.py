"""The KROS back office of ``tillsync demo --backend kros``: a seeded company on loopback.

WHY here: the demo command knows no back office by name; the KROS entry
names :class:`KrosDemo`.  Orders go ``confirming`` (KROS's 202) and turn
done with their KROS invoice numbers when tillsync's look-up finds them: the
demo's KROS does not know tillsync's webhook URL (it is chosen after the
sandboxes start), so the confirmations show the poll path.  Invoices are
e-mailed by KROS (``delivery = "email"``; the sandbox records them).
"""

from __future__ import annotations

from typing import ClassVar

from sandbox.kros.app import API_BASE, create_app
from sandbox.kros.company import DEFAULT_TOKEN, WEBHOOK_SECRET, KrosSandbox
from sandbox.kros.rates import CNB_PATH, ECB_PATH
from sandbox.server import RunningServer, start_server

__all__ = ["KrosDemo"]


class KrosDemo:
    """A seeded KROS sandbox on loopback, described for the demo command."""

    title = "KROS Fakturácia + Sklad"
    # Woo tax class per KROS VAT rate; cheque is left unmapped on purpose (a held order)
    tax_classes: ClassVar[dict[str, str]] = {"23": "", "19": "reduced-rate", "5": "zero-rate"}
    payments: ClassVar[dict[str, str]] = {"cod": "Dobierka", "bacs": "Bankový prevod"}

    def __init__(self, products: int = 300, port: int = 0) -> None:
        self.sandbox = KrosSandbox()
        self.sandbox.seed(products=products)
        self.server: RunningServer = start_server(create_app(self.sandbox), port=port)

    @property
    def base_url(self) -> str:
        return f"{self.server.url}{API_BASE}"

    def backend_config(self, connection: str) -> dict[str, str]:
        """The ``[connections.<name>.backend]`` keys (no secret) pointing at this sandbox."""
        return {
            "type": "kros",
            "base_url": self.base_url,
            "document": "invoice",
            "numbering_sequence": "OF",
            "credit_note_sequence": "DB",
            "delivery": "email",
            "warehouse": "HS",
            "ecb_url": f"{self.server.url}{ECB_PATH}",
            "cnb_url": f"{self.server.url}{CNB_PATH}",
        }

    def backend_secrets(self) -> dict[str, str]:
        return {"token": DEFAULT_TOKEN, "webhook_secret": WEBHOOK_SECRET}  # sandbox-only

    def credentials(self) -> str:
        """What ``tillsync demo --no-ui`` prints (sandbox-only credentials)."""
        return f"  KROS back office: {self.base_url}\n    token {DEFAULT_TOKEN}"

    def remove_product(self, sku: str) -> None:
        """Staff delete the stock card in KROS while the shop still sells it."""
        with self.sandbox.lock:
            self.sandbox.items = [i for i in self.sandbox.items if i["itemCode"] != sku]

    def order_extra(self, step: int) -> dict[str, str]:
        """The demo's fifth checkout of every six is paid in US dollars: KROS gets a
        document in USD with the ECB rate of the day (the company books in EUR)."""
        return {"currency": "USD"} if step == 5 else {}

    def stumble(self) -> None:
        """The next two requests answer 503 (retried with backoff, then booked)."""
        self.sandbox.knobs.update(unavailable=2)

    def stop(self) -> None:
        self.server.stop()
