"""``tillsync orders show`` reads the console's own read model (issue 15: one read model).

A held order shows what it misses, as the console's Orders screen does; the
command and the screen no longer have read models of their own.
"""

from __future__ import annotations

from .conftest import Sandboxes, buyable
from .installation import ORDER_MAPPINGS, Installation


def test_a_held_order_shows_what_it_misses(install: Installation, sandboxes: Sandboxes):
    assert install.run("mappings", "import", "-", stdin=ORDER_MAPPINGS).code == 0
    assert install.run("sync", "catalog").code == 0
    products = buyable(sandboxes.woo)
    order = sandboxes.woo.place_order(
        [(products[0], 1)], payment_method="cheque", status="completed"
    )
    assert "held 1" in install.run("sync", "orders").stdout
    shown = install.run("orders", "show", str(order["id"]))
    assert shown.code == 0, shown.output
    assert f"Order #{order['id']} — held" in shown.stdout
    assert "Missing before it can be booked:\n  payment gateway 'cheque'" in shown.stdout
