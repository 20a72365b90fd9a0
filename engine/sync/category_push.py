"""Shop categories → the back office (``[directions] categories = "push"`` or ``"both"``).

Runs inside the catalog job before the pull.  The shop's tree is read whole
(terms carry no change date) and sent level by level, parents first, so a
child names its parent's back-office id.  The adapter matches an unlinked
category by name under the same parent before it creates one, so a first run
never duplicates the back office's tree.  Each ``category`` link keeps the
hash the pull keeps (the name, entities decoded, and the shop's parent id):
an unchanged category costs nothing, and the pull reading our write back
finds nothing to do.  WooCommerce's own "Uncategorized" stays in the shop.
"""

from __future__ import annotations

from typing import Any

from engine.backends.base import Capability
from engine.model import Category
from engine.store.links import Link
from engine.sync.diff import CatalogDiff, DiffEntry
from engine.sync.fieldhash import encode, fingerprint
from engine.sync.jobrun import JobRun
from engine.sync.shop_values import shop_name

__all__ = ["CategoryPush"]

_KIND = "category"
PUSHED = "category in the back office"  # the diff's entity for a pushed category


def _levels(rows: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """The shop's categories by depth (a parent it does not list counts as the top)."""
    by_id = {int(r["id"]): r for r in rows}

    def depth(row: dict[str, Any], seen: frozenset[int] = frozenset()) -> int:
        parent = int(row.get("parent") or 0)
        if parent not in by_id or parent in seen:
            return 0
        return 1 + depth(by_id[parent], seen | {int(row["id"])})

    levels: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        levels.setdefault(depth(row), []).append(row)
    return [levels[d] for d in sorted(levels)]


class CategoryPush:
    def __init__(self, run: JobRun, diff: CatalogDiff) -> None:
        self.run, self.ctx, self.diff = run, run.ctx, diff
        self._ids: dict[int, str] = {}  # shop id -> back-office id

    async def push(self) -> None:
        if Capability.CATEGORIES_WRITE not in self.ctx.backend.capabilities:
            return
        rows = [r async for r in self.ctx.woo.iter_categories() if r.get("slug") != "uncategorized"]
        for level in _levels(rows):
            await self._level(level)

    async def _level(self, rows: list[dict[str, Any]]) -> None:
        links, connection = self.ctx.store.links, self.ctx.connection
        planned: list[tuple[Category, int, str]] = []
        for row in rows:
            woo_id, parent = int(row["id"]), int(row.get("parent") or 0)
            name = shop_name(str(row.get("name", "")))  # as the pull compares it: decoded
            digest = encode(fingerprint({"name": name, "parent": parent}))
            link = await links.get_by_woo_id(_KIND, woo_id, connection=connection)
            if link is not None:
                self._ids[woo_id] = link.backoffice_id
                if link.hash == digest:
                    continue
            category = Category(link.backoffice_id if link else "", name, self._ids.get(parent))
            self.diff.add(DiffEntry("update" if link else "create", PUSHED, str(woo_id), name))
            planned.append((category, woo_id, digest))
        if planned and not self.run.dry_run:
            await self._write(planned)

    async def _write(self, planned: list[tuple[Category, int, str]]) -> None:
        results = await self.ctx.backend.write_categories([c for c, _, _ in planned])
        written: list[Link] = []
        for (category, woo_id, digest), result in zip(planned, results, strict=True):
            if result.ok and result.remote_id:
                self._ids[woo_id] = result.remote_id
                written.append(Link(_KIND, result.remote_id, woo_id, hash=digest))
                self.run.totals.written += 1
            else:
                reason = f"the back office refused the shop's category: {result.message}"
                await self.run.skip(_KIND, category.name, reason)
        await self.ctx.store.links.upsert_many(written, connection=self.ctx.connection)
