"""The Orders screen's Drafts tab: orders kept as drafts because stock was short.

Shown only where the connection's back office keeps such drafts (its
capabilities say so, through :func:`console_offers`; no back office is
named here).  The list is asked of the back office each time the tab is
shown or reloaded (the drafts live there, not in the state database); ``f``
makes the highlighted draft final and ``F`` every draft whose stock is back.
Both are one Engine call (``finalise_drafts``), so an attached console has
the service do it; a toast says which were made final, or that the stock is
still short.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.widgets import Tab, Tabs

from engine.runtime import TillsyncError
from engine.runtime.views import console_offers
from engine.runtime.views_drafts import list_drafts
from tui.widgets.draft_table import DraftTable
from tui.widgets.order_detail import OrderDetailPane
from tui.widgets.order_table import OrderTable

if TYPE_CHECKING:
    from tui.screens.orders import OrdersScreen

__all__ = ["DRAFTS", "DraftsTab"]

DRAFTS = "drafts"  # the tab's state name
_TAB = f"tab-{DRAFTS}"


class DraftsTab:
    """Mixed into :class:`~tui.screens.orders.OrdersScreen` (which provides the rest)."""

    async def sync_drafts_tab(self: OrdersScreen) -> None:
        """The tab is there exactly when the connection's back office keeps drafts."""
        tabs = self.query_one(Tabs)
        offered = console_offers(self.engine, self.connection).drafts
        present = bool(tabs.query(f"#{_TAB}"))
        if offered and not present:
            await tabs.add_tab(Tab("Drafts", id=_TAB))
        elif present and not offered:
            await tabs.remove_tab(_TAB)
            if self.state == DRAFTS:
                self.state = None
                tabs.active = "tab-all"

    def show_draft_table(self: OrdersScreen, shown: bool) -> None:
        """The drafts table replaces the outbox table and the order's detail."""
        self.query_one(OrderTable).display = not shown
        self.query_one(OrderDetailPane).display = not shown
        drafts = self.query_one(DraftTable)
        drafts.display = shown
        if shown:
            self.detail = None  # no outbox action applies to a draft
            drafts.focus()
            self.refresh_bindings()

    async def load_drafts(self: OrdersScreen) -> None:
        """*Network*: the back office lists its drafts, each saying what is short now."""
        table = self.query_one(DraftTable)
        try:
            drafts = await self.call(list_drafts(self.engine, self.connection))
        except TillsyncError as error:
            self.notify(error.message, title="Could not list the drafts", severity="error")
            return
        self.query_one(f"#{_TAB}", Tab).label = f"Drafts {len(drafts)}"
        table.show(drafts)

    def action_finalise(self: OrdersScreen) -> None:
        chosen = self.query_one(DraftTable).selected
        if chosen is not None:
            self._finalise([chosen.id], f"#{chosen.number}")

    def action_finalise_all(self: OrdersScreen) -> None:
        if self.query_one(DraftTable).row_count:
            self._finalise(None, "")

    @work(exclusive=True, group="orders-action")
    async def _finalise(self: OrdersScreen, ids: list[str] | None, which: str) -> None:
        """One engine call; the toast names the orders made final, or says none could be."""
        try:
            done = await self.call(self.engine.finalise_drafts(ids, self.connection))
        except TillsyncError as error:
            self.notify(error.message, title="Could not finalise", severity="error")
            return
        if done:
            self.notify(f"Made final: {', '.join(done)}.", title="Drafts finalised")
        elif which:
            self.notify(
                f"Draft {which} stays a draft: its stock is still short.", severity="warning"
            )
        else:
            self.notify("No draft has its stock back yet.", severity="warning")
        self._load()
