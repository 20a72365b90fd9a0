"""Which barcode becomes WooCommerce's GTIN (``global_unique_id``)."""

from __future__ import annotations

import pytest

from engine.model import Product
from engine.sync.woo_fields import CatalogPreferences, catalog_fields, gtin_of


@pytest.mark.parametrize(
    ("codes", "gtin"),
    [
        (("4006381333931",), "4006381333931"),  # EAN-13
        (("96385074",), "96385074"),  # EAN-8
        (("036000291452",), "036000291452"),  # UPC-A
        (("10614141000415",), "10614141000415"),  # GTIN-14
        (("080442957X",), "080442957X"),  # ISBN-10 with its X check digit
        (("978-3-16-148410-0",), "978-3-16-148410-0"),  # hyphens kept, as the shop stores them
        (("4 006381 333931",), "4006381333931"),  # printed with spaces
        (("42", "4006381333931"), "4006381333931"),  # a scale PLU first: skipped
        (("ABC-12345678",), None),  # an in-house code
        (("1234567",), None),
        ((), None),
    ],
)
def test_the_first_gtin_shaped_code(codes: tuple[str, ...], gtin: str | None) -> None:
    assert gtin_of(codes) == gtin


def test_catalog_fields_send_it_unless_switched_off() -> None:
    product = Product(id="p1", sku="A-1", name="Tea", codes=("42", "4006381333931"))
    on = catalog_fields(product, CatalogPreferences(), {}).fields
    off = catalog_fields(product, CatalogPreferences(sync_gtin=False), {}).fields
    assert on["global_unique_id"] == "4006381333931" and "global_unique_id" not in off
