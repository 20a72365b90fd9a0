"""WooClient against the WooCommerce sandbox over a real loopback socket.

Plain http uses OAuth 1.0a (the only thing WooCommerce accepts there), https
uses Basic auth with a self-signed certificate trusted through ``verify``.
Fault knobs of the sandbox host produce the 429s and HTML pages.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from engine.errors import AuthError, FailureKind, RateLimitedError, TransientError
from engine.transport import AdaptiveLimiter, RetryPolicy
from engine.woo import AuthMode, WooClient
from sandbox.server import RunningServer, start_server
from sandbox.tls import make_self_signed
from sandbox.woocommerce import WooSandbox, create_app

KEY, SECRET = "ck_4f1e2d3c4b5a69788796a5b4c3d2e1f0", "cs_0a1b2c3d4e5f60718293a4b5c6d7e8f9"
FAST = RetryPolicy(max_attempts=3, base_delay=0.01, max_delay=0.05)


@pytest.fixture(scope="module")
def store() -> Iterator[tuple[WooSandbox, RunningServer]]:
    sb = WooSandbox(consumer_key=KEY, consumer_secret=SECRET)
    sb.seed_demo(products=250)
    server = start_server(create_app(sb))
    yield sb, server
    server.stop()


@pytest.fixture
def sandbox(store: tuple[WooSandbox, RunningServer]) -> Iterator[WooSandbox]:
    sb = store[0]
    healthy = sb.host_model
    yield sb
    sb.host_model = healthy  # undo any fault knob a test turned on


@pytest.fixture
def url(store: tuple[WooSandbox, RunningServer]) -> str:
    return store[1].url


def set_knobs(sb: WooSandbox, **knobs: object) -> None:
    sb.host_model = sb.host_model.patched(knobs)


async def test_pagination_streams_three_pages_over_oauth(url: str, sandbox: WooSandbox) -> None:
    async with WooClient(url, KEY, SECRET, retry=FAST) as woo:
        pages = [page async for page in woo.iter_pages("products", {"status": "any"})]
        ids = [p["id"] for page in pages for p in page.items]
        assert woo.last_capture is not None
        assert "oauth_signature=***" in woo.last_capture.url
    assert [page.number for page in pages] == [1, 2, 3]
    assert pages[0].total == len(ids) == len(set(ids))
    assert len(ids) >= 250 and pages[0].total_pages == 3
    assert woo.stats.snapshot().total == 3  # no request past the last page


async def test_iter_products_by_sku_finds_exactly_one(url: str, sandbox: WooSandbox) -> None:
    async with WooClient(url, KEY, SECRET, retry=FAST) as woo:
        first = await woo.get("products", {"per_page": 1, "orderby": "id", "order": "asc"})
        sku = first[0]["sku"]
        found = [p async for p in woo.iter_products(sku=sku)]
        by_lookup = await woo.find_product_by_sku(sku)
    assert [p["id"] for p in found] == [first[0]["id"]]
    assert by_lookup is not None and by_lookup["id"] == first[0]["id"]


async def test_batch_reports_duplicate_sku_per_item(url: str, sandbox: WooSandbox) -> None:
    async with WooClient(url, KEY, SECRET, retry=FAST) as woo:
        existing = (await woo.get("products", {"per_page": 1}))[0]
        create = [
            {"name": "Batch A", "sku": "it-batch-a", "regular_price": "3.50"},
            {"name": "Clash", "sku": existing["sku"], "regular_price": "1.00"},
            {"name": "Batch B", "sku": "it-batch-b", "regular_price": "4.00"},
        ]
        result = await woo.batch("products", create=create, update=[{"id": 99999999, "name": "x"}])
        made = [await woo.get_product(r.id) for r in result.created if r.ok and r.id]
        await woo.batch("products", delete=[p["id"] for p in made])
    assert [r.ok for r in result.created] == [True, False, True]
    clash = result.created[1]
    assert clash.code == "product_invalid_sku" and clash.kind is FailureKind.CONFLICT
    assert int(clash.data["resource_id"]) == existing["id"]
    assert [p["sku"] for p in made] == ["it-batch-a", "it-batch-b"]
    assert made[0]["regular_price"] == "3.50"
    bad = result.updated[0]
    assert not bad.ok and bad.code == "woocommerce_rest_product_invalid_id"


async def test_batch_over_100_items_is_split(url: str, sandbox: WooSandbox) -> None:
    async with WooClient(url, KEY, SECRET, retry=FAST) as woo:
        ids = [p["id"] async for p in woo.iter_products()][:150]
        woo.stats.reset()
        result = await woo.batch_many("products", update=[{"id": i} for i in ids], concurrency=2)
        after = woo.stats.snapshot()
    assert result.ok and [r.id for r in result.updated] == ids
    assert after.by_method == {"POST": 2}


async def test_429_with_retry_after_is_waited_out(url: str, sandbox: WooSandbox) -> None:
    set_knobs(sandbox, rate_429=1.0, retry_after=3)
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)
        set_knobs(sandbox, rate_429=0.0)  # the host recovers while we wait

    async with WooClient(url, KEY, SECRET, retry=FAST, sleep=sleep) as woo:
        items = await woo.get("products", {"per_page": 2})
    assert len(items) == 2
    assert waits == [3.0]
    assert woo.stats.snapshot().rate_limited == 1


async def test_persistent_429_ends_as_rate_limited(url: str, sandbox: WooSandbox) -> None:
    set_knobs(sandbox, rate_429=1.0, retry_after=1)

    async def no_sleep(_: float) -> None:
        return None

    async with WooClient(url, KEY, SECRET, retry=FAST, sleep=no_sleep) as woo:
        with pytest.raises(RateLimitedError) as info:
            await woo.get("products")
    assert info.value.retry_after == 1.0 and info.value.status == 429
    assert woo.stats.snapshot().total == FAST.max_attempts


async def test_429s_slow_the_pace_not_the_concurrency_and_every_request_succeeds(
    url: str, sandbox: WooSandbox
) -> None:
    set_knobs(sandbox, rate_429=0.3, retry_after=1, fault_seed=7)
    limiter = AdaptiveLimiter(initial=8, minimum=1, maximum=8)
    policy = RetryPolicy(max_attempts=12, base_delay=0.01, max_delay=0.02)

    async def no_sleep(_: float) -> None:
        await asyncio.sleep(0)

    async with WooClient(url, KEY, SECRET, retry=policy, limiter=limiter, sleep=no_sleep) as woo:
        pages = await asyncio.gather(*(woo.get("products", {"page": n % 3 + 1}) for n in range(6)))
    stats = woo.stats.snapshot()
    assert all(len(page) > 0 for page in pages)
    assert stats.rate_limited > 0 and stats.total == 6 + stats.retries
    # a 429 is the host's rate: the pacer learned one; the concurrency limit is untouched
    assert woo.remote.pacer is not None and woo.remote.pacer.rate is not None
    assert limiter.limit == 8 and limiter.in_flight == 0


async def test_500_after_a_create_is_not_retried_and_the_item_can_be_found(
    url: str, sandbox: WooSandbox
) -> None:
    """The write happened before the 500: a blind retry would create a duplicate."""
    set_knobs(sandbox, rate_500_after_write=1.0)
    async with WooClient(url, KEY, SECRET, retry=FAST) as woo:
        with pytest.raises(TransientError) as info:
            await woo.create_product({"name": "Ghost", "sku": "it-ghost", "regular_price": "2.00"})
        assert woo.stats.snapshot().total == 1
        set_knobs(sandbox, rate_500_after_write=0.0)
        found = await woo.find_product_by_sku("it-ghost")
        assert found is not None
        await woo.delete_product(found["id"], force=True)
    assert info.value.status == 500


async def test_html_page_instead_of_json_is_an_error(url: str, sandbox: WooSandbox) -> None:
    set_knobs(sandbox, html_status=200)
    async with WooClient(url, KEY, SECRET, retry=FAST) as woo:
        with pytest.raises(TransientError) as info:
            await woo.get("products")
    message = str(info.value)
    assert "expected JSON from woocommerce, got text/html" in message
    assert "firewall or maintenance page?" in message
    assert info.value.capture is not None and "<" in info.value.capture.response_body


async def test_bad_secret_is_an_auth_error_without_the_secret(
    url: str, sandbox: WooSandbox
) -> None:
    wrong = "cs_wrong_0000000000000000000000000000000"
    async with WooClient(url, KEY, wrong, retry=FAST) as woo:
        with pytest.raises(AuthError) as info:
            await woo.get("products")
    assert info.value.status == 401
    assert info.value.code == "woocommerce_rest_authentication_error"
    assert woo.stats.snapshot().total == 1  # never retried
    assert wrong not in repr(info.value.capture) and wrong not in str(info.value)


async def test_unknown_key_is_refused(url: str, sandbox: WooSandbox) -> None:
    async with WooClient(url, "ck_nobody", SECRET, retry=FAST) as woo:
        with pytest.raises(AuthError):
            await woo.get("products")


async def test_basic_auth_over_http_is_refused(url: str, sandbox: WooSandbox) -> None:
    """WooCommerce ignores Basic auth on plain http: forcing it must fail loudly."""
    async with WooClient(url, KEY, SECRET, retry=FAST, auth_mode=AuthMode.BASIC) as woo:
        with pytest.raises(AuthError):
            await woo.get("products")


async def test_oauth_in_header_works(url: str, sandbox: WooSandbox) -> None:
    async with WooClient(url, KEY, SECRET, retry=FAST, auth_mode=AuthMode.OAUTH1_HEADER) as woo:
        assert len(await woo.get("products", {"per_page": 3})) == 3


async def test_oauth_signs_writes_and_list_filters(url: str, sandbox: WooSandbox) -> None:
    async with WooClient(url, KEY, SECRET, retry=FAST) as woo:
        first = await woo.get("products", {"per_page": 2, "orderby": "id", "order": "asc"})
        ids = [p["id"] for p in first]
        again = await woo.get("products", {"include": ids, "orderby": "id", "order": "asc"})
        updated = await woo.update_product(ids[0], {"short_description": "signed write"})
    assert [p["id"] for p in again] == ids
    assert updated["short_description"] == "signed write"


@pytest.fixture(scope="module")
def tls_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    certfile, keyfile, ca_path = make_self_signed(tmp_path_factory.mktemp("tls"))
    sb = WooSandbox(consumer_key=KEY, consumer_secret=SECRET)
    sb.seed_demo(products=20)
    server = start_server(create_app(sb), ssl_certfile=certfile, ssl_keyfile=keyfile)
    yield server.url, ca_path
    server.stop()


async def test_basic_auth_over_https(tls_store: tuple[str, str]) -> None:
    url, ca_path = tls_store
    assert url.startswith("https://")
    async with WooClient(url, KEY, SECRET, retry=FAST, verify=ca_path) as woo:
        products = [p async for p in woo.iter_products()]
        assert woo.last_capture is not None
        assert woo.last_capture.request_headers["authorization"] == "***"
    assert len(products) == 20


async def test_query_string_auth_over_https(tls_store: tuple[str, str]) -> None:
    url, ca_path = tls_store
    async with WooClient(
        url, KEY, SECRET, retry=FAST, verify=ca_path, query_string_auth=True
    ) as woo:
        assert len(await woo.get("products", {"per_page": 5})) == 5
        assert woo.last_capture is not None
        assert "consumer_secret=***" in woo.last_capture.url
        assert SECRET not in repr(woo.last_capture)


async def test_untrusted_certificate_is_a_transient_error_with_a_hint(
    tls_store: tuple[str, str],
) -> None:
    async with WooClient(tls_store[0], KEY, SECRET, retry=FAST) as woo:
        with pytest.raises(TransientError) as info:
            await woo.get("products")
    assert "certificate" in info.value.hint.lower()
    assert woo.stats.snapshot().failures == FAST.max_attempts
