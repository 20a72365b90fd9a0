"""Links: which WooCommerce object mirrors which back-office object.

The link also remembers a hash of the fields last written, so an unchanged
item costs nothing on the next sync.  A Woo object can mirror only one
back-office object: linking a Woo id that another back-office id held moves
the link (the old row is dropped and logged), because the newest write is
what the Woo object now shows.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from sqlite3 import Row

from engine.store.database import DEFAULT_CONNECTION, Database
from engine.store.timestamps import from_text, to_text

__all__ = ["Link", "Links"]

log = logging.getLogger(__name__)

_COLUMNS = "kind, backoffice_id, woo_id, sku, hash, updated_at, name, gone_at"


@dataclass(frozen=True)
class Link:
    """One back-office object ↔ one Woo object of the same ``kind`` ('product', 'variation', …)."""

    kind: str
    backoffice_id: str
    woo_id: int
    sku: str | None = None
    hash: str | None = None
    updated_at: datetime | None = None  # set by the store on write
    name: str | None = None  # the product's name when last written or linked (for the console)
    gone_at: datetime | None = None  # when the back office was found not to have it any more


def _link(row: Row) -> Link:
    return Link(
        kind=row["kind"],
        backoffice_id=row["backoffice_id"],
        woo_id=row["woo_id"],
        sku=row["sku"],
        hash=row["hash"],
        updated_at=from_text(row["updated_at"]),
        name=row["name"],
        gone_at=from_text(row["gone_at"]) if row["gone_at"] else None,
    )


class Links:
    """The links table of one store; every call is scoped by ``connection``."""

    def __init__(self, db: Database, clock: Callable[[], datetime]) -> None:
        self._db = db
        self._clock = clock

    async def get_by_backoffice_id(
        self, kind: str, backoffice_id: str, *, connection: str = DEFAULT_CONNECTION
    ) -> Link | None:
        row = await self._db.fetch_one(
            f"SELECT {_COLUMNS} FROM links WHERE connection = ? AND kind = ? AND backoffice_id = ?",
            (connection, kind, str(backoffice_id)),
        )
        return None if row is None else _link(row)

    async def get_many(
        self, kind: str, backoffice_ids: Iterable[str], *, connection: str = DEFAULT_CONNECTION
    ) -> dict[str, Link]:
        """Links of many back-office ids in one query (a page of products at a time)."""
        ids = [str(i) for i in backoffice_ids]
        found: dict[str, Link] = {}
        for start in range(0, len(ids), 500):  # stay under SQLite's variable limit
            chunk = ids[start : start + 500]
            marks = ", ".join("?" for _ in chunk)
            rows = await self._db.fetch_all(
                f"SELECT {_COLUMNS} FROM links WHERE connection = ? AND kind = ?"
                f" AND backoffice_id IN ({marks})",
                (connection, kind, *chunk),
            )
            found.update((row["backoffice_id"], _link(row)) for row in rows)
        return found

    async def owners_of_skus(
        self, kind: str, skus: Iterable[str], *, connection: str = DEFAULT_CONNECTION
    ) -> dict[str, set[str]]:
        """SKU → back-office ids linked under it, for a page of SKUs in one query each 500."""
        wanted = [s for s in {str(s) for s in skus} if s]
        owners: dict[str, set[str]] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ", ".join("?" for _ in chunk)
            rows = await self._db.fetch_all(
                f"SELECT sku, backoffice_id FROM links WHERE connection = ? AND sku IN ({marks})"
                " AND kind = ?",
                (connection, *chunk, kind),
            )
            for row in rows:
                owners.setdefault(row["sku"], set()).add(row["backoffice_id"])
        return owners

    async def get_by_woo_id(
        self, kind: str, woo_id: int, *, connection: str = DEFAULT_CONNECTION
    ) -> Link | None:
        row = await self._db.fetch_one(
            f"SELECT {_COLUMNS} FROM links WHERE connection = ? AND kind = ? AND woo_id = ?",
            (connection, kind, int(woo_id)),
        )
        return None if row is None else _link(row)

    async def get_by_sku(
        self, sku: str, *, kind: str | None = None, connection: str = DEFAULT_CONNECTION
    ) -> list[Link]:
        """All links carrying ``sku`` (a product and its variation may share none, one or more)."""
        rows = await self._db.fetch_all(
            f"SELECT {_COLUMNS} FROM links WHERE connection = ? AND sku = ?"
            # "+kind": sort after the lookup; a bare ORDER BY kind makes SQLite
            # walk the (connection, kind, …) index and scan every link instead
            " AND (? IS NULL OR kind = ?) ORDER BY +kind, id",
            (connection, sku, kind, kind),
        )
        return [_link(row) for row in rows]

    async def upsert(self, link: Link, *, connection: str = DEFAULT_CONNECTION) -> None:
        await self.upsert_many([link], connection=connection)

    async def upsert_many(
        self, links: Iterable[Link], *, connection: str = DEFAULT_CONNECTION
    ) -> int:
        """Insert or update ``links`` in one transaction; returns how many were written."""
        batch = list(links)
        now = to_text(self._clock())
        async with self._db.transaction():
            moved = await self._db.execute_many(
                "DELETE FROM links WHERE connection = ? AND kind = ? AND woo_id = ?"
                " AND backoffice_id != ?",
                [(connection, ln.kind, int(ln.woo_id), str(ln.backoffice_id)) for ln in batch],
            )
            await self._db.execute_many(
                "INSERT INTO links"
                " (connection, kind, backoffice_id, woo_id, sku, hash, updated_at, name)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (connection, kind, backoffice_id) DO UPDATE SET"
                " woo_id = excluded.woo_id, sku = excluded.sku, hash = excluded.hash,"
                " updated_at = excluded.updated_at, name = COALESCE(excluded.name, name)",
                [
                    (
                        connection,
                        ln.kind,
                        str(ln.backoffice_id),
                        int(ln.woo_id),
                        ln.sku,
                        ln.hash,
                        now,
                        ln.name,
                    )
                    for ln in batch
                ],
            )
        if moved > 0:
            log.warning(
                "%s: %d Woo object(s) re-linked to another back-office id", connection, moved
            )
        return len(batch)

    async def iterate(
        self, kind: str | None = None, *, connection: str = DEFAULT_CONNECTION, chunk: int = 500
    ) -> AsyncIterator[Link]:
        """Stream links in chunks, never holding the connection between chunks.

        WHY chunks by id: the caller may write to the store while iterating; a
        cursor held open across ``yield`` would block (or join) those writes.
        """
        last_id = 0
        while True:
            rows = await self._db.fetch_all(
                f"SELECT id, {_COLUMNS} FROM links WHERE connection = ? AND id > ?"
                " AND (? IS NULL OR kind = ?) ORDER BY id LIMIT ?",
                (connection, last_id, kind, kind, chunk),
            )
            for row in rows:
                yield _link(row)
            if len(rows) < chunk:
                return
            last_id = rows[-1]["id"]

    async def mark_gone(
        self,
        kind: str,
        backoffice_ids: Iterable[str],
        gone: bool,
        *,
        connection: str = DEFAULT_CONNECTION,
    ) -> int:
        """Note that the back office no longer has these (now), or has them again.

        The first time found missing is kept: it says since when at least.
        """
        stamp = to_text(self._clock()) if gone else None
        async with self._db.transaction():
            return await self._db.execute_many(
                "UPDATE links SET gone_at = CASE WHEN ? IS NULL THEN NULL"
                " ELSE COALESCE(gone_at, ?) END"
                " WHERE connection = ? AND kind = ? AND backoffice_id = ?",
                [(stamp, stamp, connection, kind, str(i)) for i in backoffice_ids],
            )

    async def delete(
        self, kind: str, backoffice_id: str, *, connection: str = DEFAULT_CONNECTION
    ) -> bool:
        async with self._db.transaction():
            return (
                await self._db.execute(
                    "DELETE FROM links WHERE connection = ? AND kind = ? AND backoffice_id = ?",
                    (connection, kind, str(backoffice_id)),
                )
                > 0
            )

    async def delete_kind(self, kind: str, *, connection: str = DEFAULT_CONNECTION) -> int:
        """The admin's "reset links" for one kind; the next sync re-matches by SKU."""
        async with self._db.transaction():
            return await self._db.execute(
                "DELETE FROM links WHERE connection = ? AND kind = ?", (connection, kind)
            )

    async def count(self, kind: str | None = None, *, connection: str = DEFAULT_CONNECTION) -> int:
        return int(
            await self._db.fetch_value(
                "SELECT count(*) FROM links WHERE connection = ? AND (? IS NULL OR kind = ?)",
                (connection, kind, kind),
            )
        )
