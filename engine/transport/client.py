"""RemoteClient: one httpx.AsyncClient per remote system, wrapped in policy.

Every adapter (WooCommerce and every back office) talks HTTP through this class
so retries, backoff, concurrency limits, counting, capture and redaction
behave the same everywhere and library exceptions never escape.
"""

from __future__ import annotations

import asyncio
import logging
import random
import ssl
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from engine.errors import Capture, RemoteError
from engine.transport.capture import capture_exchange
from engine.transport.failure import ErrorParser, build_error
from engine.transport.limiter import AdaptiveLimiter, Outcome
from engine.transport.pacer import RatePacer
from engine.transport.policy import (
    IDEMPOTENT_METHODS,
    Action,
    RetryPolicy,
    Verdict,
    classify_exception,
    classify_response,
)
from engine.transport.rate_learner import Ticket
from engine.transport.redaction import Redactor
from engine.transport.stats import RequestStats
from engine.transport.tls import shared_ssl_context

__all__ = ["RemoteClient", "ResponseClassifier"]

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]

#: A remote system's own reading of a response, given the status table's verdict: for an
#: API whose status says little (one 500 for throttling, validation and a missing row),
#: the body decides whether to retry, and which failure kind the error is.
ResponseClassifier = Callable[[httpx.Response, Verdict], Verdict]


@dataclass(frozen=True)
class _Attempt:
    """One try: either an accepted response or the error that ended it."""

    verdict: Verdict
    response: httpx.Response | None
    error: RemoteError | None


class RemoteClient:
    """HTTP client for one remote system with retry, limits and redaction."""

    def __init__(
        self,
        *,
        system: str,
        base_url: str,
        auth: httpx.Auth | None = None,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        limiter: AdaptiveLimiter | None = None,
        pacer: RatePacer | None = None,
        secrets: Iterable[str | None] = (),
        verify: bool | str | ssl.SSLContext = True,
        error_parser: ErrorParser | None = None,
        classifier: ResponseClassifier | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        headers: Mapping[str, str] | None = None,
        sleep: Sleep = asyncio.sleep,
        rand: Callable[[], float] = random.random,
    ) -> None:
        self.system = system
        self.retry_policy = retry or RetryPolicy()
        self.limiter = limiter or AdaptiveLimiter()
        #: Paces request starts to the host's learned rate; its 429s are the pacer's to
        #: answer, so they leave the concurrency limit alone (None: 429 halves it).
        self.pacer = pacer
        self.redactor = Redactor(secrets)
        self.stats = RequestStats()
        self.last_capture: Capture | None = None
        self._error_parser = error_parser
        self._classifier = classifier  # None: the status table alone decides
        self._sleep = sleep
        self._rand = rand
        self._http = httpx.AsyncClient(
            base_url=base_url.rstrip("/") + "/",
            auth=auth,
            timeout=timeout,
            verify=shared_ssl_context(verify),  # one bundle load per CA set, not per client
            transport=transport,
            headers={"User-Agent": "tillsync/0.1", "Accept": "application/json", **(headers or {})},
            follow_redirects=False,
        )

    @property
    def base_url(self) -> str:
        return str(self._http.base_url)

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        expect_json: bool = True,
        retry: bool = True,
        idempotent: bool | None = None,
    ) -> httpx.Response:
        """Send one logical request; retried per policy; errors are ours.

        ``idempotent`` overrides the method's default (a POST that only
        updates, or a lookup-by-POST, may be safely retried after a 502).
        Returns a response whose ``.json()`` is known to parse (when
        ``expect_json``); raises a :class:`RemoteError` subclass otherwise.
        """
        method = method.upper()
        if idempotent is None:
            idempotent = method in IDEMPOTENT_METHODS
        attempt = 0
        while True:
            attempt += 1
            request = self._http.build_request(
                method, path.lstrip("/"), params=params, json=json, content=content, headers=headers
            )
            outcome = await self._attempt(request, expect_json=expect_json, idempotent=idempotent)
            if outcome.error is None and outcome.response is not None:
                return outcome.response
            assert outcome.error is not None
            wait = self._wait_before_retry(outcome, attempt, retry)
            if wait is None:
                raise outcome.error
            if outcome.verdict.throttled and outcome.verdict.retry_after is not None:
                self.limiter.pause(wait)  # the whole client waits, not just this request
            self.stats.retries += 1
            log.info(
                "%s: retrying %s %s in %.2fs (attempt %d): %s",
                self.system, method, request.url.path, wait, attempt + 1, outcome.error.message,
            )  # fmt: skip
            await self._sleep(wait)

    def _wait_before_retry(self, outcome: _Attempt, attempt: int, retry: bool) -> float | None:
        if not retry or outcome.verdict.action is not Action.RETRY:
            return None
        return self.retry_policy.wait(attempt, outcome.verdict.retry_after, self._rand)

    async def _attempt(
        self, request: httpx.Request, *, expect_json: bool, idempotent: bool
    ) -> _Attempt:
        """One exchange while holding a limiter slot, at the pacer's turn; the verdict
        feeds both."""
        slot = await self.limiter.acquire()
        try:
            ticket = await self.pacer.turn() if self.pacer is not None else None
            attempt = await self._send(request, expect_json=expect_json, idempotent=idempotent)
            refused = attempt.response is not None and attempt.response.status_code == 429
            if self.pacer is not None and ticket is not None:
                _tell_pacer(self.pacer, ticket, attempt, refused)
            slot.outcome = _limiter_outcome(attempt.verdict, paced=refused and ticket is not None)
            return attempt
        finally:
            self.limiter.release(slot)

    async def _send(
        self, request: httpx.Request, *, expect_json: bool, idempotent: bool
    ) -> _Attempt:
        started = time.monotonic()
        try:
            response = await self._http.send(request)
        except httpx.HTTPError as exc:
            verdict = classify_exception(exc, idempotent=idempotent)
            return self._failed(request, None, exc, verdict, time.monotonic() - started)
        elapsed = time.monotonic() - started
        verdict = classify_response(response, idempotent=idempotent, expect_json=expect_json)
        if self._classifier is not None:  # before the retry decision, not after the retries
            verdict = self._classifier(response, verdict)
        if verdict.action is Action.OK:
            self._record(response.request, response, None, elapsed)
            return _Attempt(verdict, response, None)
        return self._failed(response.request, response, None, verdict, elapsed)

    def _failed(
        self,
        request: httpx.Request,
        response: httpx.Response | None,
        exc: Exception | None,
        verdict: Verdict,
        elapsed: float,
    ) -> _Attempt:
        capture = self._record(request, response, exc, elapsed)
        error = build_error(
            self.system,
            verdict,
            request,
            response=response,
            exc=exc,
            capture=capture,
            redactor=self.redactor,
            parser=self._error_parser,
        )
        return _Attempt(verdict, response, error)

    def _record(
        self,
        request: httpx.Request,
        response: httpx.Response | None,
        exc: Exception | None,
        elapsed: float,
    ) -> Capture:
        """Count, capture and log one attempt (always redacted)."""
        sent = len(request.content) if not request.stream or _is_read(request) else 0
        received = len(response.content) if response is not None else 0
        status = response.status_code if response is not None else None
        self.stats.record(request.method, status, sent, received, elapsed)
        capture = capture_exchange(request, response, self.redactor, elapsed * 1000)
        self.last_capture = capture
        if log.isEnabledFor(logging.DEBUG):
            outcome = status if status is not None else f"{type(exc).__name__}"
            log.debug(
                "%s: %s %s -> %s in %.0f ms; request %s; response %s",
                self.system, capture.method, capture.url, outcome, capture.elapsed_ms,
                capture.request_body[:2000], capture.response_body[:2000],
            )  # fmt: skip
        return capture

    async def aclose(self) -> None:
        try:
            if self.pacer is not None:
                await self.pacer.aclose()
        finally:
            await self._http.aclose()

    async def __aenter__(self) -> RemoteClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return (
            f"RemoteClient(system={self.system!r}, base_url={self.redactor.url(self.base_url)!r})"
        )


def _tell_pacer(pacer: RatePacer, ticket: Ticket, attempt: _Attempt, refused: bool) -> None:
    headers = attempt.response.headers if attempt.response is not None else {}
    if refused:
        pacer.refused(ticket, attempt.verdict.retry_after, headers)
    elif attempt.verdict.action is Action.OK:
        pacer.admitted(ticket, headers)


def _limiter_outcome(verdict: Verdict, *, paced: bool = False) -> Outcome:
    if paced:
        return Outcome.NEUTRAL  # a rate refusal: the pacer slows down, concurrency is not the cause
    if verdict.throttled:
        return Outcome.THROTTLED
    if verdict.action is Action.OK:
        return Outcome.SUCCESS
    return Outcome.NEUTRAL


def _is_read(request: httpx.Request) -> bool:
    try:
        request.content  # noqa: B018 - raises when the body is an unread stream
    except httpx.RequestNotRead:
        return False
    return True
