"""Typed engine events and the in-process bus that carries them.

The engine publishes; the TUI (and the headless logger, and the store's
event table) subscribe with ``async for event in bus.subscribe()``.  The bus
holds no UI code.  A slow subscriber never blocks the engine: each has a
bounded queue, and when it is full the oldest *progress* events are dropped
first (they are superseded by the next one anyway), then the oldest of any
kind, counted in ``dropped``.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

__all__ = [
    "EngineEvent",
    "EventBus",
    "ItemSkipped",
    "JobFinished",
    "JobProgress",
    "JobStarted",
    "Level",
    "LogEvent",
    "OrderStateChanged",
    "Subscription",
]


class Level(StrEnum):
    DEBUG = "debug"
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"
    CRITICAL = "critical"


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, kw_only=True)
class EngineEvent:
    """Base of every event: when, how loud, which job and connection."""

    at: datetime = field(default_factory=_now)
    level: Level = Level.INFO
    job: str = ""
    connection: str = "default"

    @property
    def name(self) -> str:
        return type(self).__name__

    @property
    def message(self) -> str:
        return self.name

    def to_record(self) -> dict[str, Any]:
        """A JSON-ready dict for the store's event table and the log pane."""
        record = asdict(self)
        record["at"] = self.at.isoformat()
        record["type"] = self.name
        record["message"] = self.message
        return record


@dataclass(frozen=True, kw_only=True)
class LogEvent(EngineEvent):
    text: str
    entity: str = ""
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def message(self) -> str:
        return self.text


@dataclass(frozen=True, kw_only=True)
class JobStarted(EngineEvent):
    run_id: int
    full: bool = False
    dry_run: bool = False

    @property
    def message(self) -> str:
        mode = "full" if self.full else "incremental"
        return f"{self.job} started ({mode}{', dry-run' if self.dry_run else ''})"


@dataclass(frozen=True, kw_only=True)
class JobProgress(EngineEvent):
    """Frequent and superseded by the next one: subscribers may coalesce them."""

    run_id: int
    done: int
    total: int | None = None
    read: int = 0
    written: int = 0
    failed: int = 0

    @property
    def message(self) -> str:
        of = f"/{self.total}" if self.total is not None else ""
        return f"{self.job}: {self.done}{of} processed"


@dataclass(frozen=True, kw_only=True)
class JobFinished(EngineEvent):
    run_id: int
    ok: bool
    duration_s: float
    read: int = 0
    written: int = 0
    failed: int = 0
    skipped: int = 0
    requests: int = 0
    error: str = ""

    @property
    def message(self) -> str:
        state = "ok" if self.ok else f"failed: {self.error}"
        return (
            f"{self.job} {state} in {self.duration_s:.1f}s — read {self.read}, "
            f"written {self.written}, failed {self.failed}, skipped {self.skipped}, "
            f"{self.requests} requests"
        )


@dataclass(frozen=True, kw_only=True)
class ItemSkipped(EngineEvent):
    """An item set aside with a reason while the rest of the batch goes on."""

    entity: str
    key: str
    reason: str
    level: Level = Level.WARNING

    @property
    def message(self) -> str:
        return f"skipped {self.entity} {self.key}: {self.reason}"


@dataclass(frozen=True, kw_only=True)
class OrderStateChanged(EngineEvent):
    woo_order_id: int
    state: str
    detail: str = ""
    job: str = "orders"

    @property
    def message(self) -> str:
        tail = f" — {self.detail}" if self.detail else ""
        return f"order #{self.woo_order_id} → {self.state}{tail}"


class Subscription:
    """One subscriber's bounded queue; iterate it with ``async for``."""

    def __init__(self, bus: EventBus, maxsize: int) -> None:
        self._bus = bus
        self._queue: asyncio.Queue[EngineEvent] = asyncio.Queue(maxsize)
        self.dropped = 0

    def offer(self, event: EngineEvent) -> None:
        while self._queue.full():
            self._drop_one()
        self._queue.put_nowait(event)

    def _drop_one(self) -> None:
        items: list[EngineEvent] = []
        while not self._queue.empty():
            items.append(self._queue.get_nowait())
        victim = next((i for i, e in enumerate(items) if isinstance(e, JobProgress)), 0)
        del items[victim]
        self.dropped += 1
        for item in items:
            self._queue.put_nowait(item)

    def drain(self) -> list[EngineEvent]:
        """Everything queued right now, without waiting (for batching consumers)."""
        items = []
        while not self._queue.empty():
            items.append(self._queue.get_nowait())
        return items

    def close(self) -> None:
        self._bus._unsubscribe(self)

    def __aiter__(self) -> AsyncIterator[EngineEvent]:
        return self

    async def __anext__(self) -> EngineEvent:
        return await self._queue.get()

    def __enter__(self) -> Subscription:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class EventBus:
    """Fan-out of engine events to any number of subscribers."""

    def __init__(self) -> None:
        self._subscribers: list[Subscription] = []

    def subscribe(self, maxsize: int = 10_000) -> Subscription:
        sub = Subscription(self, maxsize)
        self._subscribers.append(sub)
        return sub

    def _unsubscribe(self, sub: Subscription) -> None:
        with contextlib.suppress(ValueError):
            self._subscribers.remove(sub)

    def publish(self, event: EngineEvent) -> None:
        """Never blocks and never raises into the publisher."""
        for sub in list(self._subscribers):
            sub.offer(event)
