"""The admin's tools behind ``tillsync full-sync``, ``fix-sku`` and ``test-tools``.

Each is a function of the engine (its first parameter), so a command
attached to a running service has the service run it (see
docs/control-socket.md), and each answers a typed, frozen record the
command prints.  The work itself lives in the engine: the full sync in
:mod:`engine.sync.full_sync`, the test-mode tools in
:mod:`engine.runtime.test_tools`, Fix SKU in the back office's
``Backend.sku_tool`` (a back office that takes any SKU has none).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from engine.backends.budget import RequestBudget
from engine.errors import ConfigError
from engine.runtime import test_tools
from engine.sync.full_sync import FullSync

if TYPE_CHECKING:
    from engine.runtime.engine import Engine

__all__ = [
    "FullSyncOutcome",
    "SkuFixOutcome",
    "clear_all",
    "fix_sku",
    "full_sync",
    "reset_order_timestamp",
]


@dataclass(frozen=True)
class FullSyncOutcome:
    """What a full sync did: steps done, items set aside, steps failed (``<step>: <why>``)."""

    connection: str
    budget: RequestBudget | None
    done: tuple[str, ...]
    set_aside: tuple[str, ...]
    failed: tuple[str, ...]
    stopped_at: str | None


@dataclass(frozen=True)
class SkuFixOutcome:
    """The dry run's diff (``#id: old → new``) and, when applied, how many were written."""

    connection: str
    diff: tuple[str, ...]
    applied: int | None = None


async def full_sync(
    engine: Engine, connection: str | None = None, ignore_errors: bool = False
) -> FullSyncOutcome:
    """Catalog, coupons, stock and orders in order, after the request-quota check."""
    conn = engine.connection(connection)
    report = await FullSync(conn.ctx).run(ignore_errors=ignore_errors)
    return FullSyncOutcome(
        conn.name,
        report.budget,
        tuple(report.done),
        tuple(report.set_aside),
        tuple(report.failed),
        report.stopped_at,
    )


async def fix_sku(
    engine: Engine, connection: str | None = None, prefix: str = "SKU-", apply: bool = False
) -> SkuFixOutcome:
    """Always the dry run first; with ``apply`` its own plan is then written, nothing else."""
    conn = engine.connection(connection)
    tool = conn.backend.sku_tool(conn.woo, prefix)
    if tool is None:
        raise ConfigError(
            f"{conn.name}: {conn.backend.name} accepts any SKU; there is nothing to fix",
        )
    plan = await tool.preview()
    diff = tuple(plan.diff())
    if not apply:
        return SkuFixOutcome(conn.name, diff)
    return SkuFixOutcome(conn.name, diff, len(await tool.apply(plan)))


async def clear_all(engine: Engine, connection: str | None, typed: str) -> test_tools.Cleared:
    """Forget links, cursors and mappings (test mode, typed confirmation; nothing deleted)."""
    conn = engine.connection(connection)
    return await test_tools.clear_all(engine.store, conn.name, conn.backend, typed)


async def reset_order_timestamp(
    engine: Engine, connection: str | None = None, to: datetime | None = None
) -> datetime:
    """The order poll reads orders changed after ``to`` (default now); test mode only."""
    conn = engine.connection(connection)
    return await test_tools.reset_order_timestamp(engine.store, conn.name, conn.backend, to)
