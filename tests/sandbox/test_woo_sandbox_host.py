"""Host model, fault knobs, control endpoints and scale of the WooCommerce sandbox."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest

from sandbox.woocommerce import HostModel, WooSandbox

from . import API, oauth_url, running_store


@pytest.fixture
def store():
    with running_store(products=8) as running:
        yield running


def _knobs(server, **changes) -> httpx.Response:
    return httpx.post(f"{server.url}/__sandbox__/knobs", json=changes)


async def test_worker_pool_bounds_concurrency_and_queues_the_rest() -> None:
    model = HostModel(workers=2, time_scale=0.5)  # a single read costs 0.05 s
    with running_store(products=4, host_model=model) as (sb, server, _):
        url = f"{server.url}{API}/products/{next(iter(sb.products))}"
        started = time.monotonic()
        async with httpx.AsyncClient(timeout=10) as http:
            answers = await asyncio.gather(*(http.get(oauth_url(url)) for _ in range(8)))
        elapsed = time.monotonic() - started
    assert [a.status_code for a in answers] == [200] * 8
    assert sb.stats.max_concurrent == 2
    assert sb.stats.max_in_flight > 2  # the others waited in the queue
    assert elapsed >= 4 * 0.05


def test_429_knob_with_and_without_retry_after_is_repeatable(store) -> None:
    sb, server, client = store
    assert _knobs(server, rate_429=1.0, retry_after=3).status_code == 200
    limited = client.get("products")
    assert (limited.status_code, limited.headers["retry-after"]) == (429, "3")
    assert limited.headers["content-type"].startswith("text/html")
    _knobs(server, rate_429=0.0, rate_429_bare=1.0)
    bare = client.get("products")
    assert bare.status_code == 429 and "retry-after" not in bare.headers

    def run() -> list[int]:
        _knobs(server, rate_429=0.4, rate_429_bare=0.0, fault_seed=11)
        return [client.get("products").status_code for _ in range(12)]

    first = run()
    assert set(first) == {200, 429}
    assert run() == first  # same seed, same faults
    assert sb.stats.served_429 >= 2 + first.count(429) * 2


@pytest.mark.parametrize("status", [200, 503])
def test_html_mode_answers_a_firewall_page(store, status) -> None:
    _, server, client = store
    _knobs(server, html_status=status)
    response = client.get("products")
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")
    assert response.text.lstrip().startswith("<!DOCTYPE html>")


def test_rate_limiter_and_server_errors(store) -> None:
    sb, server, client = store
    _knobs(server, rate_limit_rps=2.0, rate_limit_burst=2)
    statuses = [client.get("products").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    _knobs(server, rate_limit_rps=0.0, rate_500=1.0)
    crashed = client.get("products")
    assert (crashed.status_code, crashed.json()["code"]) == (500, "internal_server_error")
    _knobs(server, rate_500=0.0, rate_500_after_write=1.0)
    lost = client.post("products", {"name": "Written anyway", "sku": "LOST-1"})
    assert lost.status_code == 500
    assert "LOST-1" in sb.sku_index  # the write happened; only the answer was lost


def test_timeout_knob_hangs_past_the_client_timeout(store) -> None:
    sb, server, _ = store
    _knobs(server, rate_timeout=1.0, timeout_sleep=0.6)
    with pytest.raises(httpx.ReadTimeout):
        httpx.get(oauth_url(f"{server.url}{API}/products"), timeout=0.2)
    assert sb.stats.timeouts == 1


def test_control_endpoints_drive_the_store_from_outside(store) -> None:
    sb, server, _ = store
    control = f"{server.url}/__sandbox__"
    assert _knobs(server, no_such_knob=1).status_code == 400
    assert _knobs(server, webhook_delay=0.05).json()["webhook_delay"] == 0.05
    product = next(
        p
        for p in sb.products.values()
        if p.get("manage_stock")
        and p.get("stock_quantity", 0) > 2
        and p.get("status", "publish") == "publish"
        and p.get("type") != "variable"
    )
    placed = httpx.post(
        f"{control}/orders", json={"line_items": [[product["id"], 2]], "payment_method": "cod"}
    )
    assert placed.status_code == 201, placed.text
    order = placed.json()
    assert order["status"] == "processing" and order["created_via"] == "checkout"
    done = httpx.post(f"{control}/orders/{order['id']}/status", json={"status": "completed"}).json()
    assert done["date_completed_gmt"] is not None
    raw = httpx.get(f"{control}/products", params={"sku": product["sku"]}).json()
    assert raw[0]["stock_quantity"] == product["stock_quantity"]
    stats = httpx.get(f"{control}/stats").json()
    assert stats["total"] == 0  # control calls are not API traffic
    assert httpx.post(f"{control}/reset-stats").json() == {"ok": True}


def test_seed_scales_to_100k_products_compactly() -> None:
    sb = WooSandbox()
    started = time.monotonic()
    sb.seed_demo(products=100_000, categories=12, orders=0, rng_seed=1)
    assert time.monotonic() - started < 10
    assert len(sb.products) == 100_000
    assert len(sb.sku_index) == len({p["sku"] for p in sb.products.values()}) + len(sb.variations)
    sample = sb.products[next(iter(sb.products))]
    assert len(sample) <= 14  # only the fields that were set are stored
