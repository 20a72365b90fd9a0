"""The AurPOS back office of ``tillsync demo --backend aurpos``.

The entry names :class:`AurposDemo` (``"sandbox.aurpos.demo:AurposDemo"``).
Its mishaps show what is particular to AurPOS: the product the order trickle
"removes" is sold out at the location instead (the Connector cannot delete a
product), so that order is saved as a **draft**; a delivery restocks it
``restock_after`` seconds later and the order worker makes the draft final.
``stumble`` makes the next two requests answer 503.
"""

from __future__ import annotations

import threading
from typing import ClassVar

from sandbox.aurpos.app import create_app
from sandbox.aurpos.seed import DEMO_CLIENT, DEMO_USER, seed_demo
from sandbox.aurpos.state import AurposSandbox
from sandbox.server import RunningServer, start_server

__all__ = ["AurposDemo"]

DEMO_LOCATION = 2


class AurposDemo:
    """A seeded Ultimate POS Connector sandbox on loopback, described for the demo."""

    title = "AurPOS (Ultimate POS)"
    tax_classes: ClassVar[dict[str, str]] = {"1": "", "2": "reduced-rate", "3": "zero-rate"}
    payments: ClassVar[dict[str, str]] = {"cod": "cash", "bacs": "bank_transfer"}
    restock_after = 45.0

    def __init__(self, products: int = 300, port: int = 0) -> None:
        self.sandbox = seed_demo(AurposSandbox(), products=min(products, 200))
        self.server: RunningServer = start_server(create_app(self.sandbox), port=port)
        self._timers: list[threading.Timer] = []

    def backend_config(self, connection: str) -> dict[str, str]:
        """The ``[connections.<name>.backend]`` keys (no secret) pointing at this sandbox."""
        return {
            "type": "aurpos",
            "host": self.server.url,
            "base_path": "auto",
            "client_id": DEMO_CLIENT.id,
            "username": DEMO_USER.username,
            "location": str(DEMO_LOCATION),
            "finalise_drafts_minutes": "0.5",
        }

    def backend_secrets(self) -> dict[str, str]:
        return {"client_secret": DEMO_CLIENT.secret, "password": DEMO_USER.password}

    def credentials(self) -> str:
        """What ``tillsync demo --no-ui`` prints (sandbox-only credentials)."""
        return (
            f"  AurPOS back office: {self.server.url}/connector/api\n"
            f"    client {DEMO_CLIENT.id} / {DEMO_CLIENT.secret}"
            f"  user {DEMO_USER.username}  password {DEMO_USER.password}"
        )

    def remove_product(self, sku: str) -> None:
        """Sold out at the location: the order becomes a draft; restocked a bit later."""
        with self.sandbox.lock:
            found = [
                v["id"]
                for p in self.sandbox.products.values()
                for t in p["product_variations"]
                for v in t["variations"]
                if sku in (p["sku"], v["sub_sku"])
            ]
        for variation_id in found:
            self.sandbox.set_stock(variation_id, DEMO_LOCATION, 0)
            timer = threading.Timer(
                self.restock_after, self.sandbox.set_stock, (variation_id, DEMO_LOCATION, 25)
            )
            timer.daemon = True
            timer.start()
            self._timers.append(timer)

    def stumble(self) -> None:
        """The next two requests answer 503 (retried with backoff, then booked)."""
        self.sandbox.knobs.update(outages=2)

    def stop(self) -> None:
        for timer in self._timers:
            timer.cancel()
        self.server.stop()
