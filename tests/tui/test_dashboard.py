"""Dashboard: job cards from the store, health from the remote systems, run now."""

from __future__ import annotations

from tests.tui.pilot import settle, until, until_async
from tests.tui.seed import CONNECTION
from tui.widgets.health_panel import HealthPanel
from tui.widgets.job_card import JobCard


async def test_cards_show_the_last_runs_and_a_failed_job(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        cards = {card.job: card for card in app.screen.query(JobCard)}
        assert {"catalog", "stock", "reconcile"} <= set(cards)
        assert cards["catalog"].view.state == "ok"
        assert cards["stock"].view.state == "failed"
        assert cards["reconcile"].view.state == "never run"
        assert cards["stock"].has_class("-failed")


async def test_health_probes_both_sides_over_http(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        panel = app.screen.query_one(HealthPanel)
        assert panel._reach is not None
        assert panel._reach.woo.ok and panel._reach.backoffice.ok
        text = str(panel.render())
        assert "KORONA POS ✓ reachable" in text
        assert "1 held" in text and "1 failed" in text


async def test_run_now_starts_the_job_and_the_card_shows_its_result(make_app) -> None:
    app = make_app(start_engine=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        before = (
            await app.call(app.engine.store.runs.last_run("catalog", connection=CONNECTION))
        ).id
        app.screen.query_one("#job-catalog", JobCard).focus()
        await pilot.press("r")

        async def finished() -> bool:
            run = await app.call(app.engine.store.runs.last_run("catalog", connection=CONNECTION))
            return run.id != before and run.finished_at is not None

        await until_async(pilot, finished)
        run = await app.call(app.engine.store.runs.last_run("catalog", connection=CONNECTION))
        assert run.ok, run.error
        assert run.counts.read == 12  # every KORONA product was read over HTTP
        card = app.screen.query_one("#job-catalog", JobCard)
        await until(
            pilot, lambda: card.view.last_run is not None and card.view.last_run.id == run.id
        )
