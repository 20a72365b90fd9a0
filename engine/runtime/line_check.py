"""Which line of an order names a product the back office no longer has.

WHY: a back office that refuses a sale says so in its own words ("items[0]
.product does not exist"); the admin needs "line 1: SKU 10288 'Classic Sauce
large' no longer exists in the back office" and a way to that product.  The
engine never parses a back office's English, so the check asks the back
office itself: it reads the products (stopping as soon as every wanted one
was seen) and notes on the link the first time one was found missing
(``links.gone_at``), or clears that note when it is back.  The order
debugger and Products read the note without any network.

What counts as missing is an inference from the Backend protocol alone: a
linked product the back office does not list any more, or lists as inactive
without its SKU (a deleted product often loses its number); one listed as
inactive *with* its SKU is deactivated, not gone, and is said as such.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING

from engine.backends import Capability, backend_entry
from engine.errors import ConfigError
from engine.model import OrderLine, Product
from engine.store import Link, OutboxEntry
from engine.sync.orders import BookingCheck, OrderDataError, order_from_woo

if TYPE_CHECKING:  # a view of the engine; the Engine (and admin.py) import the views
    from engine.runtime.engine import Engine

__all__ = [
    "LineProblem",
    "backoffice_title",
    "check_order_lines",
    "known_line_problems",
]


@dataclass(frozen=True)
class LineProblem:
    """One order line whose back-office product is gone (or deactivated)."""

    line: int  # 1-based, as the admin counts
    sku: str
    name: str
    backoffice_id: str
    woo_product_id: int | None
    found_at: datetime | None  # when tillsync first found it missing
    deactivated: bool = False

    def describe(self, backoffice: str, tz: tzinfo) -> str:
        what = f"SKU {self.sku}" if self.sku else f"product {self.woo_product_id}"
        if self.deactivated:
            return f"line {self.line}: {what} {self.name!r} is deactivated in {backoffice}"
        when = f" (found missing {self.found_at.astimezone(tz):%H:%M})" if self.found_at else ""
        return f"line {self.line}: {what} {self.name!r} no longer exists in {backoffice}{when}"


def backoffice_title(engine: Engine, connection: str) -> str:
    """The back office as the admin knows it (its entry's title)."""
    backend_type = engine.config.connections[connection].backend.type
    try:
        return backend_entry(backend_type).title
    except ConfigError:  # a type with no adapter: the connection would not have opened
        return "the back office"


_LinePair = tuple[int, OrderLine, Link]


async def _linked_lines(engine: Engine, connection: str, entry: OutboxEntry) -> list[_LinePair]:
    """Each line (1-based) with the catalog link the booking check finds for it."""
    try:
        order = order_from_woo(entry.payload_data())
    except (OrderDataError, ValueError, TypeError, AttributeError):
        return []
    check = BookingCheck(engine.store, connection)
    pairs = []
    for number, line in enumerate(order.lines, start=1):
        link = await check.linked_product(line)
        if link is not None:
            pairs.append((number, line, link))
    return pairs


def _problems(
    pairs: Iterable[_LinePair], deactivated: Collection[str] = ()
) -> tuple[LineProblem, ...]:
    """The lines whose linked product is marked gone (or listed as deactivated)."""
    problems = []
    for number, line, link in pairs:
        off = link.backoffice_id in deactivated and link.gone_at is None
        if link.gone_at is not None or off:
            problems.append(
                LineProblem(
                    number, line.sku, line.name, link.backoffice_id, line.woo_product_id,
                    link.gone_at, deactivated=off,
                )
            )  # fmt: skip
    return tuple(problems)


async def known_line_problems(
    engine: Engine, connection: str, entry: OutboxEntry
) -> tuple[LineProblem, ...]:
    """What earlier checks found about this order's lines (store only, no network)."""
    return _problems(await _linked_lines(engine, connection, entry))


async def _listed(engine: Engine, connection: str, wanted: set[str]) -> dict[str, Product]:
    """The wanted products as the back office lists them now (absent: not listed)."""
    seen: dict[str, Product] = {}
    backend = engine.connection(connection).backend
    async for page in backend.read_products():
        seen.update((p.id, p) for p in page.items if p.id in wanted)
        if len(seen) == len(wanted):
            break  # every wanted product seen: no need to read the rest
    return seen


async def check_order_lines(
    engine: Engine, connection: str, woo_order_ids: Iterable[int]
) -> dict[int, tuple[LineProblem, ...]]:
    """*Network.*  Ask the back office about these orders' linked products, in one read.

    Marks the links of missing products gone (keeping the first time) and
    clears the mark of those listed again; returns each order's problem lines.
    """
    orders: dict[int, OutboxEntry] = {}
    for woo_order_id in woo_order_ids:
        entry = await engine.store.outbox.get(woo_order_id, connection=connection)
        if entry is not None:
            orders[woo_order_id] = entry
    kinds_by_id: dict[str, str] = {}
    for entry in orders.values():
        for _, _, link in await _linked_lines(engine, connection, entry):
            kinds_by_id[link.backoffice_id] = link.kind
    backend = engine.connection(connection).backend
    if not kinds_by_id or Capability.PRODUCTS_READ not in backend.capabilities:
        return {order_id: () for order_id in orders}  # nothing to ask, or no way to ask
    listed = await _listed(engine, connection, set(kinds_by_id))
    gone = {i for i in kinds_by_id if i not in listed or not (listed[i].active or listed[i].sku)}
    deactivated = {i for i, p in listed.items() if i not in gone and not p.active}
    for kind in set(kinds_by_id.values()):
        ids = [i for i, k in kinds_by_id.items() if k == kind]
        await engine.store.links.mark_gone(
            kind, [i for i in ids if i in gone], True, connection=connection
        )
        await engine.store.links.mark_gone(
            kind, [i for i in ids if i not in gone], False, connection=connection
        )
    return {
        order_id: _problems(await _linked_lines(engine, connection, entry), deactivated)
        for order_id, entry in orders.items()
    }
