"""The scheduler's public records: what a run is, and what the UI may show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

__all__ = ["JobRun", "JobStatus", "RunRequest", "Trigger"]


class Trigger(StrEnum):
    """Why a run started; jobs may act on it (a manual run can be a full one)."""

    SCHEDULE = "schedule"
    MANUAL = "manual"
    CATCH_UP = "catch_up"  # the run missed while tillsync was down


class RunRequest(StrEnum):
    """The answer to ``Scheduler.run_now``, worded for a status line."""

    STARTED = "started"  # idle: starts right away
    QUEUED = "queued"  # running: one more run follows this one
    ALREADY_QUEUED = "already_queued"  # a run is queued already; no second one
    REFUSED = "refused"  # the scheduler is stopping

    @property
    def message(self) -> str:
        return _MESSAGES[self]


_MESSAGES = {
    RunRequest.STARTED: "started",
    RunRequest.QUEUED: "running now; it will run once more when this run ends",
    RunRequest.ALREADY_QUEUED: "already queued to run again",
    RunRequest.REFUSED: "tillsync is shutting down; not started",
}


@dataclass(frozen=True)
class JobRun:
    """Handed to the job callable: which run this is and why it started."""

    connection: str
    job: str
    trigger: Trigger
    planned_for: datetime  # the fire time (or the request time of a manual run)
    started_at: datetime


@dataclass(frozen=True)
class JobStatus:
    """A snapshot of one job for the dashboard; times are aware UTC."""

    connection: str
    job: str
    schedule: str
    next_fire: datetime | None
    last_fire: datetime | None
    running: bool
    queued: bool
    catch_up: bool  # the next fire is a catch-up of a missed run
    last_error: str | None
