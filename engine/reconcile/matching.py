"""Which web order a back-office sale belongs to, and which sales still stand.

A sale names its order by the WooCommerce id the adapter read
(``order_ref``) or, failing that, by tillsync's idempotency key
(``WC-<store>-<order id>-<revision>[-V]``, parsed by ``IdempotencyKey.parse``).  A sale
reversed by another document, or marked voided, no longer stands.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from engine.backends.ledger import LedgerSale
from engine.order_keys import IdempotencyKey

__all__ = ["SaleBook", "order_id_of"]


def _is_void_key(text: str) -> bool:
    key = IdempotencyKey.parse(text)
    return key is not None and key.void


def order_id_of(sale: LedgerSale) -> int | None:
    """The WooCommerce order id the sale names, or None (a sale made by hand)."""
    if sale.order_ref.isdigit():
        return int(sale.order_ref)
    key = IdempotencyKey.parse(sale.key)
    return key.order_id if key else None


@dataclass
class SaleBook:
    """The sales read, sorted into originals by order and reversals."""

    by_order: dict[int, list[LedgerSale]] = field(default_factory=dict)
    unnamed: list[LedgerSale] = field(default_factory=list)
    reversed_ids: set[str] = field(default_factory=set)
    reversals_by_order: dict[int, list[LedgerSale]] = field(default_factory=dict)

    @classmethod
    def of(cls, sales: Iterable[LedgerSale]) -> SaleBook:
        book = cls()
        for sale in sales:
            order_id = order_id_of(sale)
            if sale.reverses or _is_void_key(sale.key):
                book.reversed_ids.add(sale.reverses)
                if order_id is not None:
                    book.reversals_by_order.setdefault(order_id, []).append(sale)
            elif order_id is None:
                book.unnamed.append(sale)
            else:
                book.by_order.setdefault(order_id, []).append(sale)
        return book

    def stands(self, sale: LedgerSale) -> bool:
        return not sale.voided and sale.id not in self.reversed_ids

    def standing(self, order_id: int) -> list[LedgerSale]:
        """The order's sales that were neither reversed nor voided."""
        return [s for s in self.by_order.get(order_id, ()) if self.stands(s)]

    def originals(self) -> Iterable[LedgerSale]:
        for sales in self.by_order.values():
            yield from sales
        yield from self.unnamed
