"""The asyncio scheduler: fires jobs on their schedules, one run at a time.

Guarantees, each covered by a test:

* a job never overlaps itself; a fire that comes while it runs is skipped
  (the run that overran its slot already did that work);
* ``run_now`` while the job runs queues exactly one more run, however many
  times it is pressed;
* after downtime a job whose persisted next fire has passed runs once on
  start ("catch-up"), not once per missed slot;
* a job's exception is reported through ``on_error`` and logged; the
  scheduler and the other jobs carry on;
* ``stop`` waits for running jobs (up to a timeout), then cancels them
  without advancing their next fire, so they catch up on the next start.

The loop naps at most ``max_nap`` seconds at a time and re-reads the clock
when it wakes, so a suspended VPS or an NTP step can't make it oversleep.
``clock`` and ``sleep`` are injectable: tests drive virtual time.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime

from engine.scheduler.schedule import Schedule
from engine.scheduler.slot import JobFunc, Slot, as_utc, describe
from engine.scheduler.state import ScheduleState, ScheduleStateStore
from engine.scheduler.status import JobRun, JobStatus, RunRequest, Trigger

__all__ = ["Clock", "JobFunc", "Scheduler", "Sleep", "utc_now"]

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
Sleep = Callable[[float], Awaitable[None]]
ErrorCallback = Callable[[JobRun, Exception], None]
StatusCallback = Callable[[JobStatus], None]


def utc_now() -> datetime:
    return datetime.now(UTC)


class Scheduler:
    """Runs one connection's jobs; see the module docstring for the guarantees."""

    def __init__(
        self,
        jobs: Mapping[str, tuple[Schedule, JobFunc]],
        state: ScheduleStateStore,
        *,
        connection: str = "default",
        clock: Clock = utc_now,
        sleep: Sleep = asyncio.sleep,
        on_error: ErrorCallback | None = None,
        on_status: StatusCallback | None = None,
        max_nap: float = 60.0,
    ) -> None:
        self.connection = connection
        self._slots = {name: Slot(name, sched, func) for name, (sched, func) in jobs.items()}
        self._state = state
        self._clock = clock
        self._sleep = sleep
        self._on_error = on_error
        self._on_status = on_status
        self._max_nap = max_nap
        self._wake = asyncio.Event()
        self._loop_task: asyncio.Task[None] | None = None
        self._stopping = False

    @property
    def started(self) -> bool:
        return self._loop_task is not None and not self._stopping

    async def start(self) -> None:
        """Restore persisted fire times (catching up missed runs) and begin firing."""
        if self._loop_task is not None:
            raise RuntimeError("this scheduler was already started")
        now = self._now()
        for slot in self._slots.values():
            await self._restore(slot, now)
        self._loop_task = asyncio.create_task(self._loop(), name=f"scheduler:{self.connection}")

    def run_now(self, job: str) -> RunRequest:
        """Ask for a run of ``job`` as soon as possible (never two at once)."""
        slot = self._slot(job)
        if self._stopping:
            return RunRequest.REFUSED
        if slot.manual:
            return RunRequest.ALREADY_QUEUED
        slot.manual = True
        self._wake.set()
        self._emit_status(slot)
        if slot.task is not None or self._loop_task is None:
            return RunRequest.QUEUED
        return RunRequest.STARTED

    # A grace period for the jobs, not a deadline for stop(): asyncio.timeout would
    # cancel stop() itself and leave the jobs running.
    async def stop(self, timeout: float = 30.0) -> bool:  # noqa: ASYNC109
        """Stop firing; wait up to ``timeout`` s for running jobs. True if all finished."""
        self._stopping = True
        self._wake.set()
        if self._loop_task is not None:
            await self._loop_task
        running = {slot.task: slot.name for slot in self._slots.values() if slot.task is not None}
        if not running:
            return True
        _, unfinished = await asyncio.wait(running, timeout=timeout)
        for task in unfinished:
            log.warning(
                "stopping: cancelling %s/%s after %.0fs", self.connection, running[task], timeout
            )
            task.cancel()
        await asyncio.gather(*unfinished, return_exceptions=True)
        return not unfinished

    def status(self) -> dict[str, JobStatus]:
        """A snapshot of every job, for the dashboard."""
        return {name: self._status_of(slot) for name, slot in self._slots.items()}

    def next_fires(self, job: str, n: int = 5) -> tuple[datetime, ...]:
        """The next ``n`` scheduled fires of ``job`` (not counting a pending catch-up)."""
        return self._slot(job).schedule.next_fires(self._now(), n)

    async def __aenter__(self) -> Scheduler:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    def _slot(self, job: str) -> Slot:
        try:
            return self._slots[job]
        except KeyError:
            known = ", ".join(sorted(self._slots)) or "none"
            raise KeyError(f"no job {job!r} on {self.connection!r} (jobs: {known})") from None

    def _now(self) -> datetime:
        now = self._clock()
        if now.tzinfo is None:
            raise ValueError("the scheduler's clock must return aware datetimes")
        return now

    async def _restore(self, slot: Slot, now: datetime) -> None:
        """Load the saved fire time; a passed one means a missed run: catch it up once."""
        saved = await self._load(slot)
        slot.last_fire = saved.last_fire
        upcoming = slot.schedule.next_after(now)
        if saved.next_fire is not None and saved.next_fire <= now and upcoming is not None:
            slot.next_fire = slot.schedule.admit(now)
            slot.next_trigger = Trigger.CATCH_UP
            log.info(
                "%s/%s missed its run at %s: catching up",
                self.connection,
                slot.name,
                saved.next_fire.isoformat(),
            )
            return
        if saved.next_fire is not None and upcoming is not None:
            upcoming = min(upcoming, saved.next_fire)  # a schedule made more frequent wins
        slot.next_fire = upcoming
        if upcoming != saved.next_fire:
            await self._save(slot, None)

    async def _load(self, slot: Slot) -> ScheduleState:
        try:
            next_fire, last_fire = await self._state.load(self.connection, slot.name)
        except Exception:
            log.exception("could not load the schedule state of %s/%s", self.connection, slot.name)
            return ScheduleState()
        return ScheduleState(as_utc(next_fire), as_utc(last_fire))

    async def _loop(self) -> None:
        while not self._stopping:
            self._wake.clear()
            now = self._now()
            for slot in self._slots.values():
                self._start_if_due(slot, now)
            await self._nap(self._seconds_to_next_fire(now))

    def _start_if_due(self, slot: Slot, now: datetime) -> None:
        if slot.task is not None:
            return
        trigger = slot.take_due(now)
        if trigger is None:
            return
        planned = now if trigger is Trigger.MANUAL or slot.next_fire is None else slot.next_fire
        run = JobRun(self.connection, slot.name, trigger, planned, now)
        slot.task = asyncio.create_task(
            self._run(slot, run), name=f"job:{self.connection}:{slot.name}"
        )
        self._emit_status(slot)

    def _seconds_to_next_fire(self, now: datetime) -> float:
        waits = [
            (slot.next_fire - now).total_seconds()
            for slot in self._slots.values()
            if slot.task is None and slot.next_fire is not None
        ]
        return min([self._max_nap, *waits]) if waits else self._max_nap

    async def _nap(self, seconds: float) -> None:
        """Sleep until ``seconds`` pass or something wakes the loop, whichever is first."""
        sleeper = asyncio.ensure_future(self._sleep(max(seconds, 0.0)))
        waker = asyncio.ensure_future(self._wake.wait())
        try:
            await asyncio.wait({sleeper, waker}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in (sleeper, waker):
                waiter.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await waiter

    async def _run(self, slot: Slot, run: JobRun) -> None:
        """One run: call the job, report its failure, then plan and persist the next fire."""
        try:
            error = await self._call(slot, run)
            slot.last_error = None if error is None else describe(error)
            self._plan_next(slot, run)
            await self._save(slot, run)
        finally:
            slot.task = None
            self._wake.set()
            self._emit_status(slot)

    async def _call(self, slot: Slot, run: JobRun) -> Exception | None:
        try:
            await slot.func(run)
        except Exception as error:  # a failing job must never take the scheduler down
            log.warning("%s/%s failed: %s", run.connection, run.job, describe(error))
            self._report(run, error)
            return error
        return None

    def _plan_next(self, slot: Slot, run: JobRun) -> None:
        """Keep a still-future fire (after a manual run); otherwise skip past fires.

        A schedule that fails to compute its next fire parks the job (manual
        runs still work) instead of leaving a past fire that would re-fire
        in a tight loop.
        """
        slot.last_fire = run.started_at
        now = self._now()
        if slot.next_fire is not None and slot.next_fire > now:
            return
        slot.next_trigger = Trigger.SCHEDULE
        try:
            slot.next_fire = slot.schedule.next_after(now)
        except Exception as error:
            log.exception("%s/%s: schedule %r failed", run.connection, run.job, slot.schedule.text)
            slot.next_fire, slot.last_error = None, describe(error)
            self._report(run, error)

    async def _save(self, slot: Slot, run: JobRun | None) -> None:
        try:
            await self._state.save(self.connection, slot.name, slot.next_fire, slot.last_fire)
        except Exception as error:
            log.exception("could not save the schedule state of %s/%s", self.connection, slot.name)
            if run is not None:
                self._report(run, error)

    def _report(self, run: JobRun, error: Exception) -> None:
        if self._on_error is None:
            return
        try:
            self._on_error(run, error)
        except Exception:
            log.exception("the scheduler's on_error callback failed")

    def _status_of(self, slot: Slot) -> JobStatus:
        return JobStatus(
            connection=self.connection,
            job=slot.name,
            schedule=slot.schedule.text,
            next_fire=slot.next_fire,
            last_fire=slot.last_fire,
            running=slot.task is not None,
            queued=slot.manual,
            catch_up=slot.next_trigger is Trigger.CATCH_UP,
            last_error=slot.last_error,
        )

    def _emit_status(self, slot: Slot) -> None:
        if self._on_status is None:
            return
        try:
            self._on_status(self._status_of(slot))
        except Exception:
            log.exception("the scheduler's on_status callback failed")
