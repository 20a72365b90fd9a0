"""Sales a back office keeps as drafts because stock was short, for the admin.

Some back offices save an order whose stock is short as a draft instead of
refusing it (the order is kept, it takes no stock).  The admin lists them and
makes them final once stock is back; the order worker also does that on its
own schedule where the back office says so.  Asked of the back office each
time: the drafts live there, not in the state database.
"""

from __future__ import annotations

from engine.backends import Backend, Capability
from engine.backends.records import DraftSale
from engine.errors import ConfigError
from engine.runtime.engine import Engine

# the console imports the engine through engine.runtime only (pyproject's import contract)
__all__ = ["DraftSale", "finalise_drafts", "list_drafts"]


def _backend(engine: Engine, connection: str | None) -> Backend:
    backend = engine.connection(connection).backend
    if Capability.SALES_DRAFTS not in backend.capabilities:
        raise ConfigError(
            f"{backend.name} keeps no drafts for short stock",
            hint="Only back offices that save such orders as drafts have this list.",
        )
    return backend


async def list_drafts(engine: Engine, connection: str | None = None) -> list[DraftSale]:
    """The connection's drafts kept for short stock, as the back office lists them."""
    return await _backend(engine, connection).list_drafts()


async def finalise_drafts(engine: Engine, connection: str | None = None) -> list[str]:
    """Make final the drafts whose stock is back; the order numbers made final.

    Through the Engine's action (logged as the admin's), which the console
    calls too, attached to the service or not.
    """
    return await engine.finalise_drafts(connection=connection)
