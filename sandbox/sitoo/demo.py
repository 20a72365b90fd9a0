"""The Sitoo back office of ``tillsync demo --backend sitoo``: a seeded sandbox and
what the demo command needs of it (the backend keys of the demo config, its
secrets, the demo's tax and payment mappings, and the mishaps the order trickle
shows).  The seeded account has variant families, so the Products screen shows
variable products.  In the order trickle, one checkout in six is a Click & Collect
order (shipping method ``local_pickup``, booked open on the store's warehouse), and
now and then a customer orders in the store for home delivery: a Store2Door order
that comes down to WooCommerce.
"""

from __future__ import annotations

import contextlib
from typing import ClassVar

from sandbox.server import RunningServer, start_server
from sandbox.sitoo.account import ESHOP_ID, SitooSandbox
from sandbox.sitoo.app import API_BASE, create_app
from sandbox.sitoo.orders import create_order
from sandbox.sitoo.seed import PRICELIST_WEBSHOP, WAREHOUSE_STORE, WAREHOUSE_WEB, seed

__all__ = ["CAC_METHOD", "SitooDemo"]

CAC_METHOD = "local_pickup"  # WooCommerce's pick-up shipping method id
_BUYERS = (("Alva", "Berg"), ("Nils", "Ek"), ("Saga", "Lund"))


class SitooDemo:
    """A seeded Sitoo sandbox on loopback, described for the demo command."""

    title = "Sitoo POS"
    # Woo tax class per Sitoo VAT group; cheque is left unmapped on purpose (a held order)
    tax_classes: ClassVar[dict[str, str]] = {"1": "", "2": "reduced-rate", "3": "zero-rate"}
    payments: ClassVar[dict[str, str]] = {"cod": "Cash", "bacs": "Bank transfer"}

    def __init__(self, products: int = 300, port: int = 0) -> None:
        self.sandbox = SitooSandbox()
        seed(self.sandbox, products=products)
        self._store2door_order()
        self.server: RunningServer = start_server(create_app(self.sandbox), port=port)

    def _store2door_order(self, nth: int = 0) -> None:
        """A customer ordered in the store for home delivery: not delivered yet, so the
        next orders poll brings it into WooCommerce (a Store2Door order coming down)."""
        sb = self.sandbox
        with sb.lock:
            singles = [p for p in sb.products.values() if p.get("variantparentid") is None]
            single = singles[nth % len(singles)]
            buyer = _BUYERS[nth % len(_BUYERS)]
            create_order(sb, ESHOP_ID, {
                "ordertypeid": 10, "currencycode": "SEK", "email": "store2door@example.com",
                "namefirst": buyer[0], "namelast": buyer[1], "warehouseid": WAREHOUSE_STORE,
                "orderitems": [{"orderitemtype": 10, "productname": single["title"],
                                "sku": single["sku"], "quantity": 1,
                                "moneyrowprice": single["moneyprice"], "vatvalue": 25}],
            })  # fmt: skip

    @property
    def base_url(self) -> str:
        return f"{self.server.url}{API_BASE}/{self.sandbox.account_id}"

    def backend_config(self, connection: str) -> dict[str, str]:
        """The ``[connections.<name>.backend]`` keys (no secret) pointing at this sandbox."""
        return {
            "type": "sitoo",
            "mode": "test",
            "test_base_url": self.base_url,
            "test_api_id": self.sandbox.api_id,
            "eshopid": str(ESHOP_ID),
            "warehouse": str(WAREHOUSE_WEB),
            "pricelist": str(PRICELIST_WEBSHOP),
            "import_orders": "store2door",
            "cac_shipping_method": CAC_METHOD,
            "cac_warehouse": str(WAREHOUSE_STORE),
        }

    def order_extra(self, step: int) -> dict[str, str]:
        """The first checkout of every six is a Click & Collect order (free pick-up)."""
        return {"shipping_total": "0.00", "shipping_method": CAC_METHOD} if step == 1 else {}

    def backoffice_step(self, step: int) -> None:
        """Every sixth checkout, a customer in the store orders for home delivery."""
        if step == 0:
            self._store2door_order(nth=len(self.sandbox.orders))

    def backend_secrets(self) -> dict[str, str]:
        return {"test_password": self.sandbox.password}  # sandbox-only credential

    def credentials(self) -> str:
        """What ``tillsync demo --no-ui`` prints (sandbox-only credentials)."""
        return (
            f"  Sitoo back office (test mode): {self.base_url}\n"
            f"    API id {self.sandbox.api_id}  API password {self.sandbox.password}"
        )

    def remove_product(self, sku: str) -> None:
        """Staff delete the product in Sitoo while the shop still sells it."""
        with self.sandbox.lock, contextlib.suppress(Exception):
            row = self.sandbox.product_by_sku(sku)
            if row is not None:
                del self.sandbox.products[row["productid"]]

    def stumble(self) -> None:
        """The next two requests answer 503 (retried with backoff, then booked)."""
        with self.sandbox.lock:
            self.sandbox.knobs.scripted = ["503", "503"]

    def stop(self) -> None:
        self.server.stop()
