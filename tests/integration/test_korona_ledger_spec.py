"""KORONA's sales.list against the strict sandbox, every exchange checked against the
OpenAPI document: receipts of the External POS by booking time, paged, a reversal
read as reversing its original, another day's receipt not read."""
# ruff: noqa: F811

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from engine.backends import IdempotencyKey
from engine.backends.korona import KoronaBackend
from engine.reconcile.matching import SaleBook
from sandbox.korona import PAYMENT_CARD_ID, KoronaSandbox
from tests.integration.test_korona_adapter_reads import (  # noqa: F401 - fixtures
    collect,
    contract,
    kb,
    make_backend,
    slot,
)
from tests.integration.test_korona_adapter_sales import make_order

DAY = datetime(2025, 6, 2, tzinfo=UTC)


async def test_receipts_of_a_day_are_read_by_booking_time_with_their_reversal(
    make_backend, kb: KoronaSandbox
) -> None:
    backend: KoronaBackend = make_backend(page_size=2)
    order = make_order(kb)
    booked = [replace(order, woo_id=n, number=str(n)) for n in (1, 2, 3)]
    refs = [await backend.create_sale(o, IdempotencyKey("shop1", o.woo_id)) for o in booked]
    other_day = replace(order, woo_id=4, number="4", trigger_gmt=DAY + timedelta(days=1, hours=2))
    await backend.create_sale(other_day, IdempotencyKey("shop1", 4))
    await backend.void_sale(refs[0], IdempotencyKey("shop1", 1))

    pages = await collect(backend.list_sales(DAY, DAY + timedelta(days=1)))
    sales = [s for page in pages for s in page.items]

    assert len(pages) >= 2  # paged by the envelope, size 2
    assert sorted(s.key for s in sales) == sorted(r.key for r in refs)  # the void is booked now
    first = next(s for s in sales if s.id == refs[1].id)
    assert first.total.amount == order.total.amount and first.order_ref == "2"
    assert first.payment_method == PAYMENT_CARD_ID and first.tax is not None
    assert first.tax.amount == order.total_tax.amount
    later = [s for p in await collect(backend.list_sales(DAY)) for s in p.items]
    book = SaleBook.of(later)  # read to now: the reversal booked today reverses sale 1
    assert book.standing(1) == [] and len(book.standing(2)) == 1
