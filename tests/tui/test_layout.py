"""80×24 and beyond: enough rows on a small terminal, wider columns on a big one."""

from __future__ import annotations

from textual.widgets.data_table import ColumnKey

from tests.tui.pilot import settle
from tests.tui.test_orders import open_orders
from tui.widgets.order_table import OrderTable


def _rows_visible(table: OrderTable) -> int:
    return table.scrollable_content_region.height - table.header_height


def _width(table, key: str) -> int:
    return table.columns[ColumnKey(key)].width


async def test_orders_show_ten_rows_at_80x24_without_scrolling_sideways(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_orders(pilot)
        table = screen.query_one(OrderTable)
        assert _rows_visible(table) >= 10
        assert table.virtual_size.width <= table.scrollable_content_region.width


async def test_columns_grow_with_the_terminal(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(200, 50)) as pilot:
        screen = await open_orders(pilot)
        table = screen.query_one(OrderTable)
        assert _width(table, "customer") > 12 and _width(table, "summary") > 30
        assert table.virtual_size.width <= table.scrollable_content_region.width
        await pilot.press("5")
        await settle(pilot)
        products = app.screen.query_one("#product-table")
        assert _width(products, "name") > 16 and _width(products, "detail") > 30
