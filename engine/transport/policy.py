"""Retry policy and response classification, kept as data.

The table below is the single place that decides, for a status code or a
transport exception, whether a request is retried and which
:class:`~engine.errors.FailureKind` a final failure carries.  Keeping it as
data (STYLE.md §6) lets the dashboard explain *why* something failed and lets
tests check the whole mapping at once.

Writes are retried conservatively: a non-idempotent request (POST, PATCH) is
only retried when the server cannot have acted on it — the connection was
never made (connect error / pool timeout), or the server explicitly refused
it before processing (408, 429, 503).  A 500/502/504 or a read timeout on a
POST may hide a write that did happen, so it surfaces as a
:class:`TransientError` and the caller (outbox, batch) looks the item up by
its idempotency key before trying again.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from enum import StrEnum

import httpx

from engine.errors import (
    AuthError,
    ConflictError,
    NotFoundError,
    RateLimitedError,
    RemoteError,
    TransientError,
    ValidationError,
)
from engine.failure_table import rule_for

__all__ = [
    "EXCEPTION_RULES",
    "IDEMPOTENT_METHODS",
    "STATUS_RULES",
    "THROTTLE_STATUSES",
    "Action",
    "RetryPolicy",
    "Rule",
    "Verdict",
    "classify_exception",
    "classify_response",
    "is_json_body",
    "parse_retry_after",
]

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
THROTTLE_STATUSES = frozenset({429, 503})


class Action(StrEnum):
    """What the transport does with an exchange."""

    OK = "ok"
    RETRY = "retry"
    FAIL = "fail"


@dataclass(frozen=True)
class Rule:
    """One row of the policy table.

    ``unsafe_retry`` says whether the rule also retries requests that are not
    idempotent, i.e. whether the server is known not to have acted on them.
    """

    action: Action
    error: type[RemoteError] | None = None
    unsafe_retry: bool = False
    hint: str | None = None


def _by_kind(error: type[RemoteError], *, unsafe_retry: bool = False, hint: str | None = None):
    """A status whose retry follows its failure kind's ``resend`` in the one table."""
    action = Action.RETRY if rule_for(error.kind).resend else Action.FAIL
    return Rule(action, error, unsafe_retry=unsafe_retry, hint=hint)


_RETRY_ANY = _by_kind(TransientError, unsafe_retry=True)
_RETRY_IDEMPOTENT = _by_kind(TransientError)

STATUS_RULES: Mapping[int, Rule] = {
    400: _by_kind(ValidationError),
    401: _by_kind(AuthError),
    403: _by_kind(AuthError),
    404: _by_kind(NotFoundError),
    408: _RETRY_ANY,
    409: _by_kind(ConflictError),
    410: _by_kind(NotFoundError),
    413: _by_kind(ValidationError, hint="Request too large: send fewer items per call."),
    422: _by_kind(ValidationError),
    429: _by_kind(RateLimitedError, unsafe_retry=True),
    500: _RETRY_IDEMPOTENT,
    502: _RETRY_IDEMPOTENT,
    503: _RETRY_ANY,
    504: _RETRY_IDEMPOTENT,
}

# Transport exceptions, most specific first.  Connection never made -> any
# method may be retried; a failure after the request left us -> idempotent only.
# A URL that can never work (wrong scheme, a redirect) is transient by kind but
# sending it again cannot help: those rows say FAIL themselves.
EXCEPTION_RULES: tuple[tuple[type[Exception], Rule], ...] = (
    (
        httpx.UnsupportedProtocol,
        Rule(Action.FAIL, TransientError, hint="The URL is not http(s)://…: check the setting."),
    ),
    (httpx.ConnectTimeout, _RETRY_ANY),
    (httpx.PoolTimeout, _RETRY_ANY),
    (httpx.ConnectError, _RETRY_ANY),
    (httpx.TimeoutException, _RETRY_IDEMPOTENT),
    (httpx.TransportError, _RETRY_IDEMPOTENT),
)

_OTHER_4XX = _by_kind(ValidationError)
_OTHER_5XX = _RETRY_IDEMPOTENT
_REDIRECT = Rule(
    Action.FAIL,
    TransientError,
    hint="The server answered with a redirect: set the base URL to the final address "
    "(https, www or not) so requests and signatures match.",
)
_NOT_JSON = Rule(
    Action.RETRY,
    TransientError,
    hint="A firewall, maintenance page or PHP notice answered instead of the API.",
)


@dataclass(frozen=True)
class Verdict:
    """The outcome of classifying one exchange."""

    action: Action
    error: type[RemoteError] | None = None
    retry_after: float | None = None
    hint: str | None = None
    not_json: bool = False
    throttled: bool = False  # server overloaded (429/503/timeout): the limiter backs off


def _rule_for_status(status: int) -> Rule:
    if status in STATUS_RULES:
        return STATUS_RULES[status]
    if 300 <= status < 400:
        return _REDIRECT
    if 400 <= status < 500:
        return _OTHER_4XX
    if status >= 500:
        return _OTHER_5XX
    return Rule(Action.OK)


def is_json_body(response: httpx.Response) -> bool:
    """True when the body parses as JSON, whatever the Content-Type claims.

    WordPress hosts sometimes label JSON ``text/html``; firewalls and
    maintenance pages send HTML with any status — only parsing tells.
    """
    try:
        json.loads(response.content)
    except ValueError:
        return False
    return True


def _apply_idempotency(rule: Rule, idempotent: bool) -> Action:
    if rule.action is Action.RETRY and not (idempotent or rule.unsafe_retry):
        return Action.FAIL
    return rule.action


def classify_response(
    response: httpx.Response, *, idempotent: bool | None = None, expect_json: bool = True
) -> Verdict:
    """Decide what to do with a response: accept, retry, or fail with which error."""
    if idempotent is None:
        idempotent = response.request.method.upper() in IDEMPOTENT_METHODS
    rule = _rule_for_status(response.status_code)
    not_json = expect_json and response.status_code != 204 and not is_json_body(response)
    if rule.action is Action.OK and not_json:
        rule = _NOT_JSON
    retry_after = parse_retry_after(response.headers.get("Retry-After"))
    action = _apply_idempotency(rule, idempotent)
    hint = rule.hint or (_not_json_hint(response.status_code) if not_json else None)
    throttled = response.status_code in THROTTLE_STATUSES
    return Verdict(action, rule.error, retry_after, hint, not_json, throttled)


def _not_json_hint(status: int) -> str | None:
    if status in (404, 405):
        return "A web page answered instead of the API: check the base URL."
    return _NOT_JSON.hint


def classify_exception(exc: Exception, *, idempotent: bool) -> Verdict:
    """Map an httpx transport exception onto the policy table."""
    for exc_type, rule in EXCEPTION_RULES:
        if isinstance(exc, exc_type):
            throttled = isinstance(exc, httpx.TimeoutException)
            action = _apply_idempotency(rule, idempotent)
            return Verdict(action, rule.error, hint=rule.hint, throttled=throttled)
    return Verdict(Action.FAIL, TransientError)


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP-date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently to retry.

    Backoff is exponential (``base_delay * 2**(attempt-1)``, capped at
    ``max_delay``) with "equal jitter": the wait is drawn from
    ``[delay/2, delay]`` so concurrent clients spread out but never spin in a
    tight loop.  A server's ``Retry-After`` wins over the computed backoff; if
    it asks for longer than ``max_retry_after`` (a daily quota, say) we stop
    and raise, so the scheduler — not a sleeping request — does the waiting.
    """

    max_attempts: int = 5
    base_delay: float = 0.5
    max_delay: float = 30.0
    jitter: bool = True
    max_retry_after: float = 120.0

    def backoff(self, attempt: int, rand: Callable[[], float] = random.random) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1-based)."""
        delay = min(self.max_delay, self.base_delay * (2 ** max(0, attempt - 1)))
        if not self.jitter:
            return delay
        return delay / 2 + (delay / 2) * rand()

    def wait(
        self, attempt: int, retry_after: float | None, rand: Callable[[], float] = random.random
    ) -> float | None:
        """Seconds to wait before the next attempt, or None when we must give up."""
        if attempt >= self.max_attempts:
            return None
        if retry_after is not None:
            return None if retry_after > self.max_retry_after else retry_after
        return self.backoff(attempt, rand)
