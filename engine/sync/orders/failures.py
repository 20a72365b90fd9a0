"""What a failed booking or void means for the order, as data.

The one failure table (:mod:`engine.failure_table`) decides, from the
error's :class:`~engine.errors.FailureKind`: retry later, dead-letter it
for the admin, stop the drain because every other order would fail the same
way, and how loudly to tell the admin; this module adds when to retry.
Transient trouble and rate limits retry with exponential backoff and
jitter (or the server's Retry-After); a rejected order is a dead letter
keeping the redacted request and response; credentials or account
settings the back office refuses stop everything and page the admin, and
the order retries by itself once they are fixed.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from engine.errors import Capture, FailureKind, RemoteError, TillsyncError
from engine.failure_table import failure_kind, rule_for
from engine.notify import Severity
from engine.transport import RetryPolicy

__all__ = [
    "DEFAULT_BACKOFF",
    "Failure",
    "classify_failure",
    "format_request",
    "format_response",
]

#: Outbox retries: 30 s, 1 min, 2 min … capped at 30 min, each with equal jitter.
DEFAULT_BACKOFF = RetryPolicy(max_attempts=1_000_000, base_delay=30.0, max_delay=1800.0)

#: A Retry-After longer than this is a quota (a back office's daily limit): page the admin.
_QUOTA_WAIT = timedelta(hours=1)


@dataclass(frozen=True)
class Failure:
    """Everything ``Outbox.mark_failed`` needs, plus what the worker does next."""

    kind: str
    error: str
    hint: str
    request: str
    response: str
    retry_at: datetime | None
    stop: bool
    severity: Severity | None

    @property
    def dead_letter(self) -> bool:
        return self.retry_at is None


def _message(exc: BaseException) -> str:
    if isinstance(exc, TillsyncError):
        return exc.message
    return f"{type(exc).__name__}: {exc}"


def _hint(exc: BaseException) -> str:
    if isinstance(exc, TillsyncError):
        return exc.hint
    return "An unexpected error; the log has the details. Retry once it is understood."


def format_request(capture: Capture | None) -> str:
    if capture is None:
        return ""
    headers = "".join(f"{k}: {v}\n" for k, v in capture.request_headers.items())
    return f"{capture.method} {capture.url}\n{headers}\n{capture.request_body}"


def format_response(capture: Capture | None) -> str:
    if capture is None or capture.status is None:
        return "" if capture is None else f"no response after {capture.elapsed_ms} ms"
    headers = "".join(f"{k}: {v}\n" for k, v in capture.response_headers.items())
    return f"HTTP {capture.status} ({capture.elapsed_ms} ms)\n{headers}\n{capture.response_body}"


def _wait(exc: BaseException, attempts: int, backoff: RetryPolicy, rand: Callable[[], float]):
    retry_after = exc.retry_after if isinstance(exc, RemoteError) else None
    seconds = retry_after if retry_after is not None else backoff.backoff(max(1, attempts), rand)
    return timedelta(seconds=seconds)


def classify_failure(
    exc: BaseException,
    *,
    attempts: int,
    now: datetime,
    backoff: RetryPolicy = DEFAULT_BACKOFF,
    fallback: Capture | None = None,
    rand: Callable[[], float] = random.random,
) -> Failure:
    """Decide an order's fate after ``exc``; ``attempts`` counts this one.

    ``fallback`` is the adapter client's last capture, used when the error
    carries none (the request that failed is then the last one sent).
    """
    kind = failure_kind(exc)
    rule = rule_for(kind)
    capture = exc.capture if isinstance(exc, RemoteError) and exc.capture else fallback
    wait = _wait(exc, attempts, backoff, rand) if rule.retry else None
    severity = Severity(rule.severity) if rule.severity else None
    if kind == FailureKind.RATE_LIMITED and wait is not None and wait > _QUOTA_WAIT:
        severity = Severity.CRITICAL
    return Failure(
        kind=kind,
        error=_message(exc),
        hint=_hint(exc),
        request=format_request(capture),
        response=format_response(capture),
        retry_at=None if wait is None else now + wait,
        stop=rule.stop,
        severity=severity,
    )
