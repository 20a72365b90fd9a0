"""What a real shop does to the values it stores (reference §14): filtered names,
slugged tax classes, the default category, downloaded images, the trash's
SKU lookup table and a loaded host's batch times."""

from __future__ import annotations

import pytest

from sandbox.woocommerce import HostModel
from sandbox.woocommerce.hostmodel import Operation

from . import running_store


@pytest.fixture(scope="module")
def store():
    with running_store(products=6) as running:
        yield running


def test_names_are_stored_escaped_and_without_tags(store) -> None:
    _, _, client = store
    product = client.post("products", {"name": "Tea & Honey <Bio>", "sku": "NAME-1"}).json()
    assert product["name"] == "Tea &amp; Honey"
    assert product["slug"] == "tea-honey"
    assert client.get(f"products/{product['id']}").json()["name"] == "Tea &amp; Honey"
    category = client.post("products/categories", {"name": "Books & Stationery"}).json()
    assert category["name"] == "Books &amp; Stationery"
    again = client.post("products/categories", {"name": "Books & Stationery"}).json()
    assert again["code"] == "term_exists" and again["data"]["resource_id"] == category["id"]


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ("Reduced rate", "reduced-rate"),
        ("zero-rate", "zero-rate"),
        ("zero_rate", ""),  # unknown class: stored as standard, still a 200
        ("standard", ""),
        ("", ""),
    ],
)
def test_tax_class_is_slugged_and_unknown_is_standard(store, sent, stored) -> None:
    _, _, client = store
    response = client.post("products", {"name": "Taxed", "tax_class": sent})
    assert response.status_code == 201
    assert response.json()["tax_class"] == stored


def test_empty_category_list_becomes_uncategorized(store) -> None:
    _, _, client = store
    product = client.post("products", {"name": "Loose", "categories": []}).json()
    assert [c["name"] for c in product["categories"]] == ["Uncategorized"]


def test_unreachable_image_refuses_the_whole_product(store) -> None:
    sb, _, client = store
    sb.unreachable_images.add("cdn.example.com")
    bad = {"name": "Pic", "sku": "IMG-1", "images": [{"src": "https://cdn.example.com/1.jpg"}]}
    single = client.post("products", bad)
    assert single.status_code == 400
    assert single.json()["code"] == "woocommerce_product_image_upload_error"
    assert "IMG-1" not in sb.sku_index
    invalid = {**bad, "images": [{"src": "http://images.shop.invalid/2.jpg"}]}
    batch = client.post("products/batch", {"create": [invalid, {**bad, "images": []}]}).json()
    refused, created = batch["create"]
    assert refused["id"] == 0
    assert refused["error"]["code"] == "woocommerce_product_image_upload_error"
    assert created["sku"] == "IMG-1"
    update = client.put(f"products/{created['id']}", {"name": "New", **bad})
    assert update.json()["code"] == "woocommerce_product_image_upload_error"
    assert client.get(f"products/{created['id']}").json()["name"] == "Pic"  # nothing saved
    good = {"images": [{"src": "https://images.example.com/ok.jpg"}]}
    assert client.put(f"products/{created['id']}", good).status_code == 200


def test_trashed_product_keeps_its_sku_in_the_lookup_table(store) -> None:
    _, _, client = store
    product = client.post("products", {"name": "Old", "sku": "TRASH-1"}).json()
    assert client.delete(f"products/{product['id']}").status_code == 200
    assert client.get("products", sku="TRASH-1").json() == []  # status=any leaves it out
    trashed = client.get("products", sku="TRASH-1", status="trash").json()
    assert [p["id"] for p in trashed] == [product["id"]]
    again = client.post("products/batch", {"create": [{"name": "Old", "sku": "TRASH-1"}]}).json()
    error = again["create"][0]["error"]
    assert error["code"] == "woocommerce_rest_product_not_created"
    assert "lookup table" in error["message"] and "resource_id" not in error["data"]
    restored = client.put(f"products/{product['id']}", {"status": "publish", "name": "Back"})
    assert restored.status_code == 200 and restored.json()["status"] == "publish"
    assert [p["id"] for p in client.get("products", sku="TRASH-1").json()] == [product["id"]]


def test_updating_a_deleted_product_is_400_invalid_id(store) -> None:
    _, _, client = store
    product = client.post("products", {"name": "Gone", "sku": "GONE-1"}).json()
    assert client.delete(f"products/{product['id']}", force="true").status_code == 200
    update = client.put(f"products/{product['id']}", {"name": "x"})
    assert (update.status_code, update.json()["code"]) == (
        400,
        "woocommerce_rest_product_invalid_id",
    )
    assert client.post("products", {"name": "Gone", "sku": "GONE-1"}).status_code == 201


def test_load_factor_makes_a_100_item_batch_exceed_30_seconds_unscaled() -> None:
    quiet = HostModel(time_scale=1.0)
    loaded = HostModel(time_scale=1.0, load_factor=2.5)
    creates = (100, 0, 0)
    assert quiet.cost(Operation.BATCH, batch=creates) < 30
    # four batches in flight on two cores double each one's time
    assert loaded.cost(Operation.BATCH, batch=creates) * 2 > 30
    scaled = HostModel(time_scale=0.01, load_factor=2.5)
    assert scaled.cost(Operation.BATCH, batch=creates) == pytest.approx(
        loaded.cost(Operation.BATCH, batch=creates) * 0.01
    )
