"""KORONA adapter error paths a sandbox can't easily produce (httpx.MockTransport)."""

from __future__ import annotations

import zlib
from collections.abc import Callable

import httpx
import pytest

from engine.backends import IdempotencyKey
from engine.backends.korona import DailyLimitExceeded, KoronaBackend, KoronaSettings
from engine.errors import FailureKind, RateLimitedError, TransientError
from engine.transport import RetryPolicy
from tests.unit.test_backend_korona_receipts import SETTINGS, _order

Handler = Callable[[httpx.Request], httpx.Response]
FAST = RetryPolicy(max_attempts=4, base_delay=0.001, max_delay=0.002, jitter=False)


def _backend(handler: Handler, settings: KoronaSettings = SETTINGS) -> KoronaBackend:
    return KoronaBackend(settings, transport=httpx.MockTransport(handler), retry=FAST)


def _products_page() -> dict:
    return _page([{"id": "p1", "number": "1", "name": "A", "revision": 3}])


def _page(rows: list[dict]) -> dict:
    return {
        "currentPage": 1, "pagesTotal": 1, "resultsOfPage": len(rows), "resultsTotal": len(rows),
        "links": {}, "maxRevision": 3, "results": rows,
    }  # fmt: skip


_SECTOR, _TAX = "5e1f0a3c-9b2d-4c8e-a7f6-0d1c2b3a4e5f", "6a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"
_MASTER = {
    "priceGroups": [
        {"id": "7b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e", "number": "2", "name": "Webshop"}
    ],
    "organizationalUnits": [{"id": "8c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f", "number": "3"}],
    "sectors": [{"id": _SECTOR, "salesTaxes": [{"index": 0, "salesTax": {"id": _TAX}}]}],
    "salesTaxes": [{"id": _TAX, "rates": [{"rate": 20, "validFrom": "2000-01-01T00:00:00Z"}]}],
}


def _master(request: httpx.Request) -> httpx.Response:
    """The look-ups every sale or catalog read makes first: groups, units, taxes, products."""
    kind = request.url.path.rsplit("/", 1)[-1]
    number = request.url.params.get("number")
    if kind == "products" and number:
        row = {"id": f"00000000-0000-4000-8000-{zlib.crc32(number.encode()):012d}"}
        return httpx.Response(
            200, json=_page([{**row, "number": number, "sector": {"id": _SECTOR}}])
        )
    rows = [r for r in _MASTER.get(kind, []) if number is None or r.get("number") == number]
    return httpx.Response(200, json=_page(rows)) if rows else httpx.Response(204)


async def test_daily_limit_stops_at_once_with_a_retry_after_until_reset() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(429, json={"code": "DAILY_LIMIT_EXCEEDED", "message": "quota"})

    backend = _backend(handler)
    with pytest.raises(DailyLimitExceeded) as info:
        async for _ in backend.read_products():
            pass
    await backend.aclose()
    assert len(seen) == 1, "a used-up daily quota must not be retried"
    assert info.value.kind is FailureKind.RATE_LIMITED
    assert info.value.retry_after is not None and info.value.retry_after > 0
    assert "daily" in info.value.hint


async def test_parallel_update_429_backs_off_and_succeeds() -> None:
    answers = [
        httpx.Response(429, json={"code": "TOO_MANY_PARALLEL_UPDATE_REQUESTS", "message": "busy"}),
        httpx.Response(200, json=_products_page()),
    ]

    def handler(request: httpx.Request) -> httpx.Response:
        return answers.pop(0) if request.url.path.endswith("/products") else _master(request)

    backend = _backend(handler)
    pages = [page async for page in backend.read_products()]
    await backend.aclose()
    assert [p.sku for p in pages[0].items] == ["1"] and pages[0].cursor == "3"
    assert backend.client.stats.retries == 1


async def test_parallel_update_429_that_persists_is_rate_limited_not_daily() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            429, json={"code": "TOO_MANY_PARALLEL_UPDATE_REQUESTS", "message": "busy"}
        )

    backend = _backend(handler)
    with pytest.raises(RateLimitedError) as info:
        async for _ in backend.read_products():
            pass
    await backend.aclose()
    assert not isinstance(info.value, DailyLimitExceeded)
    assert info.value.code == "TOO_MANY_PARALLEL_UPDATE_REQUESTS"


async def test_receipt_post_timeout_is_resolved_by_looking_the_key_up() -> None:
    """The POST reached KORONA but the answer was lost: link, don't book twice."""
    key = IdempotencyKey("shop1", 501)
    booked = {"id": "r-1", "number": key.value, "externalReferences": {"tillsync-key": key.value}}
    posts: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            posts.append(request)
            raise httpx.ReadTimeout("lost answer", request=request)
        if not request.url.path.endswith("/receipts"):
            return _master(request)
        if not posts:
            return httpx.Response(204)
        return httpx.Response(200, json=_page([booked]))

    backend = _backend(handler)
    ref = await backend.create_sale(_order(), key)
    await backend.aclose()
    assert len(posts) == 1, "a POST that may have been applied is never blindly retried"
    assert ref.id == "r-1" and ref.existing


async def test_receipt_post_failure_without_a_booking_surfaces() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            return httpx.Response(502, text="bad gateway")
        return _master(request)

    backend = _backend(handler)
    with pytest.raises(TransientError):
        await backend.create_sale(_order(), IdempotencyKey("shop1", 502))
    await backend.aclose()


async def test_password_never_appears_in_errors_or_captures() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(401)

    backend = _backend(handler)
    result = await backend.check()
    assert not result.ok and result.items[0].name == "credentials"
    capture = backend.client.last_capture
    await backend.aclose()
    assert capture is not None and SETTINGS.password not in repr(capture)
    assert "secret-pw" not in result.summary
