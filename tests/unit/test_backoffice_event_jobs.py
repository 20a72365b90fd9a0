"""A kept back-office event starts the jobs it asks for; a job that can't start
never turns the kept event into an error (the back office would resend it, and a
queue like Sitoo's Events SPI would stall behind it)."""

from __future__ import annotations

from engine.backends.records import BackofficeEvent
from engine.errors import ConfigError
from engine.runtime.order_services import keep_then_run


async def _keep(event: BackofficeEvent) -> str:
    return "recorded"


async def test_jobs_start_after_the_event_is_kept() -> None:
    started: list[tuple[str, str]] = []
    intake = keep_then_run(_keep, "shop1", lambda job, c: started.append((job, c)))
    assert await intake(BackofficeEvent("x", jobs=("stock", "orders_poll"))) == "recorded"
    assert started == [("stock", "shop1"), ("orders_poll", "shop1")]


async def test_a_job_that_cannot_start_does_not_fail_the_event() -> None:
    def refuse(job: str, connection: str) -> None:
        if job == "stock":
            raise KeyError("no job 'stock' on 'shop1'")
        raise ConfigError("the engine is not running its schedules")

    intake = keep_then_run(_keep, "shop1", refuse)
    assert await intake(BackofficeEvent("x", jobs=("stock", "orders_poll"))) == "recorded"
