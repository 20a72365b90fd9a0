"""The KORONA back office of ``tillsync demo``: a seeded sandbox and what the demo needs of it.

WHY here: the demo command knows no back office by name.  The KORONA entry
names :class:`KoronaDemo` (``"sandbox.korona.demo:KoronaDemo"``);
the command builds it and asks the object for the ``backend`` keys of the demo
config, its secrets, the demo's tax and payment mappings (sandbox ids), and
the two mishaps the order trickle shows (a product deleted while the shop
still sells it, a back office that stumbles with two 503s).
"""

from __future__ import annotations

import contextlib
from typing import ClassVar

from sandbox.korona import ids
from sandbox.korona.account import KoronaSandbox
from sandbox.korona.app import API_BASE, create_app
from sandbox.server import RunningServer, start_server

__all__ = ["KoronaDemo"]


class KoronaDemo:
    """A seeded KORONA sandbox on loopback, described for the demo command."""

    title = "KORONA POS"
    # Woo tax class per KORONA sector, and the gateways mapped (cheque is left unmapped on purpose)
    tax_classes: ClassVar[dict[str, str]] = {
        ids.SECTOR_STANDARD_ID: "",
        ids.SECTOR_REDUCED_ID: "reduced-rate",
        ids.SECTOR_FREE_ID: "zero-rate",
    }
    payments: ClassVar[dict[str, str]] = {
        "cod": ids.PAYMENT_CASH_ID,
        "bacs": ids.PAYMENT_WEBSHOP_ID,
    }

    def __init__(self, products: int = 300, port: int = 0) -> None:
        self.sandbox = KoronaSandbox()
        self.sandbox.seed_demo(products=products, rng_seed=1)
        self.server: RunningServer = start_server(create_app(self.sandbox), port=port)

    @property
    def base_url(self) -> str:
        return f"{self.server.url}{API_BASE}"

    def backend_config(self, connection: str) -> dict[str, str]:
        """The ``[connections.<name>.backend]`` keys (no secret) pointing at this sandbox."""
        return {
            "type": "korona",
            "base_url": self.base_url,
            "account_id": ids.DEFAULT_ACCOUNT_ID,
            "user": ids.DEFAULT_USER,
            "price_group": ids.PRICE_GROUP_WEBSHOP_ID,
            "warehouse": ids.ORG_WAREHOUSE_ID,
            "point_of_sale": ids.POS_WEBSHOP_ID,
            "coupling_id": f"tillsync-{connection}",
        }

    def backend_secrets(self) -> dict[str, str]:
        return {"password": ids.DEFAULT_PASSWORD}  # sandbox-only credential

    def credentials(self) -> str:
        """What ``tillsync demo --no-ui`` prints (sandbox-only credentials)."""
        return (
            f"  KORONA back office: {self.base_url}\n"
            f"    account {ids.DEFAULT_ACCOUNT_ID}  user {ids.DEFAULT_USER}"
            f"  password {ids.DEFAULT_PASSWORD}"
        )

    def remove_product(self, sku: str) -> None:
        """Staff delete the product in KORONA while the shop still sells it."""
        with contextlib.suppress(Exception):
            self.sandbox.delete(sku)

    def stumble(self) -> None:
        """The next two requests answer 503 (retried with backoff, then booked)."""
        self.sandbox.knobs.update(scripted=["503", "503"])

    def stop(self) -> None:
        self.server.stop()
