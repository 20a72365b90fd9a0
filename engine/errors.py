"""tillsync's exception hierarchy.

Every failure that leaves an adapter or the WooCommerce client is one of
these, carrying a :class:`FailureKind`.  The kind is what the dashboard shows
and what the retry policy acts on: "fix credentials" is not "will retry".
Library exceptions (httpx, sqlite) are translated at the boundary so nothing
above the transport needs to know which library raised.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

__all__ = [
    "AuthError",
    "Capture",
    "ConfigError",
    "ConflictError",
    "FailureKind",
    "NotFoundError",
    "RateLimitedError",
    "RemoteError",
    "TillsyncError",
    "TransientError",
    "ValidationError",
]


class FailureKind(StrEnum):
    """Why something failed, in terms of what should happen next."""

    TRANSIENT = "transient"  # retry with backoff: timeouts, 5xx, connection refused
    RATE_LIMITED = "rate_limited"  # retry after the server's Retry-After
    AUTH = "auth"  # wrong credentials / permissions: the admin must act
    CONFIG = "config"  # a setting or mapping is missing or wrong: the admin must act
    NOT_FOUND = "not_found"  # the remote object is gone
    VALIDATION = "validation"  # the remote rejected our data: fix data or mapping
    CONFLICT = "conflict"  # duplicate / already exists: look it up, don't recreate
    UNCONFIRMED = "unconfirmed"  # accepted by the back office, never confirmed in time

    @property
    def retryable(self) -> bool:
        """The same request may go again now: the ``resend`` column of the one table."""
        from engine.failure_table import rule_for  # the table imports this module

        return rule_for(self.value).resend

    @property
    def hint(self) -> str:
        return _HINTS[self]


_HINTS = {
    FailureKind.TRANSIENT: "Temporary problem on the remote side; tillsync retries by itself.",
    FailureKind.RATE_LIMITED: "The remote asked us to slow down; tillsync waits and retries.",
    FailureKind.AUTH: "Credentials were refused: check the key/secret or API user and its rights.",
    FailureKind.CONFIG: "A setting or mapping is missing or wrong: fix it, then retry.",
    FailureKind.NOT_FOUND: "The object no longer exists on the remote side.",
    FailureKind.VALIDATION: "The remote rejected the data: check the item and its mappings.",
    FailureKind.CONFLICT: "The object already exists remotely; tillsync links it instead.",
    FailureKind.UNCONFIRMED: "The back office accepted it but never confirmed it: look it up "
    "there, then retry (it is found, not booked twice) or skip it.",
}


class TillsyncError(Exception):
    """Base of every error tillsync raises on purpose."""

    kind: FailureKind = FailureKind.CONFIG

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self._hint = hint

    @property
    def hint(self) -> str:
        return self._hint or self.kind.hint


class ConfigError(TillsyncError):
    """A bad configuration file, setting or mapping."""

    kind = FailureKind.CONFIG


@dataclass(frozen=True)
class Capture:
    """One HTTP exchange, with secrets already redacted, kept for the debugger."""

    method: str
    url: str
    request_headers: dict[str, str] = field(default_factory=dict)
    request_body: str = ""
    status: int | None = None
    response_headers: dict[str, str] = field(default_factory=dict)
    response_body: str = ""
    elapsed_ms: float = 0.0


class RemoteError(TillsyncError):
    """A remote system answered (or failed to answer) in a way we can't use.

    ``status`` is the HTTP status when there was one, ``code`` the remote's
    own error code (``product_invalid_sku``, ``NUMBER_ALREADY_IN_USE``),
    ``capture`` the redacted exchange for the failed-order debugger.
    """

    kind = FailureKind.TRANSIENT

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        capture: Capture | None = None,
        retry_after: float | None = None,
        hint: str | None = None,
        data: dict | None = None,
    ) -> None:
        super().__init__(message, hint=hint)
        self.status = status
        self.code = code
        self.capture = capture
        self.retry_after = retry_after
        self.data = data or {}


class TransientError(RemoteError):
    kind = FailureKind.TRANSIENT


class RateLimitedError(RemoteError):
    kind = FailureKind.RATE_LIMITED


class AuthError(RemoteError):
    kind = FailureKind.AUTH


class NotFoundError(RemoteError):
    kind = FailureKind.NOT_FOUND


class ValidationError(RemoteError):
    kind = FailureKind.VALIDATION


class ConflictError(RemoteError):
    kind = FailureKind.CONFLICT
