"""Read models of the catalog for the console's products screen.

Linked items come from the store's links, skipped ones from the skipped
table, and "unlinked" (back-office products the shop doesn't have yet) from
a dry run of the catalog job, so the list is exactly what a real run would
create.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo

from engine.runtime.engine import Engine
from engine.store import Link
from engine.sync.diff import CatalogDiff

__all__ = [
    "MISSING_IN_BACKOFFICE",
    "ProductRow",
    "catalog_preview",
    "linked_products",
    "skipped_products",
    "unlinked_products",
]


MISSING_IN_BACKOFFICE = "missing in back office"


@dataclass(frozen=True)
class ProductRow:
    sku: str
    name: str
    backoffice_id: str
    woo_id: int | None
    kind: str
    detail: str = ""


def _matches(search: str, *texts: str | None) -> bool:
    needle = search.strip().lower()
    return not needle or any(needle in (t or "").lower() for t in texts)


async def linked_products(
    engine: Engine, connection: str, search: str = "", *, limit: int = 500
) -> tuple[ProductRow, ...]:
    """Products and variations that have a Woo twin, filtered by SKU, name or id.

    The name is the one tillsync last wrote or linked; a product the back office
    no longer has (found by an order's line check) says so instead of "linked".
    """
    rows: list[ProductRow] = []
    async for link in engine.store.links.iterate(connection=connection):
        if link.kind not in ("product", "variation"):
            continue
        if _matches(search, link.sku, link.name, link.backoffice_id, str(link.woo_id)):
            rows.append(_linked_row(link, engine.config.tz))
            if len(rows) >= limit:
                break
    return tuple(rows)


def _linked_row(link: Link, tz: tzinfo) -> ProductRow:
    if link.gone_at is not None:
        detail = f"{MISSING_IN_BACKOFFICE} (found {link.gone_at.astimezone(tz):%Y-%m-%d %H:%M})"
    elif link.updated_at is not None:
        detail = f"linked {link.updated_at.astimezone(tz):%Y-%m-%d %H:%M}"
    else:
        detail = "linked"
    return ProductRow(
        link.sku or "", link.name or "", link.backoffice_id, link.woo_id, link.kind, detail
    )


async def skipped_products(
    engine: Engine, connection: str, search: str = ""
) -> tuple[ProductRow, ...]:
    """Items a job set aside, with the reason (cleared ones are tried again next run)."""
    entries = await engine.store.skipped.entries(connection=connection)
    return tuple(
        ProductRow(item.key, "", item.key, None, item.kind, item.reason)
        for item in entries
        if _matches(search, item.key, item.reason)
    )


def unlinked_products(diff: CatalogDiff, search: str = "") -> tuple[ProductRow, ...]:
    """Back-office products the next catalog run would create (from a dry run)."""
    return tuple(
        ProductRow(e.key, e.name, "", None, e.entity, "will be created")
        for e in diff.of("create", "product")
        if _matches(search, e.key, e.name)
    )


async def catalog_preview(engine: Engine, connection: str) -> CatalogDiff:
    """*Network.*  The next catalog run as a dry run: nothing is written."""
    report = await engine.run_job("catalog", connection, dry_run=True)
    return report.diff
