"""NexoPOS's 500s are read by their message before the transport retries (issue 17):
a missing SKU is one request, the throttle waits for its window, a refused write is
one request with NexoPOS's text.  Counted at the NexoPOS sandbox, over loopback."""

from __future__ import annotations

import time

import pytest

from engine.model import Product

from .nexopos_harness import backend, sandboxes

pytestmark = pytest.mark.timeout(60)

BY_SKU = ("GET", "/products/{identifier}")
EDIT = ("PUT", "/products/{product}")


@pytest.fixture
def servers():
    with sandboxes(products=4) as running:
        yield running


async def test_a_sku_nexopos_lacks_costs_one_request_and_reads_as_absent(servers) -> None:
    nexo = backend(servers)
    try:
        found = await nexo.product_ids_by_sku(["NX-00001", "NOT-IN-NEXOPOS"])
    finally:
        await nexo.aclose()
    assert list(found) == ["NX-00001"]
    assert servers.nexo.requests[BY_SKU] == 2  # one each: the 500 "Unable to find" is final
    assert nexo.stats.retries == 0


async def test_a_throttled_500_waits_for_the_window_then_succeeds(servers) -> None:
    servers.nexo.knobs.rate_limit, servers.nexo.knobs.rate_window = 3, 1.0
    # the adapter believes it may send more than the server allows: it meets the 500
    nexo = backend(servers, requests_per_minute=50, rate_window=1.0)
    calls = 5
    try:
        started = time.monotonic()
        found = await nexo.product_ids_by_sku(["NX-00001"] * calls)
        took = time.monotonic() - started
    finally:
        await nexo.aclose()
    assert found == {"NX-00001": found["NX-00001"]}
    refused = nexo.stats.retries
    assert refused >= 1 and nexo.stats.rate_limited == refused  # every retry was the throttle
    assert servers.nexo.requests[BY_SKU] == calls + refused  # each refusal sent once more
    assert took >= 0.9  # it waited for the window instead of hammering it


async def test_a_refused_write_is_one_request_with_nexopos_text(servers) -> None:
    """A PUT is idempotent to HTTP, but NexoPOS writes without a transaction: its 500
    "The name field is required." is final after one request, never retried."""
    row = next(p for p in servers.nexo.products.values() if p["sku"] == "NX-00002")
    edit = Product(id=str(row["id"]), sku="NX-00002", name="", changed=frozenset({"name"}))
    nexo = backend(servers)  # whose policy retries a 500 on an idempotent request twice
    try:
        (result,) = await nexo.write_products([edit])
    finally:
        await nexo.aclose()
    assert not result.ok
    assert "The name field is required." in result.message
    assert servers.nexo.requests[EDIT] == 1
    assert nexo.stats.retries == 0
