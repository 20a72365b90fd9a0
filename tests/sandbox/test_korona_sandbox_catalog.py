"""KORONA sandbox: product lists, paging, revision feed, filters and product writes.

Every exchange goes through the OpenAPI contract validator (``contract``
fixture asserts on teardown).
"""

from __future__ import annotations

import math
from decimal import Decimal

import httpx
import pytest

from sandbox.korona import (
    PRICE_GROUP_RETAIL_ID,
    PRICE_GROUP_WEBSHOP_ID,
    SECTOR_STANDARD_ID,
    KoronaSandbox,
)

KORONA_SEED = (150, 7)  # products, rng seed of each test's fresh sandbox


def _active(kb: KoronaSandbox) -> list[str]:
    return [row.number for row in kb.catalog.table if row.active]


def _by_number(api: httpx.Client, number: str) -> dict:
    """A product found the way the spec allows: the list's ``number`` filter."""
    (product,) = api.get("/products", params={"number": number}).json()["results"]
    return product


# ---------------------------------------------------------------- paging


def test_first_page_has_the_result_list_envelope(api: httpx.Client, kb: KoronaSandbox) -> None:
    page = api.get("/products", params={"size": 25}).json()
    total = len(_active(kb))
    assert page["currentPage"] == 1
    assert page["resultsOfPage"] == len(page["results"]) == 25
    assert page["resultsTotal"] == total
    assert page["pagesTotal"] == math.ceil(total / 25)
    assert page["maxRevision"] == max(row.revision for row in kb.catalog.table)
    assert "next" in page["links"] and "previous" not in page["links"]


def test_following_next_links_visits_every_active_product_once(
    api: httpx.Client, kb: KoronaSandbox
) -> None:
    seen: list[str] = []
    url: str | None = "/products?size=40"
    while url:
        page = api.get(url).json()
        seen += [p["number"] for p in page["results"]]
        url = page["links"].get("next")
    assert len(seen) == len(set(seen)) == len(_active(kb))
    assert set(seen) == set(_active(kb))


def test_page_past_the_end_is_204_with_no_body(api: httpx.Client) -> None:
    response = api.get("/products", params={"size": 100, "page": 50})
    assert response.status_code == 204
    assert response.content == b""


@pytest.mark.parametrize(
    ("size", "status", "code"),
    [
        (1001, 400, "BATCH_SIZE_OUT_OF_RANGE"),
        (0, 400, "INVALID_QUERY_PARAMETER"),
        (1000, 200, None),
    ],
)
def test_page_size_limits(api: httpx.Client, size: int, status: int, code: str | None) -> None:
    response = api.get("/products", params={"size": size})
    assert response.status_code == status
    if code:
        assert response.json()["code"] == code


def test_default_page_size_is_100(api: httpx.Client) -> None:
    assert api.get("/products").json()["resultsOfPage"] == 100


# ---------------------------------------------------------------- revision feed


def test_revision_feed_returns_exactly_the_changed_products(
    api: httpx.Client, kb: KoronaSandbox
) -> None:
    cursor = api.get("/products", params={"size": 1}).json()["maxRevision"]
    first, second = _active(kb)[3], _active(kb)[10]
    kb.set_price(second, Decimal("12.34"), PRICE_GROUP_WEBSHOP_ID)
    kb.rename(first, "Renamed in the back office")
    feed = api.get("/products", params={"revision": cursor}).json()
    assert [p["number"] for p in feed["results"]] == [second, first]
    assert all(p["revision"] > cursor for p in feed["results"])
    assert feed["results"][1]["name"] == "Renamed in the back office"
    webshop = [
        p for p in feed["results"][0]["prices"] if p["priceGroup"]["id"] == PRICE_GROUP_WEBSHOP_ID
    ]
    assert webshop[0]["value"] == 12.34
    assert api.get("/products", params={"revision": feed["maxRevision"]}).status_code == 204


def test_deactivate_and_reactivate_are_changes_with_new_revisions(
    api: httpx.Client, kb: KoronaSandbox
) -> None:
    number = _active(kb)[0]
    before = _by_number(api, number)
    kb.deactivate(number)
    deactivated = _by_number(api, number)
    kb.reactivate(number)
    again = _by_number(api, number)
    assert (before["deactivated"], deactivated["deactivated"], again["deactivated"]) == (
        False,
        True,
        False,
    )
    assert before["revision"] < deactivated["revision"] < again["revision"]


def test_deleted_products_only_appear_with_include_deleted(
    api: httpx.Client, kb: KoronaSandbox
) -> None:
    deleted = [row.id for row in kb.catalog.table if not row.active]
    assert deleted, "the demo seed should contain deleted products"
    default = api.get("/products", params={"size": 1000}).json()["results"]
    everything = api.get("/products", params={"size": 1000, "includeDeleted": "true"}).json()
    assert not {p["id"] for p in default} & set(deleted)
    gone = [p for p in everything["results"] if p["id"] in deleted]
    assert len(gone) == len(deleted)
    assert all(p["active"] is False and "number" not in p for p in gone)


def test_deleting_a_product_shows_up_in_the_revision_feed(
    api: httpx.Client, kb: KoronaSandbox
) -> None:
    number = _active(kb)[5]
    product_id = _by_number(api, number)["id"]
    cursor = api.get("/products", params={"size": 1}).json()["maxRevision"]
    assert api.delete(f"/products/{product_id}").status_code == 204
    assert api.get("/products", params={"revision": cursor}).status_code == 204
    feed = api.get("/products", params={"revision": cursor, "includeDeleted": "true"}).json()
    assert [(p["id"], p["active"]) for p in feed["results"]] == [(product_id, False)]
    assert api.get("/products", params={"number": number}).status_code == 204


# ---------------------------------------------------------------- lookups and filters


def test_get_one_by_id_and_not_found_code(api: httpx.Client, kb: KoronaSandbox) -> None:
    by_number = _by_number(api, _active(kb)[0])
    assert api.get(f"/products/{by_number['id']}").json() == by_number
    missing_id = api.get("/products/00000000-0000-4000-8000-000000000000")
    assert (missing_id.status_code, missing_id.json()["code"]) == (404, "MODEL_ID_NOT_FOUND")


@pytest.mark.parametrize("method", ["GET", "PATCH", "DELETE"])
def test_a_number_in_the_product_path_is_refused(
    lax_api: httpx.Client, kb: KoronaSandbox, method: str
) -> None:
    number = _active(kb)[0]
    body = {"name": "Renamed"} if method == "PATCH" else None
    answer = lax_api.request(method, f"/products/{number}", json=body)
    assert (answer.status_code, answer.json()["code"]) == (400, "MALFORMED_MODEL_ID_OR_NUMBER")
    stocks = lax_api.get(f"/products/{number}/stocks")
    assert (stocks.status_code, stocks.json()["code"]) == (400, "MALFORMED_MODEL_ID_OR_NUMBER")
    assert kb.product(number)["name"] != "Renamed" and kb.product(number)["active"]


def test_number_and_barcode_filters(api: httpx.Client, kb: KoronaSandbox) -> None:
    first, second = (kb.product(n) for n in _active(kb)[:2])
    by_number = api.get("/products", params={"number": first["number"]}).json()["results"]
    assert [p["id"] for p in by_number] == [first["id"]]
    codes = f"{first['codes'][0]['productCode']},{second['codes'][0]['productCode']}"
    by_code = api.get("/products", params={"productCodes": codes}).json()["results"]
    assert {p["id"] for p in by_code} == {first["id"], second["id"]}
    too_many = api.get("/products", params={"productCodes": ",".join(str(i) for i in range(11))})
    assert too_many.json()["code"] == "INVALID_QUERY_PARAMETER"


def test_commodity_group_filter(api: httpx.Client, kb: KoronaSandbox) -> None:
    group = kb.product(_active(kb)[0])["commodityGroup"]["id"]
    results = api.get("/products", params={"commodityGroup": group, "size": 1000}).json()
    expected = [r for r in kb.catalog.table if r.active and r.group_id == group]
    assert results["resultsTotal"] == len(expected)
    assert all(p["commodityGroup"]["id"] == group for p in results["results"])


def test_sort_by_name_descending_and_unknown_sort_attribute(api: httpx.Client) -> None:
    names = [
        p["name"] for p in api.get("/products", params={"sort": "-name,number"}).json()["results"]
    ]
    assert names == sorted(names, reverse=True)
    assert (
        api.get("/products", params={"sort": "colour"}).json()["code"] == "INVALID_QUERY_PARAMETER"
    )


# ---------------------------------------------------------------- the demo shop


def test_demo_shop_has_the_shapes_a_sync_must_handle(api: httpx.Client, kb: KoronaSandbox) -> None:
    products = api.get("/products", params={"size": 1000}).json()["results"]
    groups = {p["priceGroup"]["id"] for product in products for p in product["prices"]}
    assert groups == {PRICE_GROUP_RETAIL_ID, PRICE_GROUP_WEBSHOP_ID}
    assert any(len(p["prices"]) == 1 for p in products)  # no webshop price
    assert any(p["deactivated"] for p in products)
    assert any(not p["trackInventory"] for p in products)
    assert any(p.get("mediaUrls") and p.get("customProperties", {}).get("weight") for p in products)
    assert any(p["packagingUnit"] == "KILOGRAM" for p in products)
    assert any(len(p["codes"]) == 2 for p in products)
    for code in (c["productCode"] for p in products for c in p["codes"]):
        digits = [int(d) for d in code]
        assert (
            len(digits) == 13
            and sum(d * (3 if i % 2 else 1) for i, d in enumerate(digits)) % 10 == 0
        )


def test_master_data_endpoints(api: httpx.Client) -> None:
    taxes = api.get("/salesTaxes").json()["results"]
    assert sorted(t["rates"][0]["rate"] for t in taxes) == [0, 10, 20]
    sectors = api.get("/sectors").json()["results"]
    assert all(s["salesTaxes"][0]["salesTax"]["id"] in {t["id"] for t in taxes} for s in sectors)
    groups = {g["id"]: g for g in api.get("/commodityGroups").json()["results"]}

    def depth(group: dict) -> int:
        parent = group.get("parentCommodityGroup")
        return 1 if parent is None else 1 + depth(groups[parent["id"]])

    assert max(depth(g) for g in groups.values()) == 3
    units = api.get("/organizationalUnits").json()["results"]
    assert sorted(u["warehouse"] for u in units) == [False, True, True]
    assert [p["name"] for p in api.get("/priceGroups").json()["results"]] == ["Retail", "Webshop"]
    assert len(api.get("/paymentMethods").json()["results"]) >= 3
    one = api.get(f"/sectors/{SECTOR_STANDARD_ID}").json()
    assert one["id"] == SECTOR_STANDARD_ID
    assert api.get(f"/sectors/{PRICE_GROUP_RETAIL_ID}").json()["code"] == "MODEL_ID_NOT_FOUND"


def test_master_data_revision_filter(api: httpx.Client) -> None:
    page = api.get("/commodityGroups").json()
    assert api.get("/commodityGroups", params={"revision": page["maxRevision"]}).status_code == 204
    newest = api.get("/commodityGroups", params={"revision": page["maxRevision"] - 2}).json()
    assert [g["revision"] for g in newest["results"]] == [
        page["maxRevision"] - 1,
        page["maxRevision"],
    ]


# ---------------------------------------------------------------- product writes


def _new_product(number: str | None = None, **extra: object) -> dict:
    product: dict = {
        "name": "Espresso cup",
        "sector": {"id": SECTOR_STANDARD_ID},
        "prices": [
            {"value": 7.9, "priceGroup": {"number": "2"}, "validFrom": "2025-01-01T00:00:00Z"}
        ],
        "codes": [{"productCode": "4001234567890"}],
        **extra,
    }
    if number:
        product["number"] = number
    return product


def test_post_adds_products_and_default_mode_refuses_a_used_number(api: httpx.Client) -> None:
    second = _new_product(codes=[{"productCode": "4001234567906"}])
    added = api.post("/products", json=[_new_product("X-1"), second]).json()
    assert [(r["status"], r["action"]) for r in added] == [("OK", "ADDED"), ("OK", "ADDED")]
    again = api.post("/products", json=[_new_product("X-1")])
    assert again.status_code == 200
    assert again.json()[0]["status"] == "ERROR"
    assert again.json()[0]["message"].startswith("NUMBER_ALREADY_IN_USE")
    stored = _by_number(api, "X-1")
    assert stored["prices"][0]["priceGroup"]["id"] == PRICE_GROUP_WEBSHOP_ID
    by_code = api.get("/products", params={"productCodes": "4001234567906"}).json()["results"]
    assert [p["id"] for p in by_code] == [added[1]["id"]]
    assert by_code[0]["number"] == added[1]["number"]


def test_add_or_update_keeps_fields_that_were_not_sent(
    api: httpx.Client, kb: KoronaSandbox
) -> None:
    number = _active(kb)[0]
    before = _by_number(api, number)
    result = api.post(
        "/products", params={"writeMode": "ADD_OR_UPDATE"}, json=[{"number": number, "name": "New"}]
    ).json()[0]
    after = _by_number(api, number)
    assert (result["action"], result["id"]) == ("UPDATED", before["id"])
    assert after["name"] == "New" and after["prices"] == before["prices"]
    assert after["revision"] == result["revision"] > before["revision"]


def test_add_or_replace_clears_fields_that_were_not_sent(
    api: httpx.Client, kb: KoronaSandbox
) -> None:
    number = _active(kb)[0]
    api.post(
        "/products",
        params={"writeMode": "ADD_OR_REPLACE"},
        json=[{"number": number, "name": "Bare"}],
    )
    after = _by_number(api, number)
    assert after["name"] == "Bare"
    assert after["prices"] == [] and after["codes"] == [] and "sector" not in after


def test_patch_batch_updates_by_number_and_reports_unknown_ones(
    api: httpx.Client, kb: KoronaSandbox
) -> None:
    number = _active(kb)[1]
    results = api.patch(
        "/products", json=[{"number": number, "deactivated": True}, {"number": "missing"}]
    ).json()
    assert [r["status"] for r in results] == ["OK", "ERROR"]
    assert results[1]["message"].startswith("NUMBER_NOT_FOUND")
    assert _by_number(api, number)["deactivated"] is True


def test_merge_list_items_merges_prices_instead_of_replacing(
    api: httpx.Client, kb: KoronaSandbox
) -> None:
    number = next(r.number for r in kb.catalog.table if r.active and len(r.prices) == 1)
    price = {
        "value": 1.5,
        "priceGroup": {"id": PRICE_GROUP_WEBSHOP_ID},
        "validFrom": "2025-01-01T00:00:00Z",
    }
    api.patch(
        "/products", params={"mergeListItems": "true"}, json=[{"number": number, "prices": [price]}]
    )
    prices = _by_number(api, number)["prices"]
    assert {p["priceGroup"]["id"] for p in prices} == {
        PRICE_GROUP_RETAIL_ID,
        PRICE_GROUP_WEBSHOP_ID,
    }


def test_unknown_references_are_unresolved_relations(api: httpx.Client) -> None:
    bad = _new_product("X-2", sector={"id": "00000000-0000-4000-8000-000000000000"})
    result = api.post("/products", json=[bad]).json()[0]
    assert result["status"] == "ERROR" and result["message"].startswith("UNRESOLVED_RELATION")
    assert api.get("/products", params={"number": "X-2"}).status_code == 204


def test_patch_single_product_returns_204(api: httpx.Client, kb: KoronaSandbox) -> None:
    product = kb.product(_active(kb)[2])
    assert api.patch(f"/products/{product['id']}", json={"name": "Patched"}).status_code == 204
    assert api.get(f"/products/{product['id']}").json()["name"] == "Patched"


def test_oversized_and_empty_batches_are_refused(api: httpx.Client) -> None:
    too_big = api.post("/products", json=[{"name": f"p{i}"} for i in range(1001)])
    assert (too_big.status_code, too_big.json()["code"]) == (400, "BATCH_SIZE_OUT_OF_RANGE")
    empty = api.post("/products", json=[])
    assert (empty.status_code, empty.json()["code"]) == (400, "MISSING_MODEL")


def test_sandbox_scales_to_100k_products() -> None:
    import time

    started = time.perf_counter()
    big = KoronaSandbox()
    big.seed_demo(products=100_000, rng_seed=3)
    seeded = time.perf_counter() - started
    assert len(big.catalog) == 100_000
    assert seeded < 15, f"seeding 100k products took {seeded:.1f}s"
    cursor = big.catalog.table.max_revision
    big.set_price("10001", Decimal("1.00"))
    assert [r.number for r in big.catalog.table.since(cursor)] == ["10001"]
