"""The persisted, bounded log of engine events that the TUI's log panes page.

Records are the dicts of ``EngineEvent.to_record()``: the common fields get
columns (so the pane can filter in SQL) and the rest is kept as JSON.  The
table is pruned as it grows, by age and by kind: order history (the order
worker's events and the admin's own actions) is kept for
:data:`HISTORY_AGE` and capped apart from everything else (kept for
:data:`OTHER_AGE`), so a flood of other events — a stuck job, a noisy
connection — can't push out what happened to an order.  Each kind keeps at
most ``keep`` rows.  As a last line of defence, values under secret-looking
keys are masked before they are written.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import Any

from engine.store.database import Database
from engine.store.timestamps import from_text, to_text

__all__ = ["HISTORY_AGE", "HISTORY_JOBS", "LEVEL_NUMBERS", "OTHER_AGE", "EventLog", "StoredEvent"]

LEVEL_NUMBERS = {"debug": 10, "info": 20, "warning": 30, "error": 40, "critical": 50}
_COLUMNS = ("at", "level", "type", "job", "connection", "entity", "message")
_SECRET_MARKERS = ("secret", "password", "token", "authorization", "api_key", "apikey")
_PRUNE_EVERY = 1_000
#: Jobs whose events are order history: kept longer, capped apart from the rest.
HISTORY_JOBS = ("orders", "admin")
HISTORY_AGE = timedelta(days=180)
OTHER_AGE = timedelta(days=30)
_HISTORY = "job IN ({})".format(", ".join(f"'{job}'" for job in HISTORY_JOBS))


@dataclass(frozen=True)
class StoredEvent:
    id: int
    at: datetime
    level: str
    type: str
    job: str
    connection: str
    entity: str
    message: str
    data: Mapping[str, Any]


def _masked(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {
            k: "***" if any(m in str(k).lower() for m in _SECRET_MARKERS) else _masked(v)
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [_masked(v) for v in value]
    return value


def _row(record: Mapping[str, Any], clock: Callable[[], datetime]) -> tuple[Any, ...]:
    at = record.get("at")
    stamp = to_text(at) if isinstance(at, datetime) else to_text(from_text(at)) if at else None
    level = str(record.get("level") or "info").lower()
    extra = {k: v for k, v in record.items() if k not in (*_COLUMNS, "data")}
    nested = record.get("data")
    extra |= dict(nested) if isinstance(nested, Mapping) else {}
    return (
        stamp or to_text(clock()),
        level,
        LEVEL_NUMBERS.get(level, LEVEL_NUMBERS["info"]),
        str(record.get("type") or "LogEvent"),
        str(record.get("job") or ""),
        str(record.get("connection") or ""),
        str(record.get("entity") or ""),
        str(record.get("message") or ""),
        json.dumps(_masked(extra), ensure_ascii=False, default=str),
    )


def _event(row: Any) -> StoredEvent:
    return StoredEvent(
        id=row["id"],
        at=from_text(row["at"]),
        level=row["level"],
        type=row["type"],
        job=row["job"],
        connection=row["connection"],
        entity=row["entity"],
        message=row["message"],
        data=MappingProxyType(json.loads(row["data"])),
    )


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class EventLog:
    """The events table, pruned by age and kept to the newest ``keep`` rows of each kind."""

    def __init__(self, db: Database, clock: Callable[[], datetime], *, keep: int = 100_000) -> None:
        self._db = db
        self._clock = clock
        self.keep = keep
        self._since_prune = 0

    async def append(self, record: Mapping[str, Any]) -> None:
        await self.append_many([record])

    async def append_many(self, records: Iterable[Mapping[str, Any]]) -> int:
        """Write many records in one transaction (one fsync): how a busy sink should write."""
        rows = [_row(record, self._clock) for record in records]
        async with self._db.transaction():
            await self._db.execute_many(
                "INSERT INTO events (at, level, level_no, type, job, connection, entity,"
                " message, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
            self._since_prune += len(rows)
            if self._since_prune >= _PRUNE_EVERY:
                await self.prune()
        return len(rows)

    async def query(
        self,
        *,
        min_level: str | None = None,
        job: str | None = None,
        connection: str | None = None,
        contains: str | None = None,
        before_id: int | None = None,
        limit: int = 200,
    ) -> list[StoredEvent]:
        """Newest first; page back with ``before_id`` = the last id of the previous page."""
        level_no = LEVEL_NUMBERS[min_level.lower()] if min_level else None
        pattern = _like(contains) if contains else None
        rows = await self._db.fetch_all(
            "SELECT * FROM events WHERE (? IS NULL OR level_no >= ?) AND (? IS NULL OR job = ?)"
            " AND (? IS NULL OR connection = ?) AND (? IS NULL OR id < ?)"
            " AND (? IS NULL OR message LIKE ? ESCAPE '\\' OR entity LIKE ? ESCAPE '\\')"
            " ORDER BY id DESC LIMIT ?",
            (level_no, level_no, job, job, connection, connection, before_id, before_id,
             pattern, pattern, pattern, limit),
        )  # fmt: skip
        return [_event(row) for row in rows]

    async def prune(self, keep: int | None = None) -> int:
        """Delete events past their age, then all but the newest ``keep`` of each kind
        (order history, everything else); returns how many went."""
        keep = self.keep if keep is None else keep
        now = self._clock()
        gone = 0
        async with self._db.transaction():
            self._since_prune = 0
            for kind, age in ((_HISTORY, HISTORY_AGE), (f"NOT {_HISTORY}", OTHER_AGE)):
                gone += await self._db.execute(
                    f"DELETE FROM events WHERE {kind} AND at < ?", (to_text(now - age),)
                )
                gone += await self._db.execute(
                    f"DELETE FROM events WHERE id IN (SELECT id FROM events WHERE {kind}"
                    " ORDER BY id DESC LIMIT -1 OFFSET ?)",
                    (keep,),
                )
        return gone

    async def count(self) -> int:
        return int(await self._db.fetch_value("SELECT count(*) FROM events"))
