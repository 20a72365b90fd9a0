"""How ``tillsync sync`` shows a run: a live progress bar, then a summary table.

The bar follows the engine's ``JobProgress`` events (it never asks the job
anything) and is drawn only on a terminal; piped or under cron, the output
is the summary alone.  Progress goes to stderr, results to stdout, so
``tillsync sync catalog --dry-run > plan.txt`` captures just the plan.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import Iterable
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from engine.runtime import JobProgress, Subscription

__all__ = ["ProgressDisplay", "render_summary", "reports_of"]

_COLUMNS = ("read", "written", "failed", "skipped", "unchanged", "requests", "duration")


class ProgressDisplay:
    """A rich progress bar fed by a bus subscription (a no-op when not on a terminal)."""

    def __init__(
        self, job: str, *, enabled: bool | None = None, only: tuple[str, str] | None = None
    ) -> None:
        self.job = job
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self.only = only  # (connection, job): sent to a service that runs other jobs too
        self._progress: Progress | None = None
        self._task_id: Any = None

    async def follow(self, events: Subscription) -> None:
        if not self.enabled:
            return
        self._start()
        async for event in events:
            if isinstance(event, JobProgress) and self._ours(event):
                self._update(event)

    def _ours(self, event: JobProgress) -> bool:
        return self.only is None or (event.connection, event.job) == self.only

    def _start(self) -> None:
        self._progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("written {task.fields[written]}  failed {task.fields[failed]}"),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self._task_id = self._progress.add_task(self.job, total=None, written=0, failed=0)
        self._progress.start()

    def _update(self, event: JobProgress) -> None:
        if self._progress is None:
            return
        self._progress.update(
            self._task_id,
            description=event.job or self.job,
            completed=event.done,
            total=event.total,
            written=event.written,
            failed=event.failed,
        )

    def stop(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None


def reports_of(result: Any) -> list[Any]:
    """A job returns one report, or a tuple of them (reconcile: catalog then stock)."""
    if isinstance(result, tuple | list):
        return [item for item in result if item is not None]
    return [] if result is None else [result]


def _row(name: str, report: Any) -> list[str]:
    totals = getattr(report, "totals", None)
    counts = [str(getattr(totals, field, "")) for field in _COLUMNS[:5]]
    requests = str(getattr(report, "requests", ""))
    duration = getattr(report, "duration_s", None)
    return [name, *counts, requests, f"{duration:.1f} s" if duration is not None else ""]


def render_summary(
    job: str, reports: Iterable[Any], *, dry_run: bool = False, console: Console | None = None
) -> None:
    """One table row per report; a report without totals is printed as it describes itself."""
    console = console or Console(file=sys.stdout, width=None if sys.stdout.isatty() else 100)
    title = f"{job} summary" + (" (dry run: nothing written)" if dry_run else "")
    table = Table(title=title, title_justify="left")
    table.add_column("job")
    for column in _COLUMNS:
        table.add_column(column, justify="right")
    for report in reports:
        if getattr(report, "totals", None) is None:
            describe = getattr(report, "describe", None)
            console.print(describe() if callable(describe) else str(report), markup=False)
            continue
        name = getattr(report, "job", None) or type(report).__name__.removesuffix("Report").lower()
        table.add_row(*_row(name, report))
    if table.row_count:
        console.print(table)


async def stop_progress(display: ProgressDisplay, follower: asyncio.Task[None]) -> None:
    follower.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await follower
    display.stop()
