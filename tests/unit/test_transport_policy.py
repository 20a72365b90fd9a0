"""The retry/classification table and the backoff arithmetic."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from engine.errors import (
    AuthError,
    ConflictError,
    FailureKind,
    NotFoundError,
    RateLimitedError,
    TransientError,
    ValidationError,
)
from engine.transport import Action, RetryPolicy, classify_exception, classify_response
from engine.transport.policy import parse_retry_after


def response(status: int, method: str = "GET", **kw: object) -> httpx.Response:
    kw.setdefault("json", {})
    return httpx.Response(status, request=httpx.Request(method, "https://x.test/a"), **kw)  # type: ignore[arg-type]


# (status, action for GET, action for POST, error class)
TABLE = [
    (200, Action.OK, Action.OK, None),
    (201, Action.OK, Action.OK, None),
    (400, Action.FAIL, Action.FAIL, ValidationError),
    (401, Action.FAIL, Action.FAIL, AuthError),
    (403, Action.FAIL, Action.FAIL, AuthError),
    (404, Action.FAIL, Action.FAIL, NotFoundError),
    (408, Action.RETRY, Action.RETRY, TransientError),
    (409, Action.FAIL, Action.FAIL, ConflictError),
    (410, Action.FAIL, Action.FAIL, NotFoundError),
    (413, Action.FAIL, Action.FAIL, ValidationError),
    (418, Action.FAIL, Action.FAIL, ValidationError),
    (422, Action.FAIL, Action.FAIL, ValidationError),
    (429, Action.RETRY, Action.RETRY, RateLimitedError),
    (500, Action.RETRY, Action.FAIL, TransientError),
    (502, Action.RETRY, Action.FAIL, TransientError),
    (503, Action.RETRY, Action.RETRY, TransientError),
    (504, Action.RETRY, Action.FAIL, TransientError),
    (507, Action.RETRY, Action.FAIL, TransientError),
    (301, Action.FAIL, Action.FAIL, TransientError),
]


@pytest.mark.parametrize(("status", "get", "post", "error"), TABLE)
def test_status_table(status: int, get: Action, post: Action, error: type | None) -> None:
    for method, action in (("GET", get), ("POST", post)):
        verdict = classify_response(response(status, method))
        assert verdict.action is action, (status, method)
        assert verdict.error is error


def test_failure_kinds_shown_to_the_admin() -> None:
    assert classify_response(response(401)).error.kind is FailureKind.AUTH  # type: ignore[union-attr]
    assert classify_response(response(429)).error.kind is FailureKind.RATE_LIMITED  # type: ignore[union-attr]


def test_put_and_delete_count_as_idempotent_patch_does_not() -> None:
    assert classify_response(response(502, "PUT")).action is Action.RETRY
    assert classify_response(response(502, "DELETE")).action is Action.RETRY
    assert classify_response(response(502, "PATCH")).action is Action.FAIL
    assert classify_response(response(502, "POST"), idempotent=True).action is Action.RETRY


@pytest.mark.parametrize("status", [200, 404, 503])
def test_html_is_flagged_not_json_whatever_the_status(status: int) -> None:
    page = response(status, text="<html>Access denied</html>", json=None)
    verdict = classify_response(page)
    assert verdict.not_json
    if status == 200:
        assert verdict.action is Action.RETRY and verdict.error is TransientError


def test_json_labelled_as_html_is_still_json() -> None:
    resp = response(200, content=b'{"a": 1}', json=None, headers={"Content-Type": "text/html"})
    assert classify_response(resp).action is Action.OK


def test_empty_204_is_fine_but_empty_200_is_not_json() -> None:
    assert classify_response(response(204, json=None)).action is Action.OK
    assert classify_response(response(200, json=None, content=b"")).not_json


def test_throttled_flag_drives_the_limiter() -> None:
    assert classify_response(response(429)).throttled
    assert classify_response(response(503)).throttled
    assert not classify_response(response(500)).throttled
    assert classify_exception(httpx.ReadTimeout("t"), idempotent=True).throttled
    assert not classify_exception(httpx.ConnectError("c"), idempotent=True).throttled


@pytest.mark.parametrize(
    ("exc", "get", "post"),
    [
        (httpx.ConnectError("refused"), Action.RETRY, Action.RETRY),
        (httpx.ConnectTimeout("t"), Action.RETRY, Action.RETRY),
        (httpx.PoolTimeout("t"), Action.RETRY, Action.RETRY),
        (httpx.ReadTimeout("t"), Action.RETRY, Action.FAIL),
        (httpx.WriteTimeout("t"), Action.RETRY, Action.FAIL),
        (httpx.RemoteProtocolError("eof"), Action.RETRY, Action.FAIL),
        (httpx.ReadError("reset"), Action.RETRY, Action.FAIL),
        (httpx.UnsupportedProtocol("ftp"), Action.FAIL, Action.FAIL),
    ],
)
def test_exception_table(exc: Exception, get: Action, post: Action) -> None:
    assert classify_exception(exc, idempotent=True).action is get
    assert classify_exception(exc, idempotent=False).action is post
    assert classify_exception(exc, idempotent=True).error is TransientError


def test_retry_after_seconds_and_http_date() -> None:
    now = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("12") == 12.0
    assert parse_retry_after(" 0 ") == 0.0
    later = format_datetime(now + timedelta(seconds=90), usegmt=True)
    assert parse_retry_after(later, now=now) == 90.0
    past = format_datetime(now - timedelta(seconds=90), usegmt=True)
    assert parse_retry_after(past, now=now) == 0.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def test_retry_after_is_carried_on_the_verdict() -> None:
    verdict = classify_response(response(429, headers={"Retry-After": "3"}))
    assert verdict.retry_after == 3.0


def test_backoff_doubles_caps_and_jitters_within_half_to_full() -> None:
    policy = RetryPolicy(base_delay=0.5, max_delay=4.0)
    for attempt, full in [(1, 0.5), (2, 1.0), (3, 2.0), (4, 4.0), (5, 4.0), (9, 4.0)]:
        assert policy.backoff(attempt, rand=lambda: 0.0) == full / 2
        assert policy.backoff(attempt, rand=lambda: 1.0) == full
        assert full / 2 <= policy.backoff(attempt) <= full
    assert RetryPolicy(base_delay=0.5, jitter=False).backoff(3) == 2.0


def test_wait_gives_up_after_max_attempts_and_honours_retry_after() -> None:
    policy = RetryPolicy(max_attempts=3, max_retry_after=60)
    assert policy.wait(1, 5.0) == 5.0
    assert policy.wait(2, None) is not None
    assert policy.wait(3, None) is None
    assert policy.wait(1, 61.0) is None  # a quota, not a blip: let the scheduler wait


def test_html_404_hints_at_the_base_url() -> None:
    verdict = classify_response(response(404, text="<html>Page not found</html>", json=None))
    assert verdict.error is NotFoundError and verdict.not_json
    assert verdict.hint is not None and "base URL" in verdict.hint
