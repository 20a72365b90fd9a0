"""The command palette's order commands: "Go to order #N", retry, release, check, dry run.

WHY a provider of its own: an order number is typed, not listed, so the
hits are made from the query ("116", "#116", "order 116") instead of from a
fixed list; the fixed commands sit beside them so one palette does the
held-order and the failed-order workflow without leaving the keyboard.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from textual.command import Hit, Hits, Provider

if TYPE_CHECKING:
    from tui.app import TillsyncApp

__all__ = ["OrderCommands", "order_number"]

_NUMBER = re.compile(r"#?\s*(\d{1,12})\b")


def order_number(query: str) -> int | None:
    """The order number typed in the palette, if any."""
    found = _NUMBER.search(query)
    return int(found.group(1)) if found else None


class OrderCommands(Provider):
    @property
    def console(self) -> TillsyncApp:
        return self.app  # type: ignore[return-value]

    def _fixed(self) -> list[tuple[str, str, Callable[[], Awaitable[None] | None]]]:
        app = self.console
        return [
            ("Release held orders", "Book held orders whose mappings now exist", app.release),
            ("Check connections", "Probe WooCommerce and the back office", app.check),
            ("Catalog dry run", "What the next catalog run would write", app.dry_run),
        ]

    async def search(self, query: str) -> Hits:
        if not self.console.ready:
            return
        matcher = self.matcher(query)
        number = order_number(query)
        if number is not None:
            for rank, (text, help, callback) in enumerate(self._order_hits(number)):
                score = (matcher.match(text) or 0.5) - rank / 1000  # "Go to" first on a tie
                yield Hit(score, text, callback, help=help)
        for text, help, callback in self._fixed():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), callback, help=help)

    def _order_hits(self, number: int) -> list[tuple[str, str, Callable[[], Awaitable[None]]]]:
        app = self.console
        return [
            (f"Go to order #{number}", "Open it in Orders", lambda: app.go_to_order(number)),
            (f"Retry order #{number}", "Book it again now", lambda: app.retry_order(number)),
        ]
