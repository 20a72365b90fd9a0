"""The NexoPOS back office of ``tillsync demo --backend nexopos``: a seeded sandbox on
loopback and what the demo command asks of it (the command names no back office).

Both directions show live: the demo's shoppers place WooCommerce orders that are
booked in NexoPOS, and a cashier rings up a sale at the till every ``till_every``
seconds, which the orders poll brings into WooCommerce (``import_till_sales``).
"""

from __future__ import annotations

import threading
from typing import Any, ClassVar

import httpx

from sandbox.nexopos import ids
from sandbox.nexopos.app import create_app
from sandbox.nexopos.seed import seed_store
from sandbox.nexopos.state import NexoSandbox
from sandbox.server import RunningServer, start_server

__all__ = ["NexoDemo"]


class NexoDemo:
    """A seeded NexoPOS sandbox, throttle off (``APP_ENV=local``) so the demo keeps pace."""

    title = "NexoPOS"
    tax_classes: ClassVar[dict[str, str]] = {
        str(ids.TAX_STANDARD): "",
        str(ids.TAX_REDUCED): "reduced-rate",
        str(ids.TAX_ZERO): "zero-rate",
    }
    payments: ClassVar[dict[str, str]] = {"cod": "cash-payment", "bacs": "bank-payment"}

    def __init__(self, products: int = 300, port: int = 0, till_every: float = 20.0) -> None:
        self.sandbox = seed_store(NexoSandbox(), products=products)
        self.sandbox.knobs.rate_limit = None
        self.server: RunningServer = start_server(create_app(self.sandbox), port=port)
        self._stop = threading.Event()
        self._till = threading.Thread(target=self._cashier, args=(till_every,), daemon=True)
        self._till.start()

    def _cashier(self, every: float) -> None:
        """A sale at the till now and then: a catalogue product and a gift wrap."""
        headers = {"Authorization": f"Bearer {ids.TOKEN}", "Accept": "application/json"}
        with httpx.Client(base_url=f"{self.server.url}/api", headers=headers) as client:
            while not self._stop.wait(every):
                client.post("/orders", json=self._sale())

    def _sale(self) -> dict[str, Any]:
        with self.sandbox.lock:
            row = next(q for q in self.sandbox.unit_quantities.values() if q["quantity"] >= 1)
        price = row["sale_price_gross"]
        lines = [
            {"product_id": row["product_id"], "unit_quantity_id": row["id"], "quantity": 1,
             "unit_price": price},
            {"name": "Gift wrap", "quantity": 1, "unit_price": 2},
        ]  # fmt: skip
        return {"customer_id": ids.WALK_IN_CUSTOMER, "type": {"identifier": "takeaway"},
                "products": lines,
                "payments": [{"identifier": "cash-payment", "value": price + 2}]}  # fmt: skip

    def backend_config(self, connection: str) -> dict[str, Any]:
        """The ``[connections.<name>.backend]`` keys (no secret) pointing at this sandbox."""
        return {
            "type": "nexopos",
            "base_url": self.server.url,
            "unit_id": str(ids.UNIT_PIECE),
            "customer_group_id": str(ids.GROUP_WEB),
            "default_customer_id": str(ids.WALK_IN_CUSTOMER),
            "import_till_sales": True,
        }

    def backend_secrets(self) -> dict[str, str]:
        return {"token": ids.TOKEN}  # sandbox-only credential

    def credentials(self) -> str:
        return f"  NexoPOS back office: {self.server.url}/api\n    token {ids.TOKEN}"

    def remove_product(self, sku: str) -> None:
        """Staff delete the product in NexoPOS while the shop still sells it."""
        with self.sandbox.lock:
            for product_id, product in list(self.sandbox.products.items()):
                if product["sku"] == sku:
                    del self.sandbox.products[product_id]
                    for row in self.sandbox.quantities_of(product_id):
                        del self.sandbox.unit_quantities[row["id"]]

    def stumble(self) -> None:
        """The next two requests answer 503 (retried with backoff, then booked)."""
        self.sandbox.knobs.fail_next = 2

    def stop(self) -> None:
        self._stop.set()
        self._till.join(timeout=5)
        self.server.stop()
