from decimal import Decimal

from engine.model import Money, Product
from engine.store.links import Link
from engine.sync.fieldhash import encode, fingerprint
from engine.sync.product_plan import decide
from engine.sync.woo_fields import CatalogPreferences, catalog_fields
from engine.sync.woo_index import WooIndex

PREFS = CatalogPreferences(new_products_status="publish", tax_classes={"*": ""})
PRODUCT = Product("p1", "1001", "Tea", price=Money.of("3.50", "EUR"), image_urls=("u",))


def _link(product: Product = PRODUCT, **extra: object) -> Link:
    fields = {**catalog_fields(product, PREFS, {}).fields, **extra}
    return Link("product", product.id, 77, product.sku, encode(fingerprint(fields)))


def test_new_product_is_created_with_status_and_stock() -> None:
    decision = decide(PRODUCT, PREFS, {}, None, None, quantity=Decimal(3))
    assert decision.verb == "create"
    assert decision.send["status"] == "publish"
    assert "status" not in decision.fields  # never remembered: the admin may change it


def test_unchanged_product_sends_nothing_and_a_price_change_sends_only_the_price() -> None:
    assert decide(PRODUCT, PREFS, {}, _link(), None).verb == "unchanged"
    cheaper = Product("p1", "1001", "Tea", price=Money.of("2.99", "EUR"), image_urls=("u",))
    decision = decide(cheaper, PREFS, {}, _link(), None)
    assert decision.verb == "update"
    assert decision.send == {"regular_price": "2.99"}


def test_deactivated_linked_product_goes_to_draft_once_then_back_when_reactivated() -> None:
    gone = Product("p1", "", "", active=False)
    decision = decide(gone, PREFS, {}, _link(), None)
    assert (decision.verb, decision.send) == ("update", {"status": "draft"})
    drafted = Link("product", "p1", 77, "1001", encode(decision.remembered()))
    assert decide(gone, PREFS, {}, drafted, None).verb == "unchanged"
    back = decide(PRODUCT, PREFS, {}, drafted, None)
    assert back.send == {"status": "publish"}
    assert "status" not in back.fields


def test_unlinked_deactivated_product_is_ignored_not_created() -> None:
    assert decide(Product("p9", "", "", active=False), PREFS, {}, None, None).verb == "ignore"


def test_shop_product_with_the_same_values_is_linked_without_a_write() -> None:
    index = WooIndex()
    index.add(
        {"id": 5, "sku": "1001", "name": "Tea", "tax_class": "", "regular_price": "3.5",
         "description": "", "short_description": "", "categories": [],
         "images": [{"id": 9, "src": "https://shop/wp-content/uploads/tea.jpg"}]}
    )  # fmt: skip
    decision = decide(PRODUCT, PREFS, {}, None, index.get("1001"))
    assert (decision.verb, decision.woo_id, decision.send) == ("link", 5, {})
