"""KORONA's error codes mapped onto what tillsync should do about them.

KORONA answers ``{"code": ..., "message": ...}``.  Its 429 has two meanings:
``TOO_MANY_PARALLEL_UPDATE_REQUESTS`` (back off a little, the shared retry
policy does that) and ``DAILY_LIMIT_EXCEEDED`` (nothing will work until the
quota resets: stop for the day and alert the admin).  KORONA sends no
Retry-After for the daily quota, so :class:`QuotaAwareTransport` adds one
pointing at the next UTC midnight (the reset time is not published; midnight
is our assumption) - the retry policy then gives up at once instead of
spending more of a quota that is already gone.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import httpx

from engine.errors import FailureKind, RateLimitedError, RemoteError

__all__ = [
    "DAILY_LIMIT",
    "PARALLEL_UPDATES",
    "DailyLimitExceeded",
    "KoronaConfigError",
    "QuotaAwareTransport",
    "UnknownHandle",
    "parse_korona_error",
    "seconds_until_quota_reset",
    "translate",
]

DAILY_LIMIT = "DAILY_LIMIT_EXCEEDED"
PARALLEL_UPDATES = "TOO_MANY_PARALLEL_UPDATE_REQUESTS"
_POS_CODES = frozenset(
    {
        "POINT_OF_SALE_NOT_EXTERNAL",
        "POINT_OF_SALE_NOT_COUPLED",
        "POINT_OF_SALE_COUPLED_WITH_OTHER_DEVICE",
    }
)
_POS_HINTS = {
    "POINT_OF_SALE_NOT_EXTERNAL": "Choose a point of sale of type External in the settings.",
    "POINT_OF_SALE_NOT_COUPLED": "Select the point of sale again so tillsync couples to it.",
    "POINT_OF_SALE_COUPLED_WITH_OTHER_DEVICE": (
        "Another device is coupled to this point of sale: decouple it in KORONA Studio "
        "or choose another External POS."
    ),
}
_FORBIDDEN_HINTS = {
    "API_USAGE_DISABLED": "API access is disabled for this KORONA account: enable it in Studio.",
    "ADDITIONAL_API_ACCESS_REQUIRED": "This KORONA plan lacks API access: book the API package.",
    "ADDITIONAL_CLOUD_PACKAGE_REQUIRED": "This needs a KORONA package (e.g. RETAIL for stock).",
    "CLOUD_ACCOUNT_DISABLED": "The KORONA account is disabled.",
}


class DailyLimitExceeded(RateLimitedError):
    """KORONA's daily request quota is used up; jobs stop until it resets."""

    kind = FailureKind.RATE_LIMITED


class KoronaConfigError(RemoteError):
    """KORONA refused because of our settings (POS not external / not coupled)."""

    kind = FailureKind.CONFIG


class UnknownHandle(KoronaConfigError):
    """A configured number (POS "90", warehouse "3") names no KORONA object."""


def parse_korona_error(response: httpx.Response) -> tuple[str | None, str | None, dict] | None:
    """The transport's error parser: KORONA's ``{code, message}`` body."""
    try:
        body = json.loads(response.content)
    except ValueError:
        return None
    if not isinstance(body, dict) or not (body.get("code") or body.get("message")):
        return None
    code = body.get("code")
    message = body.get("message")
    return (str(code) if code else None, str(message) if message else None, {})


def seconds_until_quota_reset(now: datetime | None = None) -> float:
    now = now or datetime.now(UTC)
    tomorrow = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return (tomorrow - now).total_seconds()


class QuotaAwareTransport(httpx.AsyncBaseTransport):
    """Adds ``Retry-After`` (until quota reset) to a daily-limit 429 lacking one."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self._inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self._inner.handle_async_request(request)
        if response.status_code != 429 or "retry-after" in response.headers:
            return response
        await response.aread()
        parsed = parse_korona_error(response)
        if parsed and parsed[0] == DAILY_LIMIT:
            response.headers["Retry-After"] = str(int(seconds_until_quota_reset()) + 1)
        return response

    async def aclose(self) -> None:
        await self._inner.aclose()


def _copy(error: RemoteError, cls: type[RemoteError], message: str, hint: str) -> RemoteError:
    return cls(
        message,
        status=error.status,
        code=error.code,
        capture=error.capture,
        retry_after=error.retry_after,
        hint=hint,
        data=error.data,
    )


def translate(error: RemoteError) -> RemoteError:
    """Sharpen a transport error with KORONA's meaning of its code."""
    if error.code == DAILY_LIMIT and not isinstance(error, DailyLimitExceeded):
        hint = "KORONA's daily API quota is used up: syncing pauses until it resets tomorrow."
        return _copy(error, DailyLimitExceeded, error.message, hint)
    if error.code in _POS_CODES and not isinstance(error, KoronaConfigError):
        return _copy(error, KoronaConfigError, error.message, _POS_HINTS[error.code])
    if error.code in _FORBIDDEN_HINTS and error.hint == error.kind.hint:
        return _copy(error, type(error), error.message, _FORBIDDEN_HINTS[error.code])
    if error.code == PARALLEL_UPDATES and error.hint == error.kind.hint:
        hint = "KORONA is busy with another write for this account; tillsync retries one at a time."
        return _copy(error, type(error), error.message, hint)
    return error
