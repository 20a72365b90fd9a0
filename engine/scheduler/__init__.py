"""Job schedules (interval, daily, cron; DST-aware) and the asyncio scheduler.

Typical use (one scheduler per connection)::

    schedules = config.job_schedules("shop1")          # {job: Schedule}
    scheduler = Scheduler(
        {job: (schedules[job], run_catalog) for ...},
        state=ScheduleTableState(store.schedule),       # any ScheduleStateStore
        connection="shop1",
        on_error=report,
    )
    await scheduler.start()
    scheduler.run_now("catalog")
    await scheduler.stop(timeout=30)
"""

from engine.scheduler.parse import (
    MIN_PERIOD,
    SCHEDULE_EXAMPLES,
    ScheduleError,
    check_min_period,
    parse_quiet_hours,
    parse_schedule,
    parse_time_of_day,
)
from engine.scheduler.quiet import QuietHours, QuietSchedule
from engine.scheduler.runtime import Clock, JobFunc, Scheduler, Sleep, utc_now
from engine.scheduler.schedule import (
    CronSchedule,
    DailySchedule,
    DisabledSchedule,
    IntervalSchedule,
    Schedule,
)
from engine.scheduler.state import (
    InMemoryScheduleStateStore,
    ScheduleState,
    ScheduleStateStore,
    ScheduleTable,
    ScheduleTableState,
)
from engine.scheduler.status import JobRun, JobStatus, RunRequest, Trigger

__all__ = [
    "MIN_PERIOD",
    "SCHEDULE_EXAMPLES",
    "Clock",
    "CronSchedule",
    "DailySchedule",
    "DisabledSchedule",
    "InMemoryScheduleStateStore",
    "IntervalSchedule",
    "JobFunc",
    "JobRun",
    "JobStatus",
    "QuietHours",
    "QuietSchedule",
    "RunRequest",
    "Schedule",
    "ScheduleError",
    "ScheduleState",
    "ScheduleStateStore",
    "ScheduleTable",
    "ScheduleTableState",
    "Scheduler",
    "Sleep",
    "Trigger",
    "check_min_period",
    "parse_quiet_hours",
    "parse_schedule",
    "parse_time_of_day",
    "utc_now",
]
