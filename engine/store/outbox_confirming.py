"""Orders a back office accepted but has not confirmed yet (``confirming``).

Some back offices answer a write with 202 and a request id and confirm by
webhook; others answer "queued".  Such an order is not done: no receipt number
exists to write back and the sale may still be refused.  It waits here with
what the back office answered (``pending_ref``), when to look again
(``next_attempt_at``) and a deadline (``confirm_by``) after which it becomes
a dead letter.  It survives a restart as it is: nothing is in flight.
"""

from __future__ import annotations

from datetime import datetime

from engine.store.database import DEFAULT_CONNECTION
from engine.store.outbox_records import OutboxEntry, OutboxState, entry_from_row
from engine.store.outbox_transitions import OutboxTransitions
from engine.store.timestamps import to_text

__all__ = ["OutboxConfirming"]

_CLEAR_ERROR = {"last_error_kind": None, "last_error": None, "hint": None}


class OutboxConfirming(OutboxTransitions):
    """The ``confirming`` part of the outbox; :class:`~engine.store.outbox.Outbox` has it."""

    async def mark_confirming(
        self,
        woo_order_id: int,
        pending_ref: str,
        *,
        confirm_by: datetime,
        check_at: datetime,
        connection: str = DEFAULT_CONNECTION,
    ) -> OutboxEntry:
        """The back office accepted the sale under ``pending_ref``; it confirms later."""
        return await self._move(
            woo_order_id,
            connection,
            "confirming",
            OutboxState.CONFIRMING,
            f"accepted as {pending_ref}, waiting for the back office to confirm "
            f"(until {to_text(confirm_by)})",
            pending_ref=pending_ref,
            confirm_by=to_text(confirm_by),
            next_attempt_at=to_text(check_at),
            **_CLEAR_ERROR,
        )

    async def mark_confirmed(
        self,
        woo_order_id: int,
        backoffice_ref: str,
        *,
        detail: str,
        connection: str = DEFAULT_CONNECTION,
    ) -> OutboxEntry:
        """The back office confirmed: the sale is booked as ``backoffice_ref``."""
        return await self._move(
            woo_order_id,
            connection,
            "done",
            OutboxState.DONE,
            detail,
            backoffice_ref=backoffice_ref,
            next_attempt_at=None,
            confirm_by=None,
            **_CLEAR_ERROR,
        )

    async def check_confirming_at(
        self, woo_order_id: int, check_at: datetime, *, connection: str = DEFAULT_CONNECTION
    ) -> None:
        """Look again at ``check_at``; only a time changes, so no history line is added."""
        async with self._db.transaction():
            await self._db.execute(
                "UPDATE outbox SET next_attempt_at = ? WHERE connection = ?"
                " AND woo_order_id = ? AND state = 'confirming'",
                (to_text(check_at), connection, woo_order_id),
            )

    async def confirming_due(
        self, now: datetime | None = None, *, connection: str = DEFAULT_CONNECTION
    ) -> list[OutboxEntry]:
        """Confirming orders whose next look (or deadline) has come, oldest first."""
        due = to_text(now or self._clock())
        rows = await self._db.fetch_all(
            "SELECT * FROM outbox WHERE connection = ? AND state = 'confirming'"
            " AND (next_attempt_at <= ? OR confirm_by <= ?) ORDER BY woo_order_id",
            (connection, due, due),
        )
        return [entry_from_row(row) for row in rows]

    async def by_pending_ref(
        self, pending_ref: str, *, connection: str = DEFAULT_CONNECTION
    ) -> OutboxEntry | None:
        """The confirming order the back office's notification names."""
        row = await self._db.fetch_one(
            "SELECT * FROM outbox WHERE connection = ? AND pending_ref = ?"
            " AND state = 'confirming'",
            (connection, pending_ref),
        )
        return entry_from_row(row) if row else None
