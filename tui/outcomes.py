"""Toasts for orders the admin sent again: how a retry or a release ended.

WHY apart from the screens: a retry starts on Orders or from the palette, a
release on Mappings or from the palette; the answer comes seconds later,
when the worker has booked (or not), and must reach the admin wherever the
console is by then.  The engine waits and explains
(:func:`~engine.runtime.views.retry_and_watch`); this only shows it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.runtime import TillsyncError
from engine.runtime.views import release_and_watch, watch_retry

if TYPE_CHECKING:
    from tui.app import TillsyncApp

__all__ = ["report_release", "report_retry"]


async def report_retry(app: TillsyncApp, woo_order_id: int) -> None:
    """Retry one order; a toast says it booked, or failed again and why."""
    try:
        await app.call(app.engine.orders_retry(woo_order_id, app.connection))
    except TillsyncError as error:
        app.notify(error.message, title=f"Could not retry #{woo_order_id}", severity="error")
        return
    app.run_worker(_watch(app, woo_order_id), group="order-outcome")


async def _watch(app: TillsyncApp, woo_order_id: int) -> None:
    outcome = await app.call(watch_retry(app.engine, app.connection, woo_order_id))
    severity = "information" if outcome.booked or not outcome.settled else "error"
    app.notify(outcome.describe(), title=f"Retry of #{woo_order_id}", severity=severity)


async def report_release(app: TillsyncApp) -> None:
    """Release the held orders; a toast gives the outcome ("3 released: 2 booked, …")."""
    try:
        summary = await app.call(release_and_watch(app.engine, app.connection))
    except TillsyncError as error:
        app.notify(error.message, title="Could not release", severity="error")
        return
    failed = any(not o.booked and o.settled for o in summary.outcomes)
    app.notify(summary.describe(), title="Release", severity="warning" if failed else "information")
