from decimal import Decimal

import pytest

from engine.model import Money, Product
from engine.sync.fieldhash import changed_fields, decode, encode, fingerprint
from engine.sync.validate import product_problem
from engine.sync.woo_fields import CatalogPreferences, catalog_fields, stock_fields

PREFS = CatalogPreferences(tax_classes={"s20": "", "s10": "reduced-rate"})


def _product(**changes: object) -> Product:
    base = {
        "id": "p1",
        "sku": "1001",
        "name": "Espresso beans 1 kg",
        "price": Money.of("19.90", "EUR"),
        "tax_code_id": "s20",
        "category_ids": ("g2", "g1"),
        "weight": Decimal("1.000"),
        "image_urls": ("https://img.example/1.jpg",),
    }
    base.update(changes)
    return Product(**base)  # type: ignore[arg-type]


def test_catalog_fields_translate_a_product() -> None:
    result = catalog_fields(_product(), PREFS, {"g1": 11, "g2": 12})
    assert result.problem is None
    assert result.fields == {
        "name": "Espresso beans 1 kg",
        "sku": "1001",
        "tax_class": "",
        "regular_price": "19.90",
        "description": "",
        "short_description": "",
        "weight": "1",
        "images": [{"src": "https://img.example/1.jpg"}],
        "categories": [{"id": 11}, {"id": 12}],
    }


def test_deactivated_product_goes_to_draft_and_categories_can_be_off() -> None:
    prefs = CatalogPreferences(sync_categories=False, tax_classes={"*": "zero-rate"})
    fields = catalog_fields(_product(active=False, tax_code_id="unknown"), prefs, {}).fields
    assert fields["status"] == "draft"
    assert fields["tax_class"] == "zero-rate"
    assert "categories" not in fields


def test_unmapped_tax_code_is_a_problem_not_a_guess() -> None:
    result = catalog_fields(_product(tax_code_id="s99"), PREFS, {})
    assert result.problem is not None and "s99" in result.problem


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"sku": " "}, "blank SKU"),
        ({"sku": "A B"}, "spaces"),
        ({"name": "bad\x07name"}, "control characters"),
        ({"name": "x" * 10_000}, "characters long"),
        ({"price": Money.of("1.999", "EUR")}, "more than 2 decimals"),
        ({"price": Money.of("-1", "EUR")}, "negative price"),
    ],
)
def test_bad_rows_have_a_reason(changes: dict, expected: str) -> None:
    problem = product_problem(_product(**changes))
    assert problem is not None and expected in problem


def test_good_row_has_no_problem() -> None:
    assert product_problem(_product(price=Money.of("19.900", "EUR"))) is None


def test_stock_fields_hide_out_of_stock_and_refuse_fractions() -> None:
    assert stock_fields(Decimal(0), PREFS).fields["catalog_visibility"] == "hidden"
    oversold = stock_fields(Decimal(-2), PREFS).fields  # as the back office holds it
    assert (oversold["stock_quantity"], oversold["catalog_visibility"]) == (-2, "hidden")
    assert stock_fields(Decimal(5), PREFS).fields == {
        "manage_stock": True,
        "stock_quantity": 5,
        "catalog_visibility": "visible",
    }
    assert stock_fields(Decimal("1.5"), PREFS).problem is not None
    no_hide = CatalogPreferences(hide_out_of_stock=False)
    assert "catalog_visibility" not in stock_fields(Decimal(0), no_hide).fields


def test_only_changed_fields_are_sent() -> None:
    written = {"name": "A", "regular_price": "1.00", "images": [{"src": "u"}]}
    stored = encode(fingerprint(written))
    now = {"name": "A", "regular_price": "2.00", "images": [{"src": "u"}]}
    assert changed_fields(decode(stored), now) == {"regular_price": "2.00"}
    assert changed_fields(decode(stored), written) == {}
    assert changed_fields(decode("legacy-md5"), written) == written


def test_a_real_runs_diff_lists_up_to_its_limit_but_counts_everything() -> None:
    from engine.sync.diff import CatalogDiff, DiffEntry

    diff = CatalogDiff(limit=3)
    for i in range(5):
        diff.add(DiffEntry("create", "product", f"sku{i}"))
    diff.add(DiffEntry("unchanged", "product", "same"))
    assert len(diff.entries) == 3 and diff.not_listed == 2
    assert diff.summary() == {"create": 5, "update": 0, "skip": 0, "unchanged": 1}
    assert "2 more not listed" in diff.render()
