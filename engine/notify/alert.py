"""Admin alerts: the record, the sink protocol, and the sink that only logs.

An alert is something the admin must hear about without watching the
dashboard: a back office down, an order dead-lettered, a webhook disabled.
``key`` names the condition (``"backend-down:shop1"``) so that a condition
that persists is reported once per outage, not once per failed request; an
alert with severity ``RESOLVED`` and the same key closes the outage.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Protocol, runtime_checkable

__all__ = ["Alert", "AlertSink", "LogAlerts", "Severity"]

log = logging.getLogger(__name__)


class Severity(StrEnum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"
    CRITICAL = "critical"
    RESOLVED = "resolved"  # the condition named by the key is over

    @property
    def rank(self) -> int:
        """Ordering for "worst of the batch"; a resolution ranks lowest."""
        return _RANKS[self]

    @property
    def log_level(self) -> int:
        return _LOG_LEVELS[self]


_RANKS = {
    Severity.RESOLVED: 0,
    Severity.INFO: 1,
    Severity.WARNING: 2,
    Severity.ERROR: 3,
    Severity.CRITICAL: 4,
}
_LOG_LEVELS = {
    Severity.RESOLVED: logging.INFO,
    Severity.INFO: logging.INFO,
    Severity.WARNING: logging.WARNING,
    Severity.ERROR: logging.ERROR,
    Severity.CRITICAL: logging.CRITICAL,
}


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Alert:
    """One thing the admin should know; ``key`` groups repeats of one condition."""

    severity: Severity
    subject: str
    body: str = ""
    key: str = ""
    at: datetime = field(default_factory=_now)

    @classmethod
    def resolved(cls, key: str, subject: str, body: str = "") -> Alert:
        """The all-clear for ``key``: reported if the outage was, and re-arms the key."""
        return cls(Severity.RESOLVED, subject, body, key)


@runtime_checkable
class AlertSink(Protocol):
    """Where the engine sends alerts. ``emit`` never raises and never blocks on I/O."""

    async def emit(self, alert: Alert) -> None: ...

    async def flush(self) -> bool: ...

    async def aclose(self) -> None: ...


class LogAlerts:
    """An alert sink that only writes log lines (headless default, tests)."""

    def __init__(self, logger: logging.Logger | None = None) -> None:
        self._log = logger or log

    async def emit(self, alert: Alert) -> None:
        key = f" [{alert.key}]" if alert.key else ""
        self._log.log(
            alert.severity.log_level, "alert %s%s: %s", alert.severity, key, alert.subject
        )

    async def flush(self) -> bool:
        return True

    async def aclose(self) -> None:
        return None
