"""Catalog and stock differences, read from the full catalog and stock passes.

The nightly passes already compare every linked product on both sides and
rewrite what is stale (a price, a stock level); their diffs are the list of
what differed.  Each becomes a :class:`Drift` with its likely cause: a
product the shop lacks is unlinked, one the back office deleted or
deactivated is drafted, a skipped one is set aside (with the catalog job's
reason), a price or stock level that differs after the
regular syncs ran was changed by hand in the shop (stock is compared after
the quantities of orders still in flight, as the stock job counts them).
"""

from __future__ import annotations

from collections.abc import Iterable

from engine.reconcile.drift import Drift, DriftKind
from engine.sync.diff import CatalogDiff, DiffEntry

__all__ = ["catalog_drifts"]


def _fixed(dry_run: bool) -> str:
    return "would be rewritten (dry run)" if dry_run else "rewritten from the back office"


def _changed(entry: DiffEntry, kind: DriftKind, dry_run: bool) -> Drift:
    parts = [
        f"{c.field}: {'?' if c.before is None else c.before} -> {c.after}" for c in entry.changes
    ]
    first = entry.changes[0]
    return Drift(
        kind, entry.key, f"{entry.name or entry.key}: " + "; ".join(parts),
        cause="changed by hand in the shop", action=_fixed(dry_run),
        shop="" if first.before is None else str(first.before), backoffice=str(first.after),
        woo_product_id=entry.woo_id,
    )  # fmt: skip


def _drift(entry: DiffEntry, dry_run: bool) -> Drift | None:
    if entry.action == "skip":
        return Drift(
            DriftKind.SET_ASIDE, entry.key, f"{entry.entity} {entry.key} is set aside",
            cause=f"set aside: {entry.reason}", action="listed for a human",
            woo_product_id=entry.woo_id,
        )  # fmt: skip
    if entry.action == "create" and entry.entity in ("product", "variation"):
        return Drift(
            DriftKind.PRODUCT_MISSING, entry.key, f"{entry.name or entry.key} is not in the shop",
            cause="unlinked: in the back office, not in the shop",
            action="would be created (dry run)" if dry_run else "created in the shop",
        )  # fmt: skip
    if entry.action != "update":
        return None
    if entry.entity == "stock":
        return _changed(entry, DriftKind.STOCK, dry_run)
    if any(c.field == "status" and c.after == "draft" for c in entry.changes):
        return Drift(
            DriftKind.PRODUCT_MISSING, entry.key, f"{entry.name or entry.key} is gone or "
            "inactive in the back office, still for sale in the shop",
            cause="deleted or deactivated in the back office",
            action="would be drafted (dry run)" if dry_run else "drafted in the shop",
            woo_product_id=entry.woo_id,
        )  # fmt: skip
    prices = tuple(c for c in entry.changes if "price" in c.field)
    if prices:
        return _changed(
            DiffEntry(**{**entry.__dict__, "changes": prices}), DriftKind.PRICE, dry_run
        )
    return None


def catalog_drifts(diffs: Iterable[CatalogDiff], *, dry_run: bool) -> list[Drift]:
    """The drifts the passes' diffs list (a real run lists up to REAL_RUN_LISTED entries)."""
    found = (_drift(entry, dry_run) for diff in diffs for entry in diff.entries)
    return [drift for drift in found if drift is not None]
