"""Deterministic fault injection in front of the REST API.

One ``random.Random(fault_seed)`` draw per API request decides its fate, so a
benchmark or test sees the same sequence of faults on every run.  What the
client then sees is what hosts really send: an HTML 429 (with or without
``Retry-After``), WordPress' JSON "critical error" 500, a request that hangs
past any client timeout, an HTML firewall page, or a token-bucket limiter.
"""

from __future__ import annotations

import random
import threading
import time
from enum import StrEnum

from sandbox.woocommerce.hostmodel import HostModel

__all__ = ["Fault", "FaultInjector", "TokenBucket"]


class Fault(StrEnum):
    RATE_LIMITED = "rate_limited"
    RATE_LIMITED_BARE = "rate_limited_bare"
    SERVER_ERROR = "server_error"
    SERVER_ERROR_AFTER_WRITE = "server_error_after_write"
    TIMEOUT = "timeout"
    HTML = "html"
    LIMITER = "limiter"


class TokenBucket:
    """``rate`` requests per second with a burst of ``burst``; thread-safe."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate = rate
        self.burst = max(1, burst)
        self._tokens = float(self.burst)
        self._stamp = time.monotonic()
        self._lock = threading.Lock()

    def take(self) -> float:
        """0 when a token was taken, else seconds until one is available."""
        with self._lock:
            now = time.monotonic()
            self._tokens = min(self.burst, self._tokens + (now - self._stamp) * self.rate)
            self._stamp = now
            if self._tokens >= 1:
                self._tokens -= 1
                return 0.0
            return (1 - self._tokens) / self.rate


class FaultInjector:
    """Decides, per request, whether and how the host misbehaves."""

    def __init__(self, model: HostModel) -> None:
        self.reconfigure(model)

    def reconfigure(self, model: HostModel) -> None:
        self.model = model
        self._rng = random.Random(model.fault_seed)
        self._bucket = (
            TokenBucket(model.rate_limit_rps, model.rate_limit_burst)
            if model.rate_limit_rps > 0
            else None
        )
        self._lock = threading.Lock()

    def decide(self) -> tuple[Fault | None, float]:
        """(fault or None, seconds for Retry-After where it applies)."""
        model = self.model
        if model.html_status:
            return Fault.HTML, 0.0
        if self._bucket is not None:
            wait = self._bucket.take()
            if wait > 0:
                return Fault.LIMITER, wait
        with self._lock:
            draw = self._rng.random()
        for fault, rate in (
            (Fault.RATE_LIMITED, model.rate_429),
            (Fault.RATE_LIMITED_BARE, model.rate_429_bare),
            (Fault.SERVER_ERROR, model.rate_500),
            (Fault.SERVER_ERROR_AFTER_WRITE, model.rate_500_after_write),
            (Fault.TIMEOUT, model.rate_timeout),
        ):
            if draw < rate:
                return fault, float(model.retry_after)
            draw -= rate
        return None, 0.0
