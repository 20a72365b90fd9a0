"""Small settings the engine changes at run time, as JSON, per connection.

WHY here and not in the TOML config: these are decisions the admin makes in
the TUI (a chosen POS device, a paused job) that must survive a restart
without rewriting the hand-edited config file.  Never store secrets here.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from engine.store.database import DEFAULT_CONNECTION, Database
from engine.store.timestamps import to_text

__all__ = ["StoredSettings"]


class StoredSettings:
    """The settings table: (connection, key) → JSON value."""

    def __init__(self, db: Database, clock: Callable[[], datetime]) -> None:
        self._db = db
        self._clock = clock

    async def get(
        self, key: str, default: Any = None, *, connection: str = DEFAULT_CONNECTION
    ) -> Any:
        text = await self._db.fetch_value(
            "SELECT value FROM settings WHERE connection = ? AND key = ?", (connection, key)
        )
        return default if text is None else json.loads(text)

    async def set(self, key: str, value: Any, *, connection: str = DEFAULT_CONNECTION) -> None:
        """Store any JSON-serialisable value (refused before writing if it isn't)."""
        text = json.dumps(value, ensure_ascii=False)
        async with self._db.transaction():
            await self._db.execute(
                "INSERT INTO settings (connection, key, value, updated_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (connection, key) DO UPDATE SET value = excluded.value,"
                " updated_at = excluded.updated_at",
                (connection, key, text, to_text(self._clock())),
            )

    async def delete(self, key: str, *, connection: str = DEFAULT_CONNECTION) -> bool:
        async with self._db.transaction():
            deleted = await self._db.execute(
                "DELETE FROM settings WHERE connection = ? AND key = ?", (connection, key)
            )
        return deleted > 0

    async def all(self, *, connection: str = DEFAULT_CONNECTION) -> dict[str, Any]:
        rows = await self._db.fetch_all(
            "SELECT key, value FROM settings WHERE connection = ? ORDER BY key", (connection,)
        )
        return {row["key"]: json.loads(row["value"]) for row in rows}
