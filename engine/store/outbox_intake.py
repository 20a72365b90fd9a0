"""How an order revision enters the outbox: de-duplicated, never regressing.

WooCommerce webhooks are late, merged and out of order, and the poll reads
the same orders again.  So the outbox keeps one row per order holding the
newest revision seen (by ``date_modified_gmt``): the same revision again is a
duplicate, an older one is stale and ignored, a newer one replaces the
payload and the stock lines.  A newer revision of a failed order makes it due
again (the edit may be the fix); waiting, held, skipped, in-flight, done and
voided orders keep their state, and the orders job finds booked orders Woo
changed later through ``revised_after_booking``.

Known limit: ``date_modified_gmt`` has one-second resolution, so two edits
within the same second look like one revision; the later payload is dropped
as a duplicate.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from engine.order_keys import OrderKey, legacy_scope
from engine.store.database import Database
from engine.store.outbox_records import (
    EnqueueOutcome,
    OrderSource,
    OutboxEntry,
    OutboxLine,
    OutboxState,
)
from engine.store.timestamps import to_text

__all__ = [
    "Revision",
    "classify",
    "default_idempotency_key",
    "insert_order",
    "lines_from_payload",
    "replace_payload",
    "write_lines",
]


@dataclass(frozen=True)
class Revision:
    """One revision of one order as it arrives, payload already serialised."""

    connection: str
    woo_order_id: int
    modified_gmt: datetime
    payload: str
    source: OrderSource
    lines: tuple[OutboxLine, ...]

    @classmethod
    def of(
        cls,
        connection: str,
        woo_order_id: int,
        modified_gmt: datetime,
        payload: Mapping[str, Any] | str,
        source: OrderSource | str,
        lines: Iterable[OutboxLine] | None,
    ) -> Revision:
        """Serialise (or validate) the payload; ``lines=None`` reads its ``line_items``."""
        if isinstance(payload, str):
            text, data = payload, json.loads(payload)
        else:
            text, data = json.dumps(payload, ensure_ascii=False, separators=(",", ":")), payload
        stock = tuple(lines) if lines is not None else lines_from_payload(data)
        to_text(modified_gmt)  # refuse a naive datetime before anything is written
        return cls(connection, int(woo_order_id), modified_gmt, text, OrderSource(source), stock)


def lines_from_payload(data: Any) -> tuple[OutboxLine, ...]:
    """SKU and quantity of each ``line_items`` entry of a Woo REST v3 order.

    Lines without a SKU can't be matched to back-office stock and are left out.
    """
    items = data.get("line_items") if isinstance(data, Mapping) else None
    lines = []
    for item in items or ():
        sku = str(item.get("sku") or "").strip()
        if sku:
            lines.append(OutboxLine(sku, Decimal(str(item.get("quantity", 0)))))
    return tuple(lines)


def default_idempotency_key(install_id: str, connection: str, woo_order_id: int) -> str:
    """The install-scoped outbox key, for a caller that names none (the order jobs
    always pass the store-derived one): the pre-store format, still readable."""
    return OrderKey(int(woo_order_id), legacy_scope(install_id, connection)).value


def classify(held: OutboxEntry | None, modified_gmt: datetime) -> EnqueueOutcome:
    if held is None:
        return EnqueueOutcome.NEW
    if modified_gmt == held.modified_gmt:
        return EnqueueOutcome.DUPLICATE
    return EnqueueOutcome.STALE if modified_gmt < held.modified_gmt else EnqueueOutcome.UPDATED


async def insert_order(db: Database, rev: Revision, key: str, now: str) -> None:
    await db.execute(
        "INSERT INTO outbox (connection, woo_order_id, state, source, modified_gmt, payload,"
        " idempotency_key, created_at, updated_at) VALUES (?, ?, 'waiting', ?, ?, ?, ?, ?, ?)",
        (rev.connection, rev.woo_order_id, rev.source, to_text(rev.modified_gmt), rev.payload,
         key, now, now),
    )  # fmt: skip


async def replace_payload(db: Database, held: OutboxEntry, rev: Revision, now: str) -> None:
    """Store the newer revision; only a failed order changes state (to waiting, due now)."""
    due_again = held.state is OutboxState.FAILED
    await db.execute(
        "UPDATE outbox SET source = ?, modified_gmt = ?, payload = ?, updated_at = ?,"
        " state = CASE WHEN ? THEN 'waiting' ELSE state END,"
        " next_attempt_at = CASE WHEN ? THEN NULL ELSE next_attempt_at END"
        " WHERE connection = ? AND woo_order_id = ?",
        (rev.source, to_text(rev.modified_gmt), rev.payload, now, due_again, due_again,
         rev.connection, rev.woo_order_id),
    )  # fmt: skip


async def write_lines(db: Database, rev: Revision) -> None:
    """Replace the order's stock lines (pending quantities follow the newest revision)."""
    await db.execute(
        "DELETE FROM outbox_lines WHERE connection = ? AND woo_order_id = ?",
        (rev.connection, rev.woo_order_id),
    )
    await db.execute_many(
        "INSERT INTO outbox_lines (connection, woo_order_id, line_no, sku, quantity)"
        " VALUES (?, ?, ?, ?, ?)",
        [
            (rev.connection, rev.woo_order_id, n, line.sku, str(line.quantity))
            for n, line in enumerate(rev.lines)
        ],
    )
