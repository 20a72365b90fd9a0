"""Products: linked, skipped (with the reason) and not yet in the shop.

"Not in shop" is what a dry run of the catalog job would create, so it is
exactly what the next real run does; ``d`` shows that run's whole diff.
A linked product can be synced alone (``r``) or unlinked (``u``, asks
first); a skipped one cleared (``c``) so the next run tries it again.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual import work
from textual.binding import Binding, BindingType
from textual.widget import Widget
from textual.widgets import Input, Static, Tab, Tabs

from engine.runtime import CatalogDiff, TillsyncError
from engine.runtime.views import (
    ProductRow,
    catalog_preview,
    linked_products,
    skipped_products,
    unlinked_products,
)
from tui.modals.catalog_diff import CatalogDiffModal
from tui.modals.confirm import ConfirmModal
from tui.screens.console import ConsoleScreen
from tui.widgets.product_table import ProductTable

__all__ = ["ProductsScreen"]

VIEWS = (("linked", "Linked"), ("skipped", "Skipped"), ("unlinked", "Not in shop"))


class ProductsScreen(ConsoleScreen):
    MODE = "products"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "search", "Search"),
        Binding("r", "resync", "Sync now"),
        Binding("u", "unlink", "Unlink"),
        Binding("c", "clear_skip", "Try again"),
        Binding("d", "dry_run", "Dry-run diff"),
        Binding("escape", "focus_table", "Table", show=False),
        Binding("left_square_bracket", "tab(-1)", "Prev tab", key_display="["),
        Binding("right_square_bracket", "tab(1)", "Next tab", key_display="]"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.view = "linked"
        self.diff: CatalogDiff | None = None
        self._wanted = ""  # a SKU to put the cursor on (from the Orders screen)

    def compose_body(self) -> Iterable[Widget]:
        yield Tabs(*(Tab(label, id=f"view-{key}") for key, label in VIEWS))
        yield Input(placeholder="/ search SKU, name or id", compact=True, id="products-search")
        yield ProductTable()
        yield Static(id="products-note")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one(ProductTable).focus()

    def reload(self) -> None:
        self._load()

    @property
    def search(self) -> str:
        return self.query_one("#products-search", Input).value

    @work(exclusive=True, group="products-load")
    async def _load(self) -> None:
        rows: tuple[ProductRow, ...]
        if self.view == "linked":
            rows = await self.call(linked_products(self.engine, self.connection, self.search))
            note = f"{len(rows)} linked item(s) shown (first 500 matching)."
        elif self.view == "skipped":
            rows = await self.call(skipped_products(self.engine, self.connection, self.search))
            note = "c: try again on the next run (clears the skip)."
        else:
            rows = unlinked_products(self.diff, self.search) if self.diff else ()
            note = "From the last dry run (d). " if self.diff else "Press d to run a dry run."
        table = self.query_one(ProductTable)
        table.show(rows)
        exact = [n for n, row in enumerate(rows) if self._wanted and row.sku == self._wanted]
        if exact:  # from an order: its product selected, not a longer SKU containing it
            table.move_cursor(row=exact[0])
        self.query_one("#products-note", Static).update(note)
        self.refresh_bindings()

    def on_tabs_tab_activated(self, event: Tabs.TabActivated) -> None:
        if event.tab is not None:
            self.view = (event.tab.id or "view-linked").removeprefix("view-")
            if self.is_current:  # composed ahead of its first visit: it loads when shown
                self._load()

    def on_input_changed(self, event: Input.Changed) -> None:
        self._load()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_focus_table()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        wanted = {
            "resync": ("linked", "unlinked"),
            "unlink": ("linked",),
            "clear_skip": ("skipped",),
        }.get(action)
        return wanted is None or self.view in wanted

    def action_search(self) -> None:
        self.query_one("#products-search", Input).focus()

    def action_tab(self, step: int) -> None:
        """`[` and `]`, as on every tabbed screen."""
        tabs = self.query_one(Tabs)
        if step < 0:
            tabs.action_previous_tab()
        else:
            tabs.action_next_tab()

    def action_focus_table(self) -> None:
        self.query_one(ProductTable).focus()

    def show_sku(self, sku: str) -> None:
        """From the Drift view: the linked product with this SKU, selected."""
        self.query_one(Tabs).active = "view-linked"
        self._wanted = sku
        self.query_one("#products-search", Input).value = sku
        self.action_focus_table()

    def focus_source(self, kind: str, sku: str) -> None:
        """From the Orders screen: a product an order is waiting for, or one that is gone."""
        self.query_one(Tabs).active = "view-linked"
        self._wanted = sku
        self.query_one("#products-search", Input).value = sku
        self.action_focus_table()
        if kind == "gone":
            self.notify(
                f"{sku} is missing in the back office: re-create it there and press r, "
                "or book its lines as a fallback product (Mappings → Defaults)."
            )
        else:
            self.notify(
                f"Not linked: {sku}. The next catalog run links it if the back office has it."
            )

    def _selected(self) -> ProductRow | None:
        row = self.query_one(ProductTable).selected
        if row is None:
            self.notify("Select a product first.", severity="warning")
        return row

    def action_resync(self) -> None:
        row = self._selected()
        if row is not None and row.sku:
            self.notify(f"Syncing {row.sku}…")
            self._resync(row.sku)

    @work(exclusive=True, group="products-action")
    async def _resync(self, sku: str) -> None:
        try:
            report = await self.call(self.engine.run_job("catalog", self.connection, skus=[sku]))
        except TillsyncError as error:
            self.notify(error.message, title=f"{sku} not synced", severity="error")
            return
        s = report.diff.summary()
        self.notify(f"{sku}: {s['create']} created, {s['update']} updated, {s['skip']} skipped.")
        self._load()

    def action_unlink(self) -> None:
        row = self._selected()
        if row is None:
            return
        modal = ConfirmModal(
            f"Unlink {row.sku or row.backoffice_id}?",
            "tillsync forgets which WooCommerce product this is; nothing is deleted. "
            "The next catalog run matches it again by SKU.",
            confirm="Unlink",
        )
        self.app.push_screen(modal, lambda ok: self._unlink(row) if ok is not None else None)

    @work(exclusive=True, group="products-action")
    async def _unlink(self, row: ProductRow) -> None:
        await self.call(self.engine.unlink(row.kind, row.backoffice_id, self.connection))
        self.notify(f"Unlinked {row.sku or row.backoffice_id}.")
        self._load()

    def action_clear_skip(self) -> None:
        row = self._selected()
        if row is not None:
            self._clear_skip(row)

    @work(exclusive=True, group="products-action")
    async def _clear_skip(self, row: ProductRow) -> None:
        await self.call(self.engine.clear_skip(row.kind, row.sku, self.connection))
        self.notify(f"{row.sku} will be tried again on the next catalog run.")
        self._load()

    def action_dry_run(self) -> None:
        self.notify("Dry run of the next catalog run…")
        self._dry_run()

    @work(exclusive=True, group="products-dry-run")
    async def _dry_run(self) -> None:
        """*Network*: reads both sides, writes nothing."""
        try:
            self.diff = await self.call(catalog_preview(self.engine, self.connection))
        except TillsyncError as error:
            self.notify(error.message, title="Dry run failed", severity="error")
            return
        self._load()
        self.app.push_screen(CatalogDiffModal(self.diff))
