"""One run of one job: its row in the store, its counters and its events.

Every job wraps its work in ``async with JobRun(...) as run``: the run row is
opened before anything happens and closed with the counts afterwards (ok or
not), and the dashboard hears about it through the event bus.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, replace
from types import TracebackType

from engine.errors import TillsyncError
from engine.events import (
    EngineEvent,
    ItemSkipped,
    JobFinished,
    JobProgress,
    JobStarted,
    Level,
    LogEvent,
)
from engine.store.runs import RunCounts
from engine.sync.context import SyncContext

__all__ = ["JobRun", "RunTotals"]

log = logging.getLogger(__name__)


@dataclass
class RunTotals:
    read: int = 0
    written: int = 0
    failed: int = 0
    skipped: int = 0
    unchanged: int = 0

    def counts(self) -> RunCounts:
        return RunCounts(self.read, self.written, self.failed, self.skipped)


class JobRun:
    def __init__(self, ctx: SyncContext, job: str, *, full: bool, dry_run: bool) -> None:
        self.ctx = ctx
        self.job = job
        self.full = full
        self.dry_run = dry_run
        self.totals = RunTotals()
        self.run_id = 0
        self.duration_s = 0.0
        self._started = 0.0
        self._requests_at_start = 0

    async def __aenter__(self) -> JobRun:
        store = self.ctx.store
        self.run_id = await store.runs.start_run(
            self.job, connection=self.ctx.connection, full=self.full, dry_run=self.dry_run
        )
        self._started = time.perf_counter()
        self._requests_at_start = self.ctx.requests_made()
        self._publish(JobStarted(run_id=self.run_id, full=self.full, dry_run=self.dry_run))
        return self

    @property
    def requests(self) -> int:
        return self.ctx.requests_made() - self._requests_at_start

    def progress(self, done: int, total: int | None = None) -> None:
        t = self.totals
        self._publish(
            JobProgress(
                run_id=self.run_id, done=done, total=total,
                read=t.read, written=t.written, failed=t.failed,
            )
        )  # fmt: skip

    def note(self, text: str, *, level: Level = Level.INFO, entity: str = "") -> None:
        log.log(logging.getLevelName(level.value.upper()), "%s: %s", self.job, text)
        self._publish(LogEvent(text=text, level=level, entity=entity))

    async def skip(self, entity: str, key: str, reason: str) -> None:
        """Set one item aside with a reason; the rest of the run goes on."""
        self.totals.skipped += 1
        # INFO, not WARNING: one line per item would bury a terminal (288 products with
        # one unmapped tax code); the summary groups them and the event log keeps each
        log.info("%s: skipped %s %s: %s", self.job, entity, key, reason)
        if not self.dry_run:
            await self.ctx.store.skipped.record(entity, key, reason, connection=self.ctx.connection)
        self._publish(ItemSkipped(entity=entity, key=key, reason=reason))

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.duration_s = time.perf_counter() - self._started
        # the event log says what the exit code says: items not written are a failure
        ok = exc is None and self.totals.failed == 0
        error = _describe(exc) if exc is not None else _not_written(self.totals.failed)
        await self.ctx.store.runs.finish_run(
            self.run_id, ok=ok, counts=self.totals.counts(), requests=self.requests, error=error
        )
        t = self.totals
        self._publish(
            JobFinished(
                run_id=self.run_id, ok=ok, duration_s=self.duration_s, read=t.read,
                written=t.written, failed=t.failed, skipped=t.skipped,
                requests=self.requests, error=error,
                level=Level.INFO if ok else Level.ERROR if exc is not None else Level.WARNING,
            )
        )  # fmt: skip

    def _publish(self, event: EngineEvent) -> None:
        self.ctx.bus.publish(replace(event, job=self.job, connection=self.ctx.connection))


def _not_written(failed: int) -> str:
    return f"{failed} item(s) not written yet; retried next run" if failed else ""


def _describe(exc: BaseException | None) -> str:
    if isinstance(exc, TillsyncError):
        return f"{exc.kind.value}: {exc.message}"
    return f"{type(exc).__name__}: {exc}" if exc else ""
