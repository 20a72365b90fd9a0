"""The outbox state machine: every state change checked, applied and logged at once.

WHY one choke point: each change must check :data:`ALLOWED_FROM`, update the
row and append to ``outbox_history`` in the same transaction; a change made
any other way is one the debugger can't explain.
"""

from __future__ import annotations

from typing import Any

from engine.store.errors import TransitionError, UnknownOrderError
from engine.store.outbox_queries import OutboxQueries
from engine.store.outbox_records import ALLOWED_FROM, OutboxEntry, OutboxState
from engine.store.timestamps import to_text

__all__ = ["Expression", "OutboxTransitions"]


class Expression:
    """A column value that is an SQL expression over the row, not a parameter."""

    def __init__(self, sql: str) -> None:
        self.sql = sql


class OutboxTransitions(OutboxQueries):
    """Outbox queries plus the one way to change an order's state."""

    async def _require(self, woo_order_id: int, connection: str) -> OutboxEntry:
        entry = await self.get(woo_order_id, connection=connection)
        if entry is None:
            raise UnknownOrderError(f"order #{woo_order_id} is not in the {connection!r} outbox")
        return entry

    async def _move(
        self,
        woo_order_id: int,
        connection: str,
        action: str,
        to_state: OutboxState,
        detail: str,
        **columns: Any,
    ) -> OutboxEntry:
        """Check the state machine, update the row and append its history, atomically."""
        columns |= {"state": to_state, "updated_at": to_text(self._clock())}
        async with self._db.transaction():
            entry = await self._require(woo_order_id, connection)
            if entry.state not in ALLOWED_FROM[action]:
                raise TransitionError(
                    f"order #{entry.woo_order_id} ({connection}) is {entry.state}: "
                    f"cannot {action} it"
                )
            sets = ", ".join(
                f"{name} = {value.sql}" if isinstance(value, Expression) else f"{name} = ?"
                for name, value in columns.items()
            )
            params = [v for v in columns.values() if not isinstance(v, Expression)]
            await self._db.execute(
                f"UPDATE outbox SET {sets} WHERE connection = ? AND woo_order_id = ?",
                (*params, connection, entry.woo_order_id),
            )
            moved = await self._require(woo_order_id, connection)
            await self._record(moved, entry.state, detail)
            return moved

    async def _move_all(
        self, connection: str | None, action: str, to_state: OutboxState, detail: str
    ) -> int:
        (state,) = ALLOWED_FROM[action]
        async with self._db.transaction():
            rows = await self._db.fetch_all(
                "SELECT connection, woo_order_id FROM outbox WHERE state = ?"
                " AND (? IS NULL OR connection = ?) ORDER BY connection, woo_order_id",
                (state, connection, connection),
            )
            for row in rows:
                await self._move(
                    row["woo_order_id"],
                    row["connection"],
                    action,
                    to_state,
                    detail,
                    next_attempt_at=None,
                )
        return len(rows)

    async def _record(
        self, entry: OutboxEntry, from_state: OutboxState | None, detail: str
    ) -> None:
        await self._db.execute(
            "INSERT INTO outbox_history"
            " (connection, woo_order_id, at, from_state, to_state, detail)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                entry.connection,
                entry.woo_order_id,
                to_text(self._clock()),
                from_state,
                entry.state,
                detail,
            ),
        )
