"""Everything a sync job needs, passed in once (never read from globals)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from engine.backends.base import Backend
from engine.events import EventBus
from engine.sync.directions import Directions
from engine.sync.woo_fields import CatalogPreferences
from engine.woo import WooClient

if TYPE_CHECKING:
    from engine.store import StateStore

__all__ = ["SyncContext"]


@dataclass(frozen=True)
class SyncContext:
    """One connection pair (a WooCommerce store and its back office) and its tools.

    ``directions`` says which jobs pull, push or both (checked against the
    back office's capabilities when the connection is built).
    ``write_concurrency`` caps how many WooCommerce batch requests are in
    flight; the WooCommerce client's adaptive limiter may allow fewer when
    the host pushes back.
    """

    connection: str
    store: StateStore
    woo: WooClient
    backend: Backend
    bus: EventBus
    prefs: CatalogPreferences = field(default_factory=CatalogPreferences)
    stock_location_id: str | None = None
    write_concurrency: int = 4
    # which way each entity flows (default: pull products/categories/stock, push customers)
    directions: Directions = field(default_factory=Directions)

    def requests_made(self) -> int:
        """WooCommerce plus back-office requests so far (for the run row)."""
        return self.woo.stats.total + self.backend.stats.total
