"""Orders: the failed-order debugger.

Tabs by outbox state (with counts), the orders of that state, and the
highlighted order's detail.  Retry, skip and void are engine calls in an
exclusive worker; void asks first and says it is irreversible (and is not
offered where the back office cannot void).  ``m`` jumps to the mapping (or
product) the order is waiting for.  The Write-backs tab lists booked orders
whose receipt number is not in WooCommerce yet: ``w`` tries one now, ``d``
gives it up.  Where the back office keeps orders as drafts for short stock,
a Drafts tab lists them (see :mod:`tui.screens.orders_drafts`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual import work
from textual.binding import Binding, BindingType
from textual.containers import Container
from textual.widget import Widget
from textual.widgets import Tab, Tabs

from engine.runtime import JobFinished, OrderStateChanged, OutboxState, TillsyncError
from engine.runtime.views import (
    REFUSED_KINDS,
    OrderDetail,
    check_order_lines,
    order_detail,
    order_page,
    writeback_page,
)
from tui.modals.confirm import ConfirmModal
from tui.modals.link import LinkModal
from tui.outcomes import report_retry
from tui.screens.console import ConsoleScreen
from tui.screens.orders_drafts import DRAFTS, DraftsTab
from tui.widgets.draft_table import DraftTable
from tui.widgets.order_detail import OrderDetailPane
from tui.widgets.order_table import OrderTable

__all__ = ["OrdersScreen"]

_S = OutboxState
WRITEBACKS = "writebacks"  # the tab of receipt numbers owed to WooCommerce
TABS: tuple[tuple[str, OutboxState | str | None], ...] = (
    ("Failed", _S.FAILED),
    ("Held", _S.HELD),
    ("Waiting", _S.WAITING),
    ("Done", _S.DONE),
    ("Voiding", _S.VOIDING),
    ("Voided", _S.VOIDED),
    ("Skipped", _S.SKIPPED),
    ("All", None),
    ("Write-backs", WRITEBACKS),  # last: at 80 columns the states and All fit before it
)


class OrdersScreen(DraftsTab, ConsoleScreen):
    MODE = "orders"
    RELOAD_EVERY = 10.0
    RELOAD_ON = (OrderStateChanged, JobFinished)
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "retry", "Retry"),
        Binding("s", "skip", "Skip"),
        Binding("v", "void", "Void"),
        Binding("o", "open_admin", "wp-admin"),
        Binding("m", "fix_mapping", "Fix mapping"),
        Binding("p", "show_product", "Product", show=False),  # said in the detail: "p shows it"
        Binding("w", "writeback_retry", "Write back"),
        Binding("d", "writeback_dismiss", "Dismiss"),
        Binding("f", "finalise", "Finalise"),
        Binding("F", "finalise_all", "Finalise all", key_display="F"),
        Binding("left_square_bracket", "tab(-1)", "Prev tab", key_display="["),
        Binding("right_square_bracket", "tab(1)", "Next tab", key_display="]"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.state: OutboxState | str | None = None
        self.detail: OrderDetail | None = None
        self._first_load = True
        self._wanted: int | None = None  # an order to put the cursor on after the next load
        self._checked: set[tuple[int, int]] = set()  # (order, attempts) whose lines were checked

    def show_order(self, woo_order_id: int) -> None:
        """Open on one order, whatever its state: the All tab, its row selected."""
        self._wanted, self._first_load, self.state = woo_order_id, False, None
        self.query_one(Tabs).active = "tab-all"
        self._load()

    def compose_body(self) -> Iterable[Widget]:
        yield Tabs(*(Tab(label, id=f"tab-{state or 'all'}") for label, state in TABS))
        with Container(id="orders-split"):
            yield OrderTable()
            yield OrderDetailPane()
            yield DraftTable()

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one(OrderTable).focus()

    def reload(self) -> None:
        self._load()

    @work(exclusive=True, group="orders-load")
    async def _load(self) -> None:
        await self.sync_drafts_tab()
        self.show_draft_table(self.state == DRAFTS)
        if self.state == DRAFTS:
            await self.load_drafts()
            return
        counts: dict[OutboxState | str, int] = dict(
            await self.call(self.engine.order_counts(self.connection))
        )
        counts[WRITEBACKS] = len(await self.call(self.engine.writebacks(self.connection)))
        if self._first_load:
            self._first_load = False
            self.state = _S.FAILED if counts[_S.FAILED] else None
            self.query_one(Tabs).active = f"tab-{self.state or 'all'}"
        tabs = self.query_one(Tabs)
        for label, state in TABS:
            tab = tabs.query_one(f"#tab-{state or 'all'}", Tab)
            tab.label = f"{label} {counts[state]}" if state else label
        if self.state == WRITEBACKS:
            rows = await self.call(writeback_page(self.engine, self.connection))
        else:
            rows = await self.call(order_page(self.engine, self.connection, self.state))
        table = self.query_one(OrderTable)
        table.show(rows, self.now())
        if self._wanted is not None and not table.select_order(self._wanted):
            self.notify(f"Order #{self._wanted} is not in the outbox.", severity="warning")
        self._wanted = None
        self._load_detail(table.selected_order)

    def on_tabs_tab_activated(self, event: Tabs.TabActivated) -> None:
        if event.tab is None or self._first_load:
            return
        name = (event.tab.id or "tab-all").removeprefix("tab-")
        state = (
            None if name == "all" else name if name in (WRITEBACKS, DRAFTS) else OutboxState(name)
        )
        if state != self.state:
            self.state = state
            self._load()

    def action_tab(self, step: int) -> None:
        tabs = self.query_one(Tabs)
        tabs.action_next_tab() if step > 0 else tabs.action_previous_tab()

    def on_order_table_order_selected(self, message: OrderTable.OrderSelected) -> None:
        self._load_detail(message.woo_order_id)

    @work(exclusive=True, group="orders-detail")
    async def _load_detail(self, woo_order_id: int | None) -> None:
        found = None
        if woo_order_id is not None:
            found = await self.call(order_detail(self.engine, self.connection, woo_order_id))
        self.detail = found
        self.query_one(OrderDetailPane).show(found, self.engine.config.tz)
        self.refresh_bindings()
        if found is not None and _worth_a_line_check(found, self._checked):
            self._checked.add((found.entry.woo_order_id, found.entry.attempts))
            self._check_lines(found.entry.woo_order_id)

    @work(group="orders-line-check")
    async def _check_lines(self, woo_order_id: int) -> None:
        """*Network*: which line names a product the back office no longer has."""
        try:
            found = await self.call(check_order_lines(self.engine, self.connection, [woo_order_id]))
        except TillsyncError as error:
            self.notify(
                error.message, title="Could not check the order's lines", severity="warning"
            )
            return
        if (
            found.get(woo_order_id)
            and self.detail
            and self.detail.entry.woo_order_id == woo_order_id
        ):
            self._load_detail(woo_order_id)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Grey out what the highlighted order's state does not allow."""
        if action in ("retry", "skip", "void"):
            return self.detail is not None and action in self.detail.actions
        if action in ("writeback_retry", "writeback_dismiss"):
            return self.detail is not None and "writeback" in self.detail.actions
        if action == "fix_mapping":
            return self.detail is not None and bool(self.detail.missing)
        if action == "show_product":
            return self.detail is not None and bool(self.detail.line_problems)
        if action in ("finalise", "finalise_all"):
            return self.state == DRAFTS
        if action == "open_admin":
            return self.detail is not None
        return True

    def action_retry(self) -> None:
        if self.detail is not None:
            self._retry(self.detail.entry.woo_order_id)

    @work(exclusive=True, group="orders-action")
    async def _retry(self, order: int) -> None:
        """Due now; a toast later says it booked, or failed again and why."""
        await report_retry(self.console, order)
        self._load()

    def action_skip(self) -> None:
        if self.detail is None:
            return
        order = self.detail.entry.woo_order_id
        modal = ConfirmModal(
            f"Skip order #{order}?",
            "It will not be sent to the back office (retry brings it back).",
            confirm="Skip order",
            reason="reason (optional)",
        )
        self.app.push_screen(modal, lambda why: self._confirmed("skip", order, why))

    def action_void(self) -> None:
        if self.detail is None:
            return
        order, ref = self.detail.entry.woo_order_id, self.detail.entry.backoffice_ref
        modal = ConfirmModal(
            f"Void order #{order}?",
            f"The sale booked as {ref} gets a reversal receipt in the back office.",
            confirm="Void sale",
            irreversible=True,
            reason="reason (shown in the history)",
        )
        self.app.push_screen(modal, lambda why: self._confirmed("void", order, why))

    def action_writeback_retry(self) -> None:
        if self.detail is not None:
            self._act("writeback", self.detail.entry.woo_order_id, "")

    def action_writeback_dismiss(self) -> None:
        if self.detail is None:
            return
        order = self.detail.entry.woo_order_id
        modal = ConfirmModal(
            f"Give up writing receipt {self.detail.entry.backoffice_ref} to order #{order}?",
            "WooCommerce will not get the receipt number (the sale stays booked). "
            "Do this when the order is gone, or after writing the number by hand.",
            confirm="Dismiss",
        )
        self.app.push_screen(modal, lambda ok: self._confirmed("dismiss", order, ok))

    def _confirmed(self, action: str, order: int, reason: str | None) -> None:
        if reason is not None:
            self._act(action, order, reason)

    @work(exclusive=True, group="orders-action")
    async def _act(self, action: str, order: int, reason: str) -> None:
        engine, name = self.engine, self.connection
        try:
            if action == "skip":
                await self.call(engine.orders_skip(order, reason or "skipped by the admin", name))
            elif action == "writeback":
                await self.call(engine.writeback_retry(order, name))
            elif action == "dismiss":
                await self.call(engine.writeback_dismiss(order, name))
            else:
                why = reason or "voided by the admin"
                await self.call(engine.orders_void(order, why, name))
        except TillsyncError as error:
            self.notify(error.message, title=f"Could not {action} #{order}", severity="error")
            return
        self.notify(f"Order #{order}: {action} done.")
        self._load()

    def action_open_admin(self) -> None:
        if self.detail is not None:
            title = f"Order #{self.detail.entry.woo_order_id} in wp-admin"
            self.app.push_screen(LinkModal(title, self.detail.admin_url))

    async def action_fix_mapping(self) -> None:
        if self.detail is None or not self.detail.missing:
            return
        missing = self.detail.missing[0]
        target = "products" if missing.kind == "product" else "mappings"
        await self.app.switch_mode(target)
        screen = self.app.screen
        if hasattr(screen, "focus_source"):
            screen.focus_source(missing.kind, missing.source)

    async def action_show_product(self) -> None:
        """Products, on the product a line names that the back office no longer has."""
        if self.detail is None or not self.detail.line_problems:
            return
        problem = self.detail.line_problems[0]
        await self.app.switch_mode("products")
        screen = self.app.screen
        if hasattr(screen, "focus_source"):
            screen.focus_source("gone", problem.sku or problem.backoffice_id)


def _worth_a_line_check(detail: OrderDetail, checked: set[tuple[int, int]]) -> bool:
    """A sale the back office refused, not checked since this attempt: ask which line."""
    entry = detail.entry
    return (
        entry.state is OutboxState.FAILED
        and entry.last_error_kind in REFUSED_KINDS
        and not detail.line_problems
        and (entry.woo_order_id, entry.attempts) not in checked
    )
