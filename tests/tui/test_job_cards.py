"""Every dashboard card shows the last run of the job it names (one job name everywhere)."""

from __future__ import annotations

from textual.widgets import Select

from engine.runtime import JOB_NAMES, JOBS
from tests.tui.pilot import settle, until, until_async
from tests.tui.seed import CONNECTION
from tui.widgets.job_card import JobCard


async def test_every_card_shows_its_last_run(make_app) -> None:
    app = make_app(start_engine=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        conn = app.engine.connections[CONNECTION]
        conn.delivery_url = "http://127.0.0.1:9/hooks/shop1"  # webhooks set up: checked too
        jobs = [card.job for card in app.screen.query(JobCard)]
        assert {"orders_poll", "webhook_health"} <= set(jobs)
        for job in jobs:
            await app.call(app.engine.run_job(job, CONNECTION))
        app.screen.reload()

        def all_shown() -> bool:
            cards = list(app.screen.query(JobCard))
            return all(card.view.last_run is not None for card in cards)

        await until(pilot, all_shown, within=10)
        cards = {card.job: card for card in app.screen.query(JobCard)}
        assert cards["orders_poll"].view.state != "never run"
        assert cards["webhook_health"].view.last_run.job == "webhook_health"


async def test_the_logs_job_filter_finds_the_poll(make_app) -> None:
    app = make_app(start_engine=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await app.call(app.engine.run_job("orders_poll", CONNECTION))

        async def filed() -> bool:  # the journal writes events in its own task
            query = app.engine.store.events.query(job="orders_poll", connection=CONNECTION)
            return bool(await app.call(query))

        await until_async(pilot, filed)  # the poll's events are under the name the filter offers


async def test_a_dry_run_is_not_the_catalogs_last_real_run(make_app) -> None:
    app = make_app()  # no scheduler: no real run in between
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        card = app.screen.query_one("#job-catalog", JobCard)
        real = card.view.last_run
        assert real is not None and not real.dry_run
        await app.call(app.engine.run_job("catalog", CONNECTION, dry_run=True))
        last = await app.call(app.engine.store.runs.last_run("catalog", connection=CONNECTION))
        assert last.dry_run  # the store has the dry run as its newest catalog run
        app.screen.reload()
        await settle(pilot)
        assert card.view.last_run is not None and card.view.last_run.id == real.id


async def test_the_logs_job_filter_offers_every_job_the_engine_records(make_app) -> None:
    """One source of truth: every scheduled job, the order worker, receiver and admin."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        offered = {value for _, value in app.screen.query_one("#log-job", Select)._options}
        assert set(JOBS) | set(JOB_NAMES) <= offered  # every job the scheduler knows
        assert {"orders", "webhooks", "admin"} <= offered
        recorded = await app.call(app.engine.store.events.query(connection=CONNECTION))
        assert {event.job for event in recorded if event.job} <= offered  # the seed's too


async def test_the_reconcile_card_says_how_many_differences_the_last_report_found(
    make_app,
) -> None:
    app = make_app()  # no scheduler: the run below is the card's last run
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        report = await app.call(app.engine.run_job("reconcile", CONNECTION))
        app.screen.reload()
        card = app.screen.query_one("#job-reconcile", JobCard)
        real = len(report.real)
        expected = f"{real} difference{'' if real == 1 else 's'}"
        await until(pilot, lambda: card.view.note == expected, within=10)
        assert expected in str(card.query_one("#job-body").render())
