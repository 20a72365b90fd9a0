"""Page streaming stop rules and the WooCommerce error parser (MockTransport)."""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest

from engine.errors import NotFoundError, TransientError, ValidationError
from engine.woo import WooClient


async def no_sleep(_: float) -> None:
    return None


def woo(handler) -> WooClient:  # type: ignore[no-untyped-def]
    return WooClient(
        "https://shop.test", "ck", "cs", transport=httpx.MockTransport(handler), sleep=no_sleep
    )


def paged(total: int, *, headers: bool = True, requests: list | None = None):  # type: ignore[no-untyped-def]
    def handler(request: httpx.Request) -> httpx.Response:
        if requests is not None:
            requests.append(request)
        page = int(request.url.params["page"])
        per = int(request.url.params["per_page"])
        ids = list(range((page - 1) * per + 1, min(total, page * per) + 1))
        pages = -(-total // per)
        extra = {"X-WP-Total": str(total), "X-WP-TotalPages": str(pages)} if headers else {}
        return httpx.Response(200, json=[{"id": i, "price": "1.50"} for i in ids], headers=extra)

    return handler


async def test_stops_on_total_pages_without_an_extra_request() -> None:
    seen: list[httpx.Request] = []
    client = woo(paged(250, requests=seen))
    pages = [page async for page in client.iter_pages("products")]
    assert [len(p) for p in pages] == [100, 100, 50]
    assert [p.number for p in pages] == [1, 2, 3] and pages[0].total == 250
    assert len(seen) == 3
    assert all(r.url.params["per_page"] == "100" for r in seen)


async def test_without_headers_stops_on_a_short_or_empty_page() -> None:
    seen: list[httpx.Request] = []
    client = woo(paged(200, headers=False, requests=seen))
    ids = [item["id"] async for item in client.iter_items("products")]
    assert ids == list(range(1, 201))
    assert len(seen) == 3  # the third page is empty


async def test_pages_are_fetched_lazily() -> None:
    seen: list[httpx.Request] = []
    client = woo(paged(1000, requests=seen))
    async for page in client.iter_pages("products"):
        assert page.number == 1
        break
    assert len(seen) == 1


async def test_iter_products_filters_and_decimal_numbers() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=b'[{"id": 1, "weight": 0.25}]')

    from datetime import UTC, datetime

    since = datetime(2026, 3, 1, 10, 0, 0, tzinfo=UTC)
    items = [p async for p in woo(handler).iter_products(modified_after=since, sku="A-1")]
    assert items == [{"id": 1, "weight": Decimal("0.25")}]
    params = seen[0].url.params
    assert params["modified_after"] == "2026-03-01T10:00:00"
    assert params["dates_are_gmt"] == "true"
    assert params["sku"] == "A-1" and params["orderby"] == "id" and params["order"] == "asc"


async def test_non_list_collection_is_an_error() -> None:
    client = woo(lambda r: httpx.Response(200, json={"unexpected": True}))
    with pytest.raises(TransientError, match="expected a JSON list"):
        [p async for p in client.iter_pages("products")]


async def test_per_page_out_of_bounds_refused_locally() -> None:
    with pytest.raises(ValueError):
        [p async for p in woo(paged(1)).iter_pages("products", per_page=101)]


async def test_woo_validation_error_names_the_parameter() -> None:
    body = {
        "code": "rest_invalid_param",
        "message": "Invalid parameter(s): regular_price",
        "data": {
            "status": 400,
            "params": {"regular_price": "regular_price is not of type string."},
            "details": {"regular_price": {"code": "rest_invalid_type"}},
        },
    }
    client = woo(lambda r: httpx.Response(400, json=body))
    with pytest.raises(ValidationError) as info:
        await client.update_product(5, {"regular_price": 1})
    assert info.value.code == "rest_invalid_param"
    assert "regular_price is not of type string." in str(info.value)
    assert info.value.data["details"]["regular_price"]["code"] == "rest_invalid_type"


async def test_unknown_product_is_not_found() -> None:
    body = {
        "code": "woocommerce_rest_product_invalid_id",
        "message": "Invalid ID.",
        "data": {"status": 404},
    }
    with pytest.raises(NotFoundError) as info:
        await woo(lambda r: httpx.Response(404, json=body)).get_product(999)
    assert info.value.code == "woocommerce_rest_product_invalid_id"
