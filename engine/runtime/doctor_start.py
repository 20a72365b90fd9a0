"""``doctor``'s line about the orders' start point (orders before it are never booked)."""

from __future__ import annotations

from engine.runtime.connection import ConnectionRuntime
from engine.runtime.doctor import CheckStatus, DoctorCheck
from engine.sync.orders.start_point import StartPoint

__all__ = ["check_start_point"]


async def check_start_point(conn: ConnectionRuntime) -> DoctorCheck:
    """Say where booking starts; nothing is wrong either way, so it never fails."""
    if conn.worker is None:
        return DoctorCheck(
            "orders start point", CheckStatus.OK, "no orders booked here", "", conn.name
        )
    configured = conn.config.orders.since
    recorded = await StartPoint(conn.ctx.store, conn.name).since()
    since = configured or recorded
    if since is None:
        message = "set at the first start (now): orders created before it are never booked"
    else:
        origin = "orders.since in the config" if configured else "recorded at the first start"
        message = (
            f"{since:%Y-%m-%d %H:%M} UTC ({origin}); older orders are never booked "
            "(`tillsync orders backfill --since DATE` books them)"
        )
    hint = "Book older orders on purpose with `tillsync orders backfill --since DATE`."
    return DoctorCheck("orders start point", CheckStatus.OK, message, hint, conn.name)
