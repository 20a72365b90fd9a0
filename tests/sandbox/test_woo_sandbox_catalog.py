"""Products, variations and categories over real HTTP (reference §2–§5, §10, §13)."""

from __future__ import annotations

import time

import pytest

from . import running_store


@pytest.fixture(scope="module")
def store():
    with running_store(products=45) as running:
        yield running


def test_pagination_headers_links_and_page_past_the_end(store) -> None:
    sb, _, client = store
    listed = sum(1 for p in sb.products.values() if p.get("status", "publish") != "trash")
    seen: list[int] = []
    page = 1
    while True:
        response = client.get("products", per_page=10, page=page, orderby="id", order="asc")
        assert response.status_code == 200
        assert response.headers["x-wp-total"] == str(listed)
        assert response.headers["x-wp-totalpages"] == str(-(-listed // 10))
        rels = set(response.links)  # httpx joins the Link headers and parses them
        assert ("prev" in rels) == (page > 1)
        if "next" not in rels:
            break
        seen += [p["id"] for p in response.json()]
        page += 1
    seen += [p["id"] for p in response.json()]
    assert seen == sorted(p for p, r in sb.products.items() if r.get("status") != "trash")
    past = client.get("products", per_page=10, page=page + 3)
    assert (past.status_code, past.json()) == (200, [])
    assert "api.w.org" in past.headers["link"]


def test_per_page_above_100_is_rest_invalid_param(store) -> None:
    _, _, client = store
    body = client.get("products", per_page=101).json()
    assert body["code"] == "rest_invalid_param"
    assert body["data"]["status"] == 400
    assert body["data"]["details"]["per_page"]["code"] == "rest_out_of_bounds"
    assert (
        body["data"]["params"]["per_page"]
        == "per_page must be between 1 (inclusive) and 100 (inclusive)"
    )


def test_create_201_location_and_duplicate_sku(store) -> None:
    sb, server, client = store
    created = client.post("products", {"name": "Mug", "sku": "MUG-1", "regular_price": "7.50"})
    assert created.status_code == 201
    product = created.json()
    assert created.headers["location"] == f"{server.url}/wp-json/wc/v3/products/{product['id']}"
    assert (product["price"], product["stock_status"], product["slug"]) == (
        "7.50",
        "instock",
        "mug",
    )
    again = client.post("products", {"name": "Mug again", "sku": "MUG-1"})
    assert again.status_code == 400
    error = again.json()
    assert error["code"] == "product_invalid_sku"
    assert error["data"] == {"status": 400, "resource_id": product["id"], "unique_sku": "MUG-1-1"}
    assert sum(1 for p in sb.products.values() if p.get("sku") == "MUG-1") == 1


def test_number_price_is_invalid_in_a_single_request(store) -> None:
    _, _, client = store
    body = client.post("products", {"name": "Bad", "regular_price": 12}).json()
    assert body["data"]["params"] == {"regular_price": "regular_price is not of type string."}
    assert body["data"]["details"]["regular_price"]["code"] == "rest_invalid_type"


def test_batch_answers_200_with_per_item_errors(store) -> None:
    sb, _, client = store
    existing = next(p for p in sb.products.values() if p.get("sku"))
    response = client.post(
        "products/batch",
        {
            "create": [
                {"name": "Fresh", "sku": "BATCH-1", "regular_price": 3.5},
                {"name": "Dup", "sku": existing["sku"]},
            ],
            "update": [
                {"id": existing["id"], "regular_price": "9.99"},
                {"id": 999_999, "name": "x"},
            ],
            "delete": [888_888],
        },
    )
    assert response.status_code == 200
    body = response.json()
    fresh, dup = body["create"]
    assert fresh["sku"] == "BATCH-1" and fresh["regular_price"] == "3.5"
    assert dup["id"] == 0
    assert dup["error"]["code"] == "product_invalid_sku"
    assert dup["error"]["data"]["resource_id"] == existing["id"]
    assert body["update"][0]["regular_price"] == "9.99"
    assert body["update"][1]["error"]["code"] == "woocommerce_rest_product_invalid_id"
    assert body["update"][1]["error"]["data"]["status"] == 400
    assert body["delete"][0] == {
        "id": 888_888,
        "error": {
            "code": "woocommerce_rest_product_invalid_id",
            "message": "Invalid ID.",
            "data": {"status": 404},
        },
    }


def test_batch_of_101_items_is_413(store) -> None:
    _, _, client = store
    response = client.post(
        "products/batch",
        {"create": [{"name": f"P{i}"} for i in range(60)], "delete": list(range(41))},
    )
    assert response.status_code == 413
    assert response.json()["code"] == "woocommerce_rest_request_entity_too_large"


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"manage_stock": True, "stock_quantity": 5}, ("instock", 5)),
        ({"manage_stock": True, "stock_quantity": 0}, ("outofstock", 0)),
        ({"manage_stock": True, "stock_quantity": "0", "backorders": "notify"}, ("onbackorder", 0)),
        (
            {"manage_stock": False, "stock_quantity": 9, "stock_status": "outofstock"},
            ("outofstock", None),
        ),
    ],
)
def test_stock_status_is_derived_from_quantity_when_managed(store, fields, expected) -> None:
    _, _, client = store
    product = client.post(
        "products", {"name": "Stocked", "stock_status": "instock", **fields}
    ).json()
    assert (product["stock_status"], product["stock_quantity"]) == expected


def test_modified_after_filters_by_gmt_or_local_column(store) -> None:
    sb, _, client = store
    stamp = time.time() - 1
    gmt_now = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(stamp))
    site_now = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(stamp + 3600))  # site is UTC+1
    changed = next(iter(sb.products))
    assert client.put(f"products/{changed}", {"description": "new"}).status_code == 200

    def ids(**params) -> list[int]:
        return [p["id"] for p in client.get("products", per_page=100, **params).json()]

    gmt = client.get("products", modified_after=gmt_now, dates_are_gmt="true", per_page=100).json()
    assert changed in [p["id"] for p in gmt]
    assert all(p["date_modified_gmt"] > gmt_now for p in gmt)
    assert changed in ids(modified_after=site_now)
    assert changed not in ids(modified_after=site_now, dates_are_gmt="true")
    assert changed in ids(modified_after=f"{gmt_now}Z")  # an explicit offset is converted
    assert client.get("products", modified_after="yesterday").json()["code"] == "rest_invalid_param"


def test_sku_filter_trash_and_fields(store) -> None:
    sb, _, client = store
    target = next(
        p for p in sb.products.values() if p.get("sku") and p.get("status", "publish") == "publish"
    )
    found = client.get("products", sku=target["sku"], _fields="id,sku").json()
    assert found == [{"id": target["id"], "sku": target["sku"]}]
    deleted = client.delete(f"products/{target['id']}")
    assert deleted.status_code == 200 and deleted.json()["status"] == "publish"
    assert sb.products[target["id"]]["status"] == "trash"
    assert client.get("products", sku=target["sku"]).json() == []
    assert (
        client.delete(f"products/{target['id']}").json()["code"]
        == "woocommerce_rest_already_trashed"
    )
    assert client.get("products/123456789").json()["code"] == "woocommerce_rest_product_invalid_id"


def test_variations_and_categories(store) -> None:
    sb, _, client = store
    shirt = client.post(
        "products", {"name": "Shirt", "type": "variable", "categories": [{"id": 999}]}
    ).json()
    assert [c["slug"] for c in shirt["categories"]] == ["uncategorized"]
    variation = client.post(
        f"products/{shirt['id']}/variations",
        {"sku": "SHIRT-M", "regular_price": "20", "attributes": [{"name": "Size", "option": "M"}]},
    )
    assert variation.status_code == 201
    assert client.get(f"products/{shirt['id']}").json()["variations"] == [variation.json()["id"]]
    assert client.get("products", sku="SHIRT-M").json() == []  # variation SKUs are not products
    cat = client.post("products/categories", {"name": "Shirts"})
    assert cat.status_code == 201 and cat.json()["slug"] == "shirts"
    dup = client.post("products/categories", {"name": "Shirts"}).json()
    assert dup["code"] == "term_exists" and dup["data"]["resource_id"] == cat.json()["id"]
    assert client.delete(f"products/categories/{cat.json()['id']}").status_code == 501
    assert client.get("products/categories", per_page=100).headers["x-wp-total"] == str(
        len(sb.categories)
    )
