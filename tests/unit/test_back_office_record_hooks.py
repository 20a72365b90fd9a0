"""Two small, general hooks a back office needs (added for Sitoo, issue 16):
a product the adapter can't publish carries its reason (set aside, the rest goes
on), and an order says which shipping methods it used (Click & Collect)."""

from __future__ import annotations

from decimal import Decimal

from engine.model import Money, Product
from engine.sync.orders import order_from_woo
from engine.sync.product_plan import decide
from engine.sync.woo_fields import CatalogPreferences
from tests.unit.test_orders_mapping import woo_order


def test_a_product_with_a_problem_is_set_aside_with_that_reason() -> None:
    product = Product(
        "P1", "P1", "Bad price", Money(Decimal("1.00"), "EUR"), problem="price '12,50'"
    )
    decision = decide(product, CatalogPreferences(tax_classes={"*": ""}), {}, None, None)
    assert (decision.verb, decision.reason) == ("skip", "price '12,50'")
    fine = decide(
        Product("P2", "P2", "Fine", Money(Decimal("1.00"), "EUR")),
        CatalogPreferences(tax_classes={"*": ""}), {}, None, None,
    )  # fmt: skip
    assert fine.verb == "create"


def test_an_order_names_its_shipping_methods() -> None:
    data = woo_order(shipping_lines=[{"id": 1, "method_id": "local_pickup", "total": "0.00"}])
    assert order_from_woo(data).shipping_methods == ("local_pickup",)
    assert order_from_woo(woo_order(shipping_lines=[])).shipping_methods == ()
