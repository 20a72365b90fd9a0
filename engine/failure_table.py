"""What happens after a failure, by kind: the one table the whole engine reads.

The transport decides *which* kind a failed exchange is (its status and
exception table in :mod:`engine.transport.policy`); this table decides what
each kind means for the work that failed:

- ``resend``: the same request may simply go again now (the transport's own
  retry, a batch item sent again in the next round);
- ``retry``: the order comes back by itself later, on the outbox backoff;
- ``hold_if_local``: raised by us before any request (a mapping or setting
  we lack), the order is held with its reason until the admin fixes it;
- ``stop``: every other order would fail the same way, so the drain pauses;
- ``severity``: how loudly the admin hears of it, as a
  :class:`~engine.notify.Severity` value (None: not at all).  Plain text
  here because the transport reads this table and notify imports the
  transport.

Anything that fails without one of our errors is ``internal`` (a bug): a
dead letter with the traceback in the log.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from engine.errors import FailureKind, RemoteError, TillsyncError

__all__ = [
    "FAILURE_ROWS",
    "FAILURE_TABLE",
    "INTERNAL",
    "FailureRule",
    "failure_kind",
    "held",
    "rule_for",
]

#: The kind of a failure that is none of ours (an exception we did not raise on purpose).
INTERNAL = "internal"


@dataclass(frozen=True)
class FailureRule:
    """One row; see the module docstring for what each column means."""

    resend: bool
    retry: bool
    stop: bool
    severity: str | None
    hold_if_local: bool = False


_W, _E, _C = "warning", "error", "critical"

#: One row per kind, as rows (not a dict literal) so a test can see a kind listed twice.
FAILURE_ROWS: tuple[tuple[str, FailureRule], ...] = (
    (FailureKind.TRANSIENT, FailureRule(resend=True, retry=True, stop=True, severity=_W)),
    (FailureKind.RATE_LIMITED, FailureRule(resend=True, retry=True, stop=True, severity=None)),
    (FailureKind.AUTH, FailureRule(resend=False, retry=True, stop=True, severity=_C)),
    (
        FailureKind.CONFIG,
        FailureRule(resend=False, retry=True, stop=True, severity=_C, hold_if_local=True),
    ),
    (FailureKind.VALIDATION, FailureRule(resend=False, retry=False, stop=False, severity=_E)),
    (FailureKind.NOT_FOUND, FailureRule(resend=False, retry=False, stop=False, severity=_E)),
    (FailureKind.CONFLICT, FailureRule(resend=False, retry=False, stop=False, severity=_E)),
    (FailureKind.UNCONFIRMED, FailureRule(resend=False, retry=False, stop=False, severity=_E)),
    (INTERNAL, FailureRule(resend=False, retry=False, stop=False, severity=_E)),
)

FAILURE_TABLE: Mapping[str, FailureRule] = {str(kind): rule for kind, rule in FAILURE_ROWS}


def failure_kind(exc: BaseException) -> str:
    """The table key of ``exc``: its :class:`FailureKind`, or ``internal``."""
    return exc.kind.value if isinstance(exc, TillsyncError) else INTERNAL


def rule_for(kind: str | None) -> FailureRule:
    """The row of ``kind``; an unknown or missing kind is treated as a bug."""
    return FAILURE_TABLE.get(str(kind or INTERNAL), FAILURE_TABLE[INTERNAL])


def held(exc: BaseException) -> bool:
    """Raised before any request for want of a mapping or setting: hold, don't fail."""
    local = isinstance(exc, TillsyncError) and not isinstance(exc, RemoteError)
    return local and rule_for(failure_kind(exc)).hold_if_local
