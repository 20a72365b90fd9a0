"""HTTP transport shared by the WooCommerce client and every back-office adapter.

One :class:`RemoteClient` per remote system owns an ``httpx.AsyncClient`` and
wraps it in the layers every system needs the same way: retry policy as data
(:mod:`.policy`), adaptive concurrency (:mod:`.limiter`), a learned request
rate per host (:mod:`.pacer`, :mod:`.rate_learner`), request counting
(:mod:`.stats`), and redacted captures and logs (:mod:`.redaction`).
"""

from engine.transport.client import RemoteClient, ResponseClassifier
from engine.transport.failure import RemoteFault, generic_error_parser
from engine.transport.limiter import AdaptiveLimiter, Outcome
from engine.transport.pacer import RateMemory, RatePacer
from engine.transport.policy import (
    STATUS_RULES,
    Action,
    RetryPolicy,
    Verdict,
    classify_exception,
    classify_response,
    parse_retry_after,
)
from engine.transport.rate_learner import RateLearner
from engine.transport.redaction import Redactor
from engine.transport.stats import RequestStats, StatsSnapshot
from engine.transport.tls import http_transport, shared_ssl_context

__all__ = [
    "STATUS_RULES",
    "Action",
    "AdaptiveLimiter",
    "Outcome",
    "RateLearner",
    "RateMemory",
    "RatePacer",
    "Redactor",
    "RemoteClient",
    "RemoteFault",
    "RequestStats",
    "ResponseClassifier",
    "RetryPolicy",
    "StatsSnapshot",
    "Verdict",
    "classify_exception",
    "classify_response",
    "generic_error_parser",
    "http_transport",
    "parse_retry_after",
    "shared_ssl_context",
]
