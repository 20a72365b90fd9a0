"""Knobs: latency and fault injection, deterministic for a given seed.

All random decisions come from one ``random.Random(seed)`` owned by the
knobs, so a test that sets ``seed`` and replays the same request sequence
sees the same faults.  ``scripted`` is the fully deterministic form: each
API request pops the next entry (``"ok"``, ``"503"``, ``"429"``, ``"daily"``,
``"drop"``) before anything random is considered.

KORONA's own limits are unpublished [I]: the default allows one write at a
time per account (``max_parallel_writes=1``; a second concurrent
POST/PATCH/DELETE gets ``429 TOO_MANY_PARALLEL_UPDATE_REQUESTS``) and no daily
quota.  The spec declares no ``Retry-After`` header, so none is sent unless
``retry_after_seconds`` is set.

``receipt_fault`` acts on the next receipt POST(s) (``receipt_fault_times``).
``queued`` answers each receipt of the POST as ``AddOrUpdateResult`` action
``QUEUED`` with status ``OK``, a ``number`` and no ``id``/``revision`` [V: the
enum has QUEUED; I: what a queued result carries]; the receipt is stored, so
a client finds its id by listing receipts with ``number``.

``page_cap`` makes every list page hold at most that many results whatever
``size`` asked for (``pagesTotal`` and ``links`` follow the capped size), the
way a server that caps page sizes answers [I]; ``None`` serves what was asked.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import Any

__all__ = ["Fault", "Knobs", "ReceiptFault"]


class Fault(StrEnum):
    NONE = "ok"
    DOWN = "503"
    THROTTLED = "429"
    DAILY_LIMIT = "daily"
    DROP = "drop"


class ReceiptFault(StrEnum):
    COMMIT_THEN_500 = "commit_then_500"  # receipt stored, client sees a 500
    COMMIT_THEN_HANG = "commit_then_hang"  # receipt stored, answer withheld
    QUEUED = "queued"  # receipt stored, answered {action: QUEUED, status: OK} without id


@dataclass
class Knobs:
    """Behaviour switches; change them while the sandbox runs via :meth:`update`."""

    seed: int = 0
    latency_ms: float = 0.0
    latency_jitter_ms: float = 0.0
    down: bool = False
    error_rate: float = 0.0
    drop_rate: float = 0.0
    throttle_rate: float = 0.0
    max_parallel_writes: int = 1
    daily_limit: int | None = None
    retry_after_seconds: int | None = None
    receipt_fault: ReceiptFault | None = None
    receipt_fault_times: int = 1
    hang_seconds: float = 30.0
    strict_payments: bool = True
    page_cap: int | None = None
    scripted: list[Fault] = field(default_factory=list)
    _rng: random.Random = field(default_factory=random.Random, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._rng.seed(self.seed)

    def update(self, **changes: Any) -> None:
        """Change knobs by name; unknown names raise ``ValueError``."""
        names = {f.name for f in fields(self) if not f.name.startswith("_")}
        unknown = set(changes) - names
        if unknown:
            raise ValueError(f"unknown knobs: {sorted(unknown)}")
        for name, value in changes.items():
            setattr(self, name, _coerce(name, value))
        if "seed" in changes:
            self._rng.seed(self.seed)

    def to_json(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self) if not f.name.startswith("_")}

    def latency(self) -> float:
        """Seconds to wait before answering this request."""
        jitter = self._rng.uniform(0, self.latency_jitter_ms) if self.latency_jitter_ms else 0.0
        return (self.latency_ms + jitter) / 1000

    def pick(self, is_write: bool, requests_today: int) -> Fault:
        """The fault for the next API request (``Fault.NONE`` if none)."""
        if self.scripted:
            return Fault(self.scripted.pop(0))
        if self.down:
            return Fault.DOWN
        if self.daily_limit is not None and requests_today > self.daily_limit:
            return Fault.DAILY_LIMIT
        draw = self._rng.random
        if self.error_rate and draw() < self.error_rate:
            return Fault.DOWN
        if self.drop_rate and draw() < self.drop_rate:
            return Fault.DROP
        if is_write and self.throttle_rate and draw() < self.throttle_rate:
            return Fault.THROTTLED
        return Fault.NONE

    def take_receipt_fault(self) -> ReceiptFault | None:
        """The fault for this receipt POST, used up after ``receipt_fault_times``."""
        fault = self.receipt_fault
        if fault is None:
            return None
        self.receipt_fault_times -= 1
        if self.receipt_fault_times <= 0:
            self.receipt_fault = None
        return fault


def _coerce(name: str, value: Any) -> Any:
    if name == "scripted":
        return [Fault(v) for v in value]
    if name == "receipt_fault":
        return ReceiptFault(value) if value else None
    return value
