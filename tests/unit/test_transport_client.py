"""RemoteClient behaviour on error paths a sandbox can't easily produce (MockTransport)."""

from __future__ import annotations

import logging
from collections.abc import Callable

import httpx
import pytest

from engine.errors import (
    AuthError,
    ConflictError,
    NotFoundError,
    RateLimitedError,
    TransientError,
    ValidationError,
)
from engine.transport import AdaptiveLimiter, RemoteClient, RetryPolicy

SECRET = "cs_s3cr3t_value_42"
Handler = Callable[[httpx.Request], httpx.Response]


class SleepRecorder:
    """Records requested sleeps instead of sleeping, so tests stay fast."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def make_client(
    handler: Handler, sleeps: SleepRecorder | None = None, **kw: object
) -> RemoteClient:
    options: dict = {
        "system": "shop",
        "base_url": "https://shop.test/api",
        "retry": RetryPolicy(max_attempts=4, base_delay=0.5, max_delay=30.0),
        "secrets": (SECRET,),
        "transport": httpx.MockTransport(handler),
        "sleep": sleeps or SleepRecorder(),
    }
    options.update(kw)
    return RemoteClient(**options)  # type: ignore[arg-type]


def sequence(*responses: httpx.Response | Exception) -> tuple[Handler, list[httpx.Request]]:
    seen: list[httpx.Request] = []
    queue = list(responses)

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        item = queue.pop(0) if len(queue) > 1 else queue[0]
        if isinstance(item, Exception):
            raise item
        return item

    return handler, seen


async def test_success_returns_parsed_json_and_counts() -> None:
    handler, seen = sequence(httpx.Response(200, json={"ok": True}))
    client = make_client(handler)
    resp = await client.request("GET", "/things", params={"page": 2})
    assert resp.json() == {"ok": True}
    assert str(seen[0].url) == "https://shop.test/api/things?page=2"
    snap = client.stats.snapshot()
    assert (snap.total, snap.retries, snap.writes, snap.by_method) == (1, 0, 0, {"GET": 1})
    assert client.last_capture is not None and client.last_capture.status == 200


async def test_retry_after_seconds_is_honoured_then_succeeds() -> None:
    handler, seen = sequence(
        httpx.Response(429, headers={"Retry-After": "7"}, json={"code": "slow_down"}),
        httpx.Response(200, json=[]),
    )
    sleeps = SleepRecorder()
    client = make_client(handler, sleeps)
    await client.request("GET", "/things")
    assert sleeps.waits == [7.0]
    assert len(seen) == 2
    snap = client.stats.snapshot()
    assert (snap.total, snap.retries, snap.rate_limited) == (2, 1, 1)


async def test_backoff_grows_exponentially_within_jitter_bounds_then_gives_up() -> None:
    handler, seen = sequence(httpx.Response(503, json={"message": "busy"}))
    sleeps = SleepRecorder()
    client = make_client(handler, sleeps)
    with pytest.raises(TransientError) as info:
        await client.request("GET", "/things")
    assert len(seen) == 4
    assert len(sleeps.waits) == 3
    for attempt, wait in enumerate(sleeps.waits, start=1):
        full = 0.5 * 2 ** (attempt - 1)
        assert full / 2 <= wait <= full  # equal jitter: never a tight loop
    assert info.value.status == 503
    assert client.stats.snapshot().server_errors == 4


async def test_too_long_retry_after_raises_rate_limited_without_sleeping() -> None:
    handler, seen = sequence(httpx.Response(429, headers={"Retry-After": "86400"}, json={}))
    sleeps = SleepRecorder()
    client = make_client(handler, sleeps)
    with pytest.raises(RateLimitedError) as info:
        await client.request("GET", "/things")
    assert info.value.retry_after == 86400
    assert sleeps.waits == [] and len(seen) == 1


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (400, ValidationError),
        (422, ValidationError),
        (401, AuthError),
        (403, AuthError),
        (404, NotFoundError),
        (409, ConflictError),
    ],
)
async def test_permanent_statuses_raise_once_with_remote_code(status: int, error: type) -> None:
    body = {"code": "some_code", "message": "Nope.", "data": {"status": status}}
    handler, seen = sequence(httpx.Response(status, json=body))
    client = make_client(handler)
    with pytest.raises(error) as info:
        await client.request("GET", "/things/5")
    assert len(seen) == 1
    assert info.value.status == status
    assert info.value.code == "some_code"
    assert "Nope." in str(info.value) and "/api/things/5" in str(info.value)
    assert info.value.capture is not None and info.value.capture.status == status
    assert info.value.hint


async def test_html_with_status_200_is_an_error_not_a_success() -> None:
    page = "<html><body>Under maintenance</body></html>"
    handler, seen = sequence(
        httpx.Response(200, text=page, headers={"Content-Type": "text/html; charset=UTF-8"})
    )
    client = make_client(handler)
    with pytest.raises(TransientError) as info:
        await client.request("GET", "/things")
    assert "expected JSON from shop, got text/html (firewall or maintenance page?)" in str(
        info.value
    )
    assert len(seen) == 4  # idempotent GET: retried, page never accepted


async def test_html_on_post_is_not_retried() -> None:
    handler, seen = sequence(httpx.Response(200, text="<html>blocked</html>"))
    client = make_client(handler)
    with pytest.raises(TransientError):
        await client.request("POST", "/things", json={"a": 1})
    assert len(seen) == 1


@pytest.mark.parametrize("status", [500, 502, 504])
async def test_post_is_not_retried_when_it_may_have_written(status: int) -> None:
    handler, seen = sequence(httpx.Response(status, json={}), httpx.Response(201, json={}))
    client = make_client(handler)
    with pytest.raises(TransientError):
        await client.request("POST", "/things", json={"a": 1})
    assert len(seen) == 1


async def test_post_retried_when_request_never_reached_the_server() -> None:
    handler, seen = sequence(
        httpx.ConnectError("refused"),
        httpx.Response(503, json={}),
        httpx.Response(201, json={"id": 9}),
    )
    client = make_client(handler)
    resp = await client.request("POST", "/things", json={"a": 1})
    assert resp.json() == {"id": 9} and len(seen) == 3
    assert client.stats.snapshot().writes == 3


async def test_post_marked_idempotent_is_retried_after_502() -> None:
    handler, seen = sequence(httpx.Response(502, json={}), httpx.Response(200, json={}))
    client = make_client(handler)
    await client.request("POST", "/lookup", json={}, idempotent=True)
    assert len(seen) == 2


async def test_read_timeout_on_get_retries_and_maps_to_transient() -> None:
    handler, seen = sequence(httpx.ReadTimeout("slow"))
    client = make_client(handler)
    with pytest.raises(TransientError) as info:
        await client.request("GET", "/things")
    assert len(seen) == 4
    assert "ReadTimeout" in str(info.value)
    assert client.stats.snapshot().failures == 4


async def test_retry_false_raises_first_failure() -> None:
    handler, seen = sequence(httpx.Response(503, json={}))
    client = make_client(handler)
    with pytest.raises(TransientError):
        await client.request("GET", "/things", retry=False)
    assert len(seen) == 1


async def test_no_secret_in_capture_error_or_logs(caplog: pytest.LogCaptureFixture) -> None:
    echo = {"code": "bad", "message": f"secret {SECRET} is wrong", "data": {"token": "tok_zz9"}}
    handler, _ = sequence(httpx.Response(401, json=echo))
    client = make_client(handler, auth=httpx.BasicAuth("ck_public", SECRET))
    caplog.set_level(logging.DEBUG, logger="engine.transport")
    with pytest.raises(AuthError) as info:
        await client.request(
            "POST",
            "/things",
            params={"consumer_secret": SECRET},
            json={"password": "hunter2", "name": "x"},
        )
    capture = info.value.capture
    assert capture is not None
    dumped = " ".join(
        [str(info.value), repr(info.value), repr(capture), caplog.text, repr(info.value.data)]
    )
    for leaked in (SECRET, "hunter2", "tok_zz9"):
        assert leaked not in dumped
    assert capture.request_headers["authorization"] == "***"
    assert "consumer_secret=***" in capture.url
    assert '"name": "x"' in capture.request_body
    assert "shop: POST" in caplog.text  # the log line exists, only redacted


async def test_limiter_halves_on_429_and_counts_concurrency() -> None:
    limiter = AdaptiveLimiter(initial=8, minimum=1, maximum=16)
    handler, _ = sequence(httpx.Response(429, headers={"Retry-After": "0"}), httpx.Response(200))
    client = make_client(handler, limiter=limiter)
    await client.request("GET", "/things", expect_json=False)
    assert limiter.limit == 4
    assert limiter.in_flight == 0


async def test_not_json_allowed_when_not_expected() -> None:
    handler, _ = sequence(httpx.Response(200, text="plain"))
    client = make_client(handler)
    resp = await client.request("GET", "/file.txt", expect_json=False)
    assert resp.text == "plain"
