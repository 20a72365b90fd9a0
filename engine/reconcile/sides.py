"""Reading both sides for one period, once each.

WooCommerce: orders changed since the period began (``modified_after``, one
paged read: an order booked in the period cannot have been modified before
it), plus the few orders a sale names that the read did not return.  The
back office: its sales from the period's start until now (a void booked
after the period still counts for the period's order).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from engine.backends.ledger import LedgerSale
from engine.errors import NotFoundError
from engine.model import Order
from engine.reconcile.matching import order_id_of
from engine.reconcile.period import Period
from engine.sync.context import SyncContext
from engine.sync.orders.mapping import OrderDataError, order_from_woo
from engine.sync.orders.rules import OrderRules

__all__ = ["read_orders", "read_sales"]

log = logging.getLogger(__name__)


def _order(data: dict, rules: OrderRules) -> Order | None:
    try:
        return order_from_woo(data, rules.trigger_status, rules.meta_keys)
    except OrderDataError as error:  # an order with no product lines books nothing either
        log.info("reconcile: order %s not compared: %s", data.get("id"), error.message)
        return None


async def read_sales(ctx: SyncContext, period: Period) -> list[LedgerSale]:
    sales: list[LedgerSale] = []
    async for page in ctx.backend.list_sales(period.start, None):
        sales.extend(page.items)
    return sales


async def read_orders(
    ctx: SyncContext, period: Period, rules: OrderRules, sales: Iterable[LedgerSale]
) -> tuple[dict[int, Order], dict[int, dict]]:
    """The period's orders by id, and any order a period's sale names; with their
    payloads as WooCommerce sent them (a missing booking is offered to the outbox as is)."""
    orders: dict[int, Order] = {}
    payloads: dict[int, dict] = {}

    def keep(data: dict) -> None:
        order = _order(data, rules)
        if order is not None:
            orders[order.woo_id], payloads[order.woo_id] = order, data

    async for data in ctx.woo.iter_orders(modified_after=period.start):
        keep(data)
    named = {order_id_of(s) for s in sales if period.holds(s.booked_gmt)}
    for order_id in sorted(i for i in named if i is not None and i not in orders):
        try:
            keep(await ctx.woo.get_order(order_id))
        except NotFoundError:
            continue
    return orders, payloads
