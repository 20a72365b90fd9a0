"""What the console offers for one connection, decided by its back office's capabilities.

WHY a read model: a screen must not test a vendor or a capability name to
know whether to show "void", a push job, invoices or vouchers; it asks
:func:`console_offers` and hides what is ``False`` (STYLE.md §2).
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.backends import Capability
from engine.runtime.engine import Engine

__all__ = ["ConsoleOffers", "console_offers"]


@dataclass(frozen=True)
class ConsoleOffers:
    """Each action the console may show for a connection; ``False``: hide it."""

    book_orders: bool  # orders go to the back office (sales.create)
    void: bool  # a booked sale can be reversed (sales.void)
    push_jobs: bool  # WooCommerce → back office: products or stock written there
    customers: bool  # customers written to the back office
    invoices: bool  # an invoice is created and sent for an order
    vouchers: bool  # coupons become back-office vouchers
    locations: bool  # places (POS, warehouse) to choose from
    drafts: bool = False  # orders kept as drafts for short stock: listed, made final

    @classmethod
    def of(cls, capabilities: frozenset[Capability]) -> ConsoleOffers:
        def has(*wanted: Capability) -> bool:
            return any(c in capabilities for c in wanted)

        return cls(
            book_orders=has(Capability.SALES_CREATE),
            void=has(Capability.SALES_VOID),
            push_jobs=has(Capability.PRODUCTS_WRITE, Capability.STOCK_WRITE),
            customers=has(Capability.CUSTOMERS_WRITE),
            invoices=has(Capability.INVOICES_CREATE, Capability.INVOICES_SEND),
            vouchers=has(Capability.VOUCHERS),
            locations=has(Capability.LOCATIONS),
            drafts=has(Capability.SALES_DRAFTS),
        )


def console_offers(engine: Engine, connection: str | None = None) -> ConsoleOffers:
    """The actions the console offers for ``connection`` (the only one when omitted)."""
    return ConsoleOffers.of(engine.connection(connection).backend.capabilities)
