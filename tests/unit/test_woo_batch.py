"""Batch splitting and per-item outcomes (MockTransport plays a WooCommerce batch route)."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest

from engine.errors import AuthError, FailureKind
from engine.transport import RetryPolicy
from engine.woo import WooClient
from engine.woo.batch import plan_chunks


async def no_sleep(_: float) -> None:
    return None


def woo(handler, **kw) -> WooClient:  # type: ignore[no-untyped-def]
    return WooClient(
        "https://shop.test",
        "ck_1",
        "cs_2",
        transport=httpx.MockTransport(handler),
        sleep=no_sleep,
        retry=RetryPolicy(max_attempts=3),
        **kw,
    )


def echo_batch(request: httpx.Request) -> httpx.Response:
    """Creates get ids 1000+; SKU 'dup' collides; update/delete id 404 is unknown."""
    body = json.loads(request.content)
    assert sum(len(v) for v in body.values()) <= 100
    out: dict[str, list] = {}
    for n, item in enumerate(body.get("create", [])):
        if item.get("sku") == "dup":
            error = {
                "code": "product_invalid_sku",
                "message": "Invalid or duplicated SKU.",
                "data": {"status": 400, "resource_id": 7, "unique_sku": "dup"},
            }
            out.setdefault("create", []).append({"id": 0, "error": error})
        else:
            out.setdefault("create", []).append({"id": 1000 + n, "sku": item.get("sku")})
    for item in body.get("update", []):
        out.setdefault("update", []).append(_by_id(item["id"], 400))
    for pid in body.get("delete", []):
        out.setdefault("delete", []).append(_by_id(pid, 404))
    return httpx.Response(200, json=out)


def _by_id(pid: int, status: int) -> dict:
    if pid == 404:
        error = {
            "code": "woocommerce_rest_product_invalid_id",
            "message": "Invalid ID.",
            "data": {"status": status},
        }
        return {"id": pid, "error": error}
    return {"id": pid}


def test_plan_chunks_keeps_order_and_limit() -> None:
    chunks = plan_chunks({"create": list(range(150)), "update": list(range(60)), "delete": [1]})
    assert [len(c) for c in chunks] == [100, 100, 11]
    flat = [(e.op, e.index) for c in chunks for e in c]
    assert flat[:150] == [("create", i) for i in range(150)]
    assert flat[150:210] == [("update", i) for i in range(60)]
    assert flat[-1] == ("delete", 0)


async def test_every_item_has_an_outcome_in_input_order() -> None:
    client = woo(echo_batch)
    create = [{"sku": f"s{i}"} for i in range(130)] + [{"sku": "dup"}]
    update = [{"id": 5, "regular_price": "1.00"}, {"id": 404, "regular_price": "2.00"}]
    result = await client.batch("products", create=create, update=update, delete=[9, 404])
    assert len(result.items) == 131 + 2 + 2
    assert [r.index for r in result.created] == list(range(131))
    assert all(r.ok and r.id for r in result.created[:130])
    dup = result.created[130]
    assert (dup.ok, dup.id, dup.code, dup.kind) == (
        False,
        None,
        "product_invalid_sku",
        FailureKind.CONFLICT,
    )
    assert dup.data["resource_id"] == 7 and dup.submitted == {"sku": "dup"}
    bad_update, bad_delete = result.updated[1], result.deleted[1]
    assert bad_update.kind is FailureKind.VALIDATION and bad_update.id == 404
    assert bad_delete.kind is FailureKind.NOT_FOUND
    assert len(result.failed) == 3 and not result.ok
    # 100 items a request: the prior per-item time fits well within the 30 s timeout
    assert client.stats.snapshot().by_method == {"POST": 2}


async def test_missing_item_results_become_failures_not_drops() -> None:
    def short(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        return httpx.Response(200, json={"update": [{"id": body["update"][0]["id"]}]})

    result = await woo(short).batch("products", update=[{"id": 1}, {"id": 2}, {"id": 3}])
    assert [r.ok for r in result.items] == [True, False, False]
    assert result.items[1].code == "tillsync_missing_result"
    assert result.items[1].kind is FailureKind.TRANSIENT


async def test_failed_chunk_marks_its_items_and_others_proceed() -> None:
    calls = 0

    def flaky(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        body = json.loads(request.content)
        if body["create"][0]["sku"] == "s0":
            return httpx.Response(502, text="<html>Bad gateway</html>")
        return echo_batch(request)

    create = [{"sku": f"s{i}"} for i in range(150)]
    result = await woo(flaky).batch("products", create=create)
    assert calls == 2  # a create chunk is not retried after a 502: it may have written
    assert all(not r.ok and r.kind is FailureKind.TRANSIENT for r in result.created[:100])
    assert all(r.ok for r in result.created[100:])


async def test_update_only_chunks_are_retried() -> None:
    attempts = 0

    def once_502(request: httpx.Request) -> httpx.Response:
        nonlocal attempts
        attempts += 1
        return httpx.Response(502, json={}) if attempts == 1 else echo_batch(request)

    result = await woo(once_502).batch("products", update=[{"id": 1}])
    assert result.ok and attempts == 2


async def test_auth_error_aborts_the_batch() -> None:
    def refused(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            401,
            json={
                "code": "woocommerce_rest_authentication_error",
                "message": "Invalid signature",
                "data": {"status": 401},
            },
        )

    with pytest.raises(AuthError):
        await woo(refused).batch("products", update=[{"id": i} for i in range(250)], concurrency=3)


async def test_batch_many_bounds_concurrency() -> None:
    in_flight = peak = 0

    async def slow(request: httpx.Request) -> httpx.Response:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await asyncio.sleep(0.01)
        in_flight -= 1
        return echo_batch(request)

    result = await woo(slow).batch_many(
        "products", update=[{"id": i + 1000} for i in range(1000)], concurrency=3
    )
    assert result.ok and len(result.updated) == 1000
    assert [r.id for r in result.updated] == list(range(1000, 2000))
    assert peak == 3


async def test_decimal_amounts_are_sent_as_strings() -> None:
    from decimal import Decimal

    seen: list[dict] = []

    def capture(request: httpx.Request) -> httpx.Response:
        seen.append(json.loads(request.content))
        return echo_batch(request)

    await woo(capture).batch("products", update=[{"id": 1, "regular_price": Decimal("9.90")}])
    assert seen[0]["update"][0]["regular_price"] == "9.90"
