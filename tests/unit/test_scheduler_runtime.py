"""The asyncio Scheduler driven through virtual time.

time-machine freezes the wall clock (the scheduler reads the real
``datetime.now``); ``VirtualTime.sleep`` replaces asyncio.sleep for the
scheduler and for jobs that "take" time, and ``run_until`` moves the clock
from one sleeper's deadline to the next, like a real day compressed into
milliseconds.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine

from engine.scheduler import (
    InMemoryScheduleStateStore,
    IntervalSchedule,
    JobRun,
    QuietSchedule,
    RunRequest,
    Schedule,
    Scheduler,
    ScheduleState,
    ScheduleStateStore,
    Trigger,
    parse_quiet_hours,
    parse_schedule,
)

BRATISLAVA = ZoneInfo("Europe/Bratislava")
START = datetime(2024, 5, 1, 10, 0, 30, tzinfo=UTC)


class VirtualTime:
    """A controllable clock: sleepers wake only when the test moves time."""

    def __init__(self, traveller: time_machine.Coordinates) -> None:
        self._traveller = traveller
        self._sleepers: list[tuple[datetime, asyncio.Future[None]]] = []

    def now(self) -> datetime:
        return datetime.now(UTC)

    async def sleep(self, seconds: float) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        entry = (self.now() + timedelta(seconds=seconds), future)
        self._sleepers.append(entry)
        try:
            await future
        finally:
            self._sleepers.remove(entry)

    async def settle(self) -> None:
        for _ in range(30):
            await asyncio.sleep(0)

    async def run_until(self, target: datetime) -> None:
        """Advance to ``target``, waking every sleeper at its own deadline on the way."""
        while True:
            await self.settle()
            deadlines = [d for d, f in self._sleepers if not f.done() and d <= target]
            moment = min(deadlines, default=target)
            self._traveller.move_to(max(moment, self.now()))
            for deadline, future in list(self._sleepers):
                if deadline <= self.now() and not future.done():
                    future.set_result(None)
            if not deadlines:
                await self.settle()
                return

    async def run_for(self, delta: timedelta) -> None:
        await self.run_until(self.now() + delta)


@pytest.fixture
def vt() -> Iterator[VirtualTime]:
    with time_machine.travel(START, tick=False) as traveller:
        yield VirtualTime(traveller)


class Recorder:
    """A job that records its runs, optionally taking virtual time or failing."""

    def __init__(self, vt: VirtualTime, takes: timedelta = timedelta(0)) -> None:
        self.vt = vt
        self.takes = takes
        self.runs: list[JobRun] = []
        self.active = 0
        self.max_active = 0
        self.fail_with: Exception | None = None
        self.gate: asyncio.Event | None = None

    async def __call__(self, run: JobRun) -> None:
        self.runs.append(run)
        self.active += 1
        self.max_active = max(self.max_active, self.active)
        try:
            if self.gate is not None:
                await self.gate.wait()
            if self.takes:
                await self.vt.sleep(self.takes.total_seconds())
            if self.fail_with is not None:
                raise self.fail_with
        finally:
            self.active -= 1

    @property
    def started(self) -> list[datetime]:
        return [run.started_at for run in self.runs]


def make(
    vt: VirtualTime,
    jobs: dict[str, tuple[Schedule, Recorder]],
    store: ScheduleStateStore | None = None,
    **kwargs: object,
) -> Scheduler:
    return Scheduler(
        jobs,
        store if store is not None else InMemoryScheduleStateStore(),
        connection="shop1",
        clock=vt.now,
        sleep=vt.sleep,
        **kwargs,
    )


@pytest.fixture
async def running() -> AsyncIterator[list[Scheduler]]:
    """Schedulers a test started; stopped at the end even if the test failed."""
    started: list[Scheduler] = []
    yield started
    for scheduler in started:
        await scheduler.stop(timeout=1)


def every(text: str) -> Schedule:
    return parse_schedule(text, BRATISLAVA, allow_fast=True)


async def test_interval_job_fires_on_its_aligned_slots(vt: VirtualTime, running: list) -> None:
    job = Recorder(vt)
    scheduler = make(vt, {"stock": (every("every 10 minutes"), job)})
    running.append(scheduler)
    await scheduler.start()
    await vt.run_until(datetime(2024, 5, 1, 10, 35, tzinfo=UTC))
    assert job.started == [datetime(2024, 5, 1, 10, m, tzinfo=UTC) for m in (10, 20, 30)]
    assert {run.trigger for run in job.runs} == {Trigger.SCHEDULE}
    assert scheduler.status()["stock"].next_fire == datetime(2024, 5, 1, 10, 40, tzinfo=UTC)


async def test_a_job_never_overlaps_itself(vt: VirtualTime, running: list) -> None:
    slow = Recorder(vt, takes=timedelta(minutes=25))
    scheduler = make(vt, {"catalog": (every("every 10 minutes"), slow)})
    running.append(scheduler)
    await scheduler.start()
    await vt.run_until(datetime(2024, 5, 1, 11, 30, tzinfo=UTC))
    assert slow.max_active == 1
    # 10:10 runs until 10:35; the 10:20 and 10:30 slots are skipped, not stacked
    assert slow.started == [
        datetime(2024, 5, 1, 10, 10, tzinfo=UTC),
        datetime(2024, 5, 1, 10, 40, tzinfo=UTC),
        datetime(2024, 5, 1, 11, 10, tzinfo=UTC),
    ]


async def test_manual_trigger_while_running_is_queued_once(vt: VirtualTime, running: list) -> None:
    job = Recorder(vt)
    job.gate = asyncio.Event()
    scheduler = make(vt, {"orders_poll": (every("every 5 minutes"), job)})
    running.append(scheduler)
    await scheduler.start()
    assert scheduler.run_now("orders_poll") is RunRequest.STARTED
    await vt.settle()
    assert scheduler.status()["orders_poll"].running
    answers = [scheduler.run_now("orders_poll") for _ in range(3)]
    assert answers == [RunRequest.QUEUED, RunRequest.ALREADY_QUEUED, RunRequest.ALREADY_QUEUED]
    assert scheduler.status()["orders_poll"].queued
    job.gate.set()
    await vt.settle()
    assert [run.trigger for run in job.runs] == [Trigger.MANUAL, Trigger.MANUAL]
    assert job.max_active == 1
    assert not scheduler.status()["orders_poll"].queued


async def test_manual_run_keeps_the_next_scheduled_fire(vt: VirtualTime, running: list) -> None:
    job = Recorder(vt)
    scheduler = make(vt, {"catalog": (every("every 10 minutes"), job)})
    running.append(scheduler)
    await scheduler.start()
    scheduler.run_now("catalog")
    await vt.run_until(datetime(2024, 5, 1, 10, 15, tzinfo=UTC))
    assert job.started == [START, datetime(2024, 5, 1, 10, 10, tzinfo=UTC)]
    assert [run.trigger for run in job.runs] == [Trigger.MANUAL, Trigger.SCHEDULE]


async def test_missed_runs_are_caught_up_once(vt: VirtualTime, running: list) -> None:
    three_days_ago = START - timedelta(days=3)
    store = InMemoryScheduleStateStore(
        {("shop1", "stock"): ScheduleState(three_days_ago, three_days_ago - timedelta(minutes=3))}
    )
    job = Recorder(vt)
    scheduler = make(vt, {"stock": (every("every 3 minutes"), job)}, store)
    running.append(scheduler)
    assert scheduler.status()["stock"].next_fire is None  # not started: nothing loaded yet
    await scheduler.start()
    assert scheduler.status()["stock"].catch_up
    await vt.run_until(START + timedelta(minutes=1))
    assert [(run.trigger, run.started_at) for run in job.runs] == [(Trigger.CATCH_UP, START)]
    assert store.states[("shop1", "stock")] == ScheduleState(
        datetime(2024, 5, 1, 10, 3, tzinfo=UTC), START
    )


async def test_a_fresh_install_waits_for_the_first_slot(vt: VirtualTime, running: list) -> None:
    store = InMemoryScheduleStateStore()
    job = Recorder(vt)
    scheduler = make(vt, {"reconcile": (parse_schedule("daily at 03:00", BRATISLAVA), job)}, store)
    running.append(scheduler)
    await scheduler.start()
    await vt.settle()
    assert job.runs == []
    tomorrow_3am = datetime(2024, 5, 2, 3, 0, tzinfo=BRATISLAVA)
    assert store.states[("shop1", "reconcile")] == ScheduleState(tomorrow_3am, None)
    assert scheduler.next_fires("reconcile", 2) == (tomorrow_3am, tomorrow_3am + timedelta(days=1))


async def test_a_failing_job_is_reported_and_the_scheduler_goes_on(
    vt: VirtualTime, running: list
) -> None:
    failing, healthy = Recorder(vt), Recorder(vt)
    failing.fail_with = RuntimeError("KORONA said no")
    reported: list[tuple[str, str]] = []
    scheduler = make(
        vt,
        {
            "catalog": (every("every 10 minutes"), failing),
            "stock": (every("every 5 minutes"), healthy),
        },
        on_error=lambda run, error: reported.append((run.job, str(error))),
    )
    running.append(scheduler)
    await scheduler.start()
    await vt.run_until(datetime(2024, 5, 1, 10, 24, tzinfo=UTC))
    assert len(failing.runs) == 2 and len(healthy.runs) == 4
    assert reported == [("catalog", "KORONA said no")] * 2
    assert scheduler.status()["catalog"].last_error == "RuntimeError: KORONA said no"
    failing.fail_with = None
    await vt.run_until(datetime(2024, 5, 1, 10, 35, tzinfo=UTC))
    assert scheduler.status()["catalog"].last_error is None


async def test_a_broken_error_callback_does_not_kill_the_scheduler(
    vt: VirtualTime, running: list
) -> None:
    job = Recorder(vt)
    job.fail_with = ValueError("bad item")

    def explode(run: JobRun, error: Exception) -> None:
        raise RuntimeError("callback bug")

    scheduler = make(vt, {"stock": (every("every 5 minutes"), job)}, on_error=explode)
    running.append(scheduler)
    await scheduler.start()
    await vt.run_until(datetime(2024, 5, 1, 10, 16, tzinfo=UTC))
    assert len(job.runs) == 3


async def test_stop_waits_for_the_running_job(vt: VirtualTime) -> None:
    job = Recorder(vt)
    job.gate = asyncio.Event()
    store = InMemoryScheduleStateStore()
    scheduler = make(vt, {"catalog": (every("every 10 minutes"), job)}, store)
    await scheduler.start()
    scheduler.run_now("catalog")
    await vt.settle()
    stopping = asyncio.create_task(scheduler.stop(timeout=5))
    await vt.settle()
    assert not stopping.done()
    assert scheduler.run_now("catalog") is RunRequest.REFUSED
    job.gate.set()
    assert await stopping is True
    assert store.states[("shop1", "catalog")].last_fire == START


async def test_stop_timeout_cancels_without_advancing_the_fire(vt: VirtualTime) -> None:
    job = Recorder(vt)
    job.gate = asyncio.Event()  # never set: the job hangs
    store = InMemoryScheduleStateStore()
    scheduler = make(vt, {"catalog": (every("every 10 minutes"), job)}, store)
    await scheduler.start()
    await vt.run_until(datetime(2024, 5, 1, 10, 11, tzinfo=UTC))
    assert job.active == 1
    assert await scheduler.stop(timeout=0.05) is False
    assert job.active == 0
    # the interrupted 10:10 run is still "next": the next start catches it up
    assert store.states[("shop1", "catalog")].next_fire == datetime(2024, 5, 1, 10, 10, tzinfo=UTC)


async def test_daily_0230_across_spring_forward_and_fall_back(vt: VirtualTime) -> None:
    for eve, expected in [
        (
            datetime(2024, 3, 29, 12, tzinfo=BRATISLAVA),
            ["02:30+01:00", "03:00+02:00", "02:30+02:00"],
        ),
        (
            datetime(2024, 10, 25, 12, tzinfo=BRATISLAVA),
            ["02:30+02:00", "02:30+02:00", "02:30+01:00"],
        ),
    ]:
        vt._traveller.move_to(eve)
        job = Recorder(vt)
        daily = parse_schedule("daily at 02:30", BRATISLAVA)
        scheduler = make(vt, {"reconcile": (daily, job)}, max_nap=3600.0)
        await scheduler.start()
        await vt.run_until(eve + timedelta(days=3))
        await scheduler.stop(timeout=1)
        assert [
            t.astimezone(BRATISLAVA).isoformat("T", "minutes")[11:] for t in job.started
        ] == expected


async def test_heavy_job_waits_for_the_end_of_quiet_hours(vt: VirtualTime, running: list) -> None:
    quiet = parse_quiet_hours("01:00-05:00", BRATISLAVA)
    heavy = QuietSchedule(parse_schedule("daily at 03:00", BRATISLAVA), quiet)
    vt._traveller.move_to(datetime(2024, 5, 2, 2, 0, tzinfo=BRATISLAVA))
    missed = datetime(2024, 5, 1, 5, 0, tzinfo=BRATISLAVA)
    store = InMemoryScheduleStateStore({("shop1", "reconcile"): ScheduleState(missed, None)})
    job = Recorder(vt)
    scheduler = make(vt, {"reconcile": (heavy, job)}, store)
    running.append(scheduler)
    await scheduler.start()  # a catch-up inside quiet hours waits as well
    await vt.run_until(datetime(2024, 5, 3, 12, 0, tzinfo=BRATISLAVA))
    assert [(r.trigger, r.started_at.astimezone(BRATISLAVA).hour) for r in job.runs] == [
        (Trigger.CATCH_UP, 5),
        (Trigger.SCHEDULE, 5),
    ]


async def test_a_failing_state_store_is_survived(vt: VirtualTime, running: list) -> None:
    class BrokenStore(InMemoryScheduleStateStore):
        async def load(self, connection: str, job: str) -> ScheduleState:
            raise OSError("database is locked")

    job = Recorder(vt)
    scheduler = make(vt, {"stock": (every("every 3 minutes"), job)}, BrokenStore())
    running.append(scheduler)
    await scheduler.start()
    await vt.run_until(datetime(2024, 5, 1, 10, 7, tzinfo=UTC))
    assert len(job.runs) == 2


async def test_unknown_job_names_the_known_ones(vt: VirtualTime) -> None:
    scheduler = make(vt, {"stock": (every("every 3 minutes"), Recorder(vt))})
    with pytest.raises(KeyError, match="jobs: stock"):
        scheduler.run_now("stonk")


async def test_status_callback_follows_a_run(vt: VirtualTime, running: list) -> None:
    seen: list[tuple[bool, bool]] = []
    job = Recorder(vt)
    scheduler = make(
        vt,
        {"stock": (every("every 3 minutes"), job)},
        on_status=lambda status: seen.append((status.running, status.queued)),
    )
    running.append(scheduler)
    await scheduler.start()
    scheduler.run_now("stock")
    await vt.settle()
    assert seen == [(False, True), (True, False), (False, False)]


async def test_fire_times_survive_a_restart_in_the_real_state_store(
    vt: VirtualTime, tmp_path: Path
) -> None:
    from engine.scheduler import ScheduleTableState
    from engine.store import StateStore

    store = await StateStore.open(tmp_path / "state.db", synchronous="NORMAL")
    try:
        job = Recorder(vt)
        state = ScheduleTableState(store.schedule)
        first = make(vt, {"stock": (every("every 3 minutes"), job)}, state)
        await first.start()
        await vt.run_until(datetime(2024, 5, 1, 10, 4, tzinfo=UTC))
        await first.stop(timeout=1)
        assert job.started == [datetime(2024, 5, 1, 10, 3, tzinfo=UTC)]
        assert await state.load("shop1", "stock") == (
            datetime(2024, 5, 1, 10, 6, tzinfo=UTC),
            datetime(2024, 5, 1, 10, 3, tzinfo=UTC),
        )
        vt._traveller.move_to(datetime(2024, 5, 1, 14, 0, tzinfo=UTC))  # four hours down
        second = make(vt, {"stock": (every("every 3 minutes"), job)}, state)
        await second.start()
        await vt.run_until(datetime(2024, 5, 1, 14, 1, tzinfo=UTC))
        await second.stop(timeout=1)
        assert [r.trigger for r in job.runs] == [Trigger.SCHEDULE, Trigger.CATCH_UP]
    finally:
        await store.close()


async def test_a_schedule_that_breaks_parks_its_job(vt: VirtualTime, running: list) -> None:
    class Flaky(IntervalSchedule):
        def next_after(self, moment: datetime) -> datetime:
            if moment >= datetime(2024, 5, 1, 10, 5, tzinfo=UTC):
                raise RuntimeError("no next fire")
            return super().next_after(moment)

    job = Recorder(vt)
    reported: list[str] = []
    scheduler = make(
        vt,
        {"stock": (Flaky(timedelta(minutes=5), text="flaky"), job)},
        on_error=lambda run, error: reported.append(str(error)),
    )
    running.append(scheduler)
    await scheduler.start()
    await vt.run_until(datetime(2024, 5, 1, 10, 30, tzinfo=UTC))
    assert job.started == [datetime(2024, 5, 1, 10, 5, tzinfo=UTC)]
    assert reported == ["no next fire"]
    assert scheduler.status()["stock"].next_fire is None
    assert scheduler.run_now("stock") is RunRequest.STARTED
