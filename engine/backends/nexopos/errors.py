"""What NexoPOS's answers mean, and the pacing that keeps us under its throttle.

A running NexoPOS 6.2.1 answers nearly every failure as HTTP **500** with the
PHP message (reference §11): the throttle (``"Too Many Attempts."``, no
``Retry-After``), validation, short stock, unknown customers, SQL errors, and
a look-up of a row it lacks (``"Unable to find the product …"``).  So a 500 is
read by its message (:func:`read_500`), never by its status, and *before* the
transport decides to retry (:func:`verdict_of`, the client's classifier):

* ``Too Many Attempts.`` → :class:`PacedTransport` turns it into a 429 with a
  ``Retry-After`` reaching the end of our own request window, so the shared
  retry policy waits for the window (the server had not run the request:
  the throttle is middleware);
* ``Unable to find …`` on a GET → :class:`~engine.errors.NotFoundError` after
  one request: the answer "not there" (a missing SKU costs one request);
* ``not enough stock`` → :class:`StockShortage`, a hold with NexoPOS's numbers;
* a validation or PHP message → :class:`~engine.errors.ValidationError`, a
  dead letter with NexoPOS's text;
* anything else stays transient: a read is retried, a write is not (a PUT
  neither, though HTTP calls it idempotent).  NexoPOS writes without a
  transaction and a failed write may have left partial rows (§11), so an
  order is never posted again without first looking it up.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import replace
from enum import StrEnum

import httpx

from engine.errors import ConfigError, NotFoundError, RemoteError, TransientError, ValidationError
from engine.transport import Action, Verdict

__all__ = [
    "THROTTLE_MESSAGE",
    "PacedTransport",
    "Reading",
    "StockShortage",
    "classify",
    "nexo_message",
    "parse_nexo_error",
    "read_500",
    "verdict_of",
]

THROTTLE_MESSAGE = "Too Many Attempts."
_VALIDATION_MARKS = (
    "field is required",
    "undefined array key",
    "unable to find",
    "sqlstate",
    "is already",
    "not supported",
    "invalid",
    "must be",
)


class StockShortage(ConfigError):
    """NexoPOS holds less stock than the order needs: held with its numbers."""


def nexo_message(content: bytes) -> str | None:
    try:
        body = json.loads(content)
    except ValueError:
        return None
    message = body.get("message") if isinstance(body, dict) else None
    return str(message) if message is not None else None


def parse_nexo_error(response: httpx.Response) -> tuple[str | None, str | None, dict] | None:
    """The transport's error parser: NexoPOS's ``{status, message}`` body."""
    message = nexo_message(response.content)
    return None if message is None else (None, message, {})


class Reading(StrEnum):
    """What a NexoPOS 500 means, told by its message (see the module docstring)."""

    THROTTLED = "throttled"
    SHORT_STOCK = "short_stock"
    MISSING = "missing"  # a look-up (GET) of a row NexoPOS lacks
    REFUSED = "refused"  # validation or a PHP error: the same request fails the same way
    UNKNOWN = "unknown"


def read_500(message: str | None, method: str) -> Reading:
    """The meaning of a 500 with ``message`` in answer to a ``method`` request."""
    if message is None:
        return Reading.UNKNOWN
    lowered = message.lower()
    if message == THROTTLE_MESSAGE:
        return Reading.THROTTLED
    if "not enough stock" in lowered:
        return Reading.SHORT_STOCK
    if method.upper() == "GET" and "unable to find" in lowered:
        return Reading.MISSING
    if any(mark in lowered for mark in _VALIDATION_MARKS):
        return Reading.REFUSED
    return Reading.UNKNOWN


_FINAL = {Reading.MISSING: NotFoundError, Reading.SHORT_STOCK: ValidationError,
          Reading.REFUSED: ValidationError}  # fmt: skip


def verdict_of(response: httpx.Response, verdict: Verdict) -> Verdict:
    """The transport's classifier: a 500 judged by its message before any retry.

    A recognised message is final after one request; an unknown 500 is retried
    only where the status table retries it and the request is not a PUT (an
    edit NexoPOS may have half-written).  The throttle never gets here: the
    pacer has turned it into a 429 that waits for the window.
    """
    if response.status_code != 500:
        return verdict
    method = response.request.method
    error = _FINAL.get(read_500(nexo_message(response.content), method))
    if error is not None:
        return replace(verdict, action=Action.FAIL, error=error)
    if method.upper() == "PUT":
        return replace(verdict, action=Action.FAIL)
    return verdict


def _remote_text(error: RemoteError) -> str:
    capture = error.capture
    return (nexo_message(capture.response_body.encode()) if capture else None) or error.message


def classify(error: RemoteError) -> RemoteError | ConfigError:
    """Sharpen a 500 by NexoPOS's message into what the jobs act on."""
    if error.status != 500:
        return error
    text = _remote_text(error)
    reading = read_500(text, error.capture.method if error.capture else "POST")
    if reading is Reading.SHORT_STOCK:
        return StockShortage(
            f"NexoPOS: {text}", hint="Add stock in NexoPOS (or fix the order), then retry."
        )
    if reading is Reading.MISSING:
        return NotFoundError(f"NexoPOS: {text}", status=500, capture=error.capture)
    if reading is Reading.REFUSED:
        return ValidationError(
            f"NexoPOS refused it: {text}",
            status=500,
            capture=error.capture,
            hint="NexoPOS's own words; fix the data or mapping it names, then retry.",
        )
    return TransientError(error.message, status=500, capture=error.capture)


Sleep = Callable[[float], Awaitable[None]]


class PacedTransport(httpx.AsyncBaseTransport):
    """At most ``limit`` requests per ``window`` seconds; the throttle 500 becomes a 429.

    The pacer is a sliding window over our own send times: a request waits
    until the oldest send in the window has aged out, plus a margin (2 % of
    the window, at least 250 ms) for the jitter between our send time and the
    server's arrival time.  No interval of one window then holds more than
    ``limit`` arrivals, so no fixed-window counter (Laravel's, wherever it
    started) is crossed, and the pace stays within ~2 % of the floor.
    """

    def __init__(
        self,
        inner: httpx.AsyncBaseTransport,
        limit: int,
        window: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self._inner, self.limit, self.window = inner, limit, window
        self._clock, self._sleep = clock, sleep
        self.margin = max(0.25, window * 0.02)
        self._sent: deque[float] = deque()
        self._lock = asyncio.Lock()
        self.waited = 0.0

    def _until_free(self) -> float:
        now = self._clock()
        span = self.window + self.margin
        while self._sent and now - self._sent[0] >= span:
            self._sent.popleft()
        if len(self._sent) < self.limit:
            return 0.0
        return self._sent[0] + span - now

    async def _slot(self) -> None:
        async with self._lock:
            while (wait := self._until_free()) > 0:
                self.waited += wait
                await self._sleep(wait)
            self._sent.append(self._clock())

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await self._slot()
        response = await self._inner.handle_async_request(request)
        if response.status_code != 500:
            return response
        content = await response.aread()
        if nexo_message(content) != THROTTLE_MESSAGE:
            return response
        async with self._lock:
            wait = max(1.0, self._until_free() or self.window)
        headers = [(k, v) for k, v in response.headers.items() if k.lower() != "content-length"]
        headers.append(("Retry-After", str(int(wait + 0.999))))
        return httpx.Response(429, headers=headers, content=content, request=request)

    async def aclose(self) -> None:
        await self._inner.aclose()
