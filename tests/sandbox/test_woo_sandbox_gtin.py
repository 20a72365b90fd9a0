"""The GTIN field (``global_unique_id``, WooCommerce 9.2+) over real HTTP.

``WC_Product::set_global_unique_id`` keeps digits and "-" only, and refuses
a value another live product or variation holds with 400
``product_invalid_global_unique_id`` naming the holder; a trashed one
doesn't count, and a product may be saved again with its own value.
"""

from __future__ import annotations

import pytest

from . import running_store


@pytest.fixture(scope="module")
def store():
    with running_store(products=3) as running:
        yield running


def test_a_duplicate_gtin_is_refused_naming_the_holder(store) -> None:
    _, _, client = store
    first = client.post("products", {"name": "Tea", "global_unique_id": "4006381333931"}).json()
    assert first["global_unique_id"] == "4006381333931"
    again = client.post(
        "products", {"name": "Tea 2", "sku": "TEA-2", "global_unique_id": "4006381333931"}
    )
    assert again.status_code == 400
    error = again.json()
    assert error["code"] == "product_invalid_global_unique_id"
    assert error["data"]["resource_id"] == first["id"]
    # the refused create claimed nothing: its SKU is still free
    assert client.post("products", {"name": "Tea 2", "sku": "TEA-2"}).status_code == 201
    same = client.put(f"products/{first['id']}", {"global_unique_id": "4006381333931"})
    assert same.status_code == 200  # its own value is no duplicate


def test_characters_other_than_digits_are_dropped(store) -> None:
    _, _, client = store
    made = client.post("products", {"name": "Book", "global_unique_id": "EAN 978-3-16"}).json()
    assert made["global_unique_id"] == "978-3-16"


def test_a_trashed_holder_frees_the_gtin(store) -> None:
    _, _, client = store
    held = client.post("products", {"name": "Old", "global_unique_id": "5012345678900"}).json()
    assert client.delete(f"products/{held['id']}").status_code == 200  # to the trash
    reused = client.post("products", {"name": "New", "global_unique_id": "5012345678900"})
    assert reused.status_code == 201
