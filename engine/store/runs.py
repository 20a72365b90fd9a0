"""Job runs: when each job ran, how it ended and what it did.

A run is started before the job does anything and finished after; a run
still open when the store opens was cut short by a crash, and
``close_interrupted`` says so instead of showing it as running forever.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from sqlite3 import Row

from engine.store.database import DEFAULT_CONNECTION, Database
from engine.store.timestamps import from_text, optional_from_text, to_text

__all__ = ["Run", "RunCounts", "Runs"]


@dataclass(frozen=True)
class RunCounts:
    read: int = 0
    written: int = 0
    failed: int = 0
    skipped: int = 0


@dataclass(frozen=True)
class Run:
    id: int
    job: str
    connection: str
    full: bool
    dry_run: bool
    started_at: datetime
    finished_at: datetime | None
    ok: bool | None  # None while running
    counts: RunCounts
    requests: int
    error: str

    @property
    def running(self) -> bool:
        return self.finished_at is None


def _run(row: Row) -> Run:
    return Run(
        id=row["id"],
        job=row["job"],
        connection=row["connection"],
        full=bool(row["full"]),
        dry_run=bool(row["dry_run"]),
        started_at=from_text(row["started_at"]),
        finished_at=optional_from_text(row["finished_at"]),
        ok=None if row["ok"] is None else bool(row["ok"]),
        counts=RunCounts(row["read"], row["written"], row["failed"], row["skipped"]),
        requests=row["requests"],
        error=row["error"],
    )


class Runs:
    """The runs table."""

    def __init__(self, db: Database, clock: Callable[[], datetime]) -> None:
        self._db = db
        self._clock = clock

    async def start_run(
        self,
        job: str,
        *,
        connection: str = DEFAULT_CONNECTION,
        full: bool = False,
        dry_run: bool = False,
    ) -> int:
        async with self._db.transaction():
            return await self._db.insert(
                "INSERT INTO runs (job, connection, full, dry_run, started_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (job, connection, full, dry_run, to_text(self._clock())),
            )

    async def finish_run(
        self,
        run_id: int,
        *,
        ok: bool,
        counts: RunCounts = RunCounts(),
        requests: int = 0,
        error: str = "",
    ) -> Run:
        async with self._db.transaction():
            changed = await self._db.execute(
                "UPDATE runs SET finished_at = ?, ok = ?, read = ?, written = ?, failed = ?,"
                " skipped = ?, requests = ?, error = ? WHERE id = ? AND finished_at IS NULL",
                (to_text(self._clock()), ok, counts.read, counts.written, counts.failed,
                 counts.skipped, requests, error, run_id),
            )  # fmt: skip
            if changed == 0:
                raise LookupError(f"run {run_id} does not exist or has already finished")
            return await self.get(run_id)

    async def get(self, run_id: int) -> Run:
        row = await self._db.fetch_one("SELECT * FROM runs WHERE id = ?", (run_id,))
        if row is None:
            raise LookupError(f"run {run_id} does not exist")
        return _run(row)

    async def last_run(self, job: str, *, connection: str = DEFAULT_CONNECTION) -> Run | None:
        row = await self._db.fetch_one(
            "SELECT * FROM runs WHERE connection = ? AND job = ? ORDER BY id DESC LIMIT 1",
            (connection, job),
        )
        return None if row is None else _run(row)

    async def last_runs(self, *, connection: str = DEFAULT_CONNECTION) -> dict[str, Run]:
        """The latest run of every job, for the dashboard."""
        rows = await self._db.fetch_all(
            "SELECT * FROM runs WHERE id IN"
            " (SELECT max(id) FROM runs WHERE connection = ? GROUP BY job) ORDER BY job",
            (connection,),
        )
        return {row["job"]: _run(row) for row in rows}

    async def recent(
        self, limit: int = 50, *, job: str | None = None, connection: str | None = None
    ) -> list[Run]:
        """Newest first; ``None`` filters match every job / connection."""
        rows = await self._db.fetch_all(
            "SELECT * FROM runs WHERE (? IS NULL OR job = ?) AND (? IS NULL OR connection = ?)"
            " ORDER BY id DESC LIMIT ?",
            (job, job, connection, connection, limit),
        )
        return [_run(row) for row in rows]

    async def close_interrupted(self, error: str = "interrupted (tillsync stopped)") -> int:
        """At start-up: mark runs a crash left open as failed; returns how many."""
        async with self._db.transaction():
            return await self._db.execute(
                "UPDATE runs SET finished_at = ?, ok = 0, error = ? WHERE finished_at IS NULL",
                (to_text(self._clock()), error),
            )
