"""Admin-maintained mappings between Woo values and back-office values.

(connection, kind, source) → target: a Woo tax class to a back-office tax code, a
payment gateway id to a payment method, an order status to a receipt type…
Import replaces whole kinds in one transaction, so a half-applied import can
never leave orders routed by a mix of old and new rules.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from enum import StrEnum

from engine.store.database import DEFAULT_CONNECTION, Database
from engine.store.timestamps import to_text

__all__ = ["MappingKind", "Mappings"]


class MappingKind(StrEnum):
    TAX_CLASS = "tax_class"
    PAYMENT = "payment"
    ORDER_STATUS = "order_status"
    CATEGORY = "category"
    LOCATION = "location"
    DEFAULT = "default"  # defaults such as the fallback sector or customer group


class Mappings:
    """The mappings table; ``kind`` must be a :class:`MappingKind` value."""

    def __init__(self, db: Database, clock: Callable[[], datetime]) -> None:
        self._db = db
        self._clock = clock

    async def get(
        self, kind: MappingKind | str, source: str, *, connection: str = DEFAULT_CONNECTION
    ) -> str | None:
        return await self._db.fetch_value(
            "SELECT target FROM mappings WHERE connection = ? AND kind = ? AND source = ?",
            (connection, MappingKind(kind), source),
        )

    async def set(
        self,
        kind: MappingKind | str,
        source: str,
        target: str,
        *,
        connection: str = DEFAULT_CONNECTION,
    ) -> None:
        async with self._db.transaction():
            await self._write(connection, MappingKind(kind), {source: target})

    async def delete(
        self, kind: MappingKind | str, source: str, *, connection: str = DEFAULT_CONNECTION
    ) -> bool:
        async with self._db.transaction():
            deleted = await self._db.execute(
                "DELETE FROM mappings WHERE connection = ? AND kind = ? AND source = ?",
                (connection, MappingKind(kind), source),
            )
        return deleted > 0

    async def of_kind(
        self, kind: MappingKind | str, *, connection: str = DEFAULT_CONNECTION
    ) -> dict[str, str]:
        rows = await self._db.fetch_all(
            "SELECT source, target FROM mappings WHERE connection = ? AND kind = ? ORDER BY source",
            (connection, MappingKind(kind)),
        )
        return {row["source"]: row["target"] for row in rows}

    async def export_all(
        self, *, connection: str = DEFAULT_CONNECTION
    ) -> dict[MappingKind, dict[str, str]]:
        """Every kind (empty ones included) → {source: target}, ready to serialise."""
        rows = await self._db.fetch_all(
            "SELECT kind, source, target FROM mappings WHERE connection = ? ORDER BY kind, source",
            (connection,),
        )
        exported: dict[MappingKind, dict[str, str]] = {kind: {} for kind in MappingKind}
        for row in rows:
            exported[MappingKind(row["kind"])][row["source"]] = row["target"]
        return exported

    async def import_all(
        self,
        mappings: Mapping[MappingKind | str, Mapping[str, str]],
        *,
        connection: str = DEFAULT_CONNECTION,
    ) -> int:
        """Replace each kind present in ``mappings`` (kinds absent are kept), atomically.

        Every kind name is checked before anything is written.
        """
        checked = {MappingKind(kind): dict(pairs) for kind, pairs in mappings.items()}
        async with self._db.transaction():
            for kind, pairs in checked.items():
                await self._db.execute(
                    "DELETE FROM mappings WHERE connection = ? AND kind = ?", (connection, kind)
                )
                await self._write(connection, kind, pairs)
        return sum(len(pairs) for pairs in checked.values())

    async def _write(self, connection: str, kind: MappingKind, pairs: Mapping[str, str]) -> None:
        now = to_text(self._clock())
        await self._db.execute_many(
            "INSERT INTO mappings (connection, kind, source, target, updated_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (connection, kind, source)"
            " DO UPDATE SET target = excluded.target, updated_at = excluded.updated_at",
            [(connection, kind, str(src), str(dst), now) for src, dst in pairs.items()],
        )
