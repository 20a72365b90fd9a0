"""Back-office categories → WooCommerce product categories, hierarchy kept.

Incremental runs first ask the back office for categories changed since the
saved cursor and stop there when nothing changed (one cheap request).  When
something changed, or on a full run, the whole tree is read and planned
level by level (parents before children), unlinked categories are matched
by name under the same parent (as the shop stores names: ``&`` escaped,
tags stripped) before anything is created, and only changed
names/parents are written.  Nothing is ever deleted in the shop.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from engine.model import Category
from engine.store.links import Link
from engine.sync.category_plan import PlannedCategory, plan_levels
from engine.sync.diff import CatalogDiff, DiffEntry, FieldChange
from engine.sync.fieldhash import changed_fields, decode, encode, fingerprint
from engine.sync.jobrun import JobRun
from engine.sync.shop_values import shop_name
from engine.sync.validate import clean_text
from engine.woo import BatchItemResult

__all__ = ["CATEGORY_CURSOR", "CategorySync"]

CATEGORY_CURSOR = "catalog.categories"
_KIND = "category"


def _woo_key(name: str, parent: int) -> tuple[str, int]:
    """Names compared as the shop shows them (it answers "Books &amp; Stationery")."""
    return shop_name(clean_text(name)).casefold(), parent


class CategorySync:
    """One category pass inside a catalog run; returns back-office → Woo ids."""

    def __init__(self, run: JobRun, diff: CatalogDiff) -> None:
        self.run = run
        self.ctx = run.ctx
        self.diff = diff
        self._ids: dict[str, int] = {}
        self._links: dict[str, Link] = {}
        self._woo_keys: dict[tuple[str, int], int] | None = None

    async def sync(self) -> dict[str, int]:
        await self._load_links()
        changed, cursor, whole = await self._changes()
        if not changed and not self.run.full:
            return self._ids
        # read from no cursor (a full run, or the first one): that read was the whole tree
        categories = changed if whole else await self._read_all()
        plan = plan_levels(categories)
        for category_id, reason in plan.orphans.items():
            await self.run.skip(_KIND, category_id, reason)
        for level in plan.levels:
            await self._apply_level(level)
        if cursor is not None and not self.run.dry_run:
            await self.ctx.store.cursors.set(
                CATEGORY_CURSOR, cursor, connection=self.ctx.connection
            )
        return self._ids

    async def _load_links(self) -> None:
        async for link in self.ctx.store.links.iterate(_KIND, connection=self.ctx.connection):
            self._links[link.backoffice_id] = link
            self._ids[link.backoffice_id] = link.woo_id

    async def _changes(self) -> tuple[list[Category], str | None, bool]:
        """Categories changed since the cursor, the new cursor, and whether the read
        was the whole tree (no cursor: a full run or the first run)."""
        since = None
        if not self.run.full:
            since = await self.ctx.store.cursors.value(
                CATEGORY_CURSOR, connection=self.ctx.connection
            )
        items: list[Category] = []
        cursor = None
        async for page in self.ctx.backend.read_categories(since=since):
            items.extend(page.items)
            cursor = page.cursor or cursor
        return items, cursor, since is None

    async def _read_all(self) -> list[Category]:
        return [c async for page in self.ctx.backend.read_categories() for c in page.items]

    async def _woo_index(self) -> dict[tuple[str, int], int]:
        if self._woo_keys is None:
            self._woo_keys = {}
            async for item in self.ctx.woo.iter_categories():
                key = _woo_key(str(item.get("name", "")), int(item.get("parent") or 0))
                self._woo_keys.setdefault(key, int(item["id"]))
        return self._woo_keys

    async def _apply_level(self, level: Sequence[PlannedCategory]) -> None:
        creates: list[tuple[Category, dict[str, Any]]] = []
        updates: list[tuple[Category, dict[str, Any], dict[str, Any]]] = []
        adopted: list[Link] = []
        for planned in level:
            category = planned.category
            fields = self._fields(category)
            link = self._links.get(category.id)
            if link is not None:
                send = changed_fields(decode(link.hash), fields)
                if send:
                    updates.append((category, fields, {"id": link.woo_id, **send}))
                else:
                    self.diff.add(DiffEntry("unchanged", _KIND, category.id))
                continue
            existing = (await self._woo_index()).get(_woo_key(fields["name"], fields["parent"]))
            if existing is not None:
                adopted.append(self._remember(category, existing, fields))
                self.diff.add(DiffEntry("unchanged", _KIND, category.id, category.name, existing))
            else:
                creates.append((category, fields))
        await self._write(creates, updates, adopted)

    def _fields(self, category: Category) -> dict[str, Any]:
        parent = self._ids.get(category.parent_id, 0) if category.parent_id else 0
        return {"name": shop_name(clean_text(category.name)), "parent": parent}

    def _remember(self, category: Category, woo_id: int, fields: dict[str, Any]) -> Link:
        self._ids[category.id] = woo_id
        link = Link(_KIND, category.id, woo_id, hash=encode(fingerprint(fields)))
        self._links[category.id] = link
        return link

    async def _write(
        self,
        creates: list[tuple[Category, dict[str, Any]]],
        updates: list[tuple[Category, dict[str, Any], dict[str, Any]]],
        adopted: list[Link],
    ) -> None:
        for category, fields in creates:
            self.diff.add(_entry("create", category, None, fields))
        for category, _, send in updates:
            self.diff.add(_entry("update", category, send["id"], send))
        if self.run.dry_run or not (creates or updates or adopted):
            return
        result = await self.ctx.woo.batch(
            "products/categories",
            create=[fields for _, fields in creates],
            update=[send for _, _, send in updates],
            concurrency=self.ctx.write_concurrency,  # a level of >100 goes out in parallel
        )
        links = list(adopted)
        for item in result.created:
            links.extend(await self._created(creates[item.index], item))
        for item in result.updated:
            links.extend(await self._updated(updates[item.index], item))
        await self.ctx.store.links.upsert_many(links, connection=self.ctx.connection)

    async def _created(
        self, planned: tuple[Category, dict[str, Any]], item: BatchItemResult
    ) -> list[Link]:
        category, fields = planned
        existing = item.data.get("resource_id") if item.code == "term_exists" else None
        woo_id = item.id if item.ok else existing
        if not woo_id:
            await self._failed(category, item)
            return []
        self.run.totals.written += 1
        return [self._remember(category, int(woo_id), fields)]

    async def _updated(
        self, planned: tuple[Category, dict[str, Any], dict[str, Any]], item: BatchItemResult
    ) -> list[Link]:
        category, fields, _ = planned
        if not item.ok:
            await self._failed(category, item)
            return []
        self.run.totals.written += 1
        return [self._remember(category, self._ids[category.id], fields)]

    async def _failed(self, category: Category, item: BatchItemResult) -> None:
        if item.kind is not None and item.kind.retryable:
            self.run.totals.failed += 1
            self.run.note(f"category {category.name!r} not written yet: {item.message}")
            return
        await self.run.skip(_KIND, category.id, f"WooCommerce refused it: {item.message}")


def _entry(action: str, category: Category, woo_id: int | None, fields: dict) -> DiffEntry:
    changes = tuple(FieldChange(k, v) for k, v in fields.items() if k != "id")
    return DiffEntry(action, _KIND, category.id, category.name, woo_id, changes)  # type: ignore[arg-type]
