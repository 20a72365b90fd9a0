"""The Fix SKU tool: WooCommerce SKUs made acceptable to Sitoo.

Sitoo accepts SKUs of ``[A-Za-z0-9_+-/]`` only [V], and a shop product
without a SKU can't be paired with a Sitoo product at all.  The tool always
previews first: :meth:`FixSku.preview` reads the shop and returns the plan
(old SKU → new SKU per product, as diff lines); only a plan from a preview
can be applied, and applying it writes exactly those SKUs.

- an empty SKU becomes the chosen prefix plus the WooCommerce id (``FIX-123``);
- every character outside the pattern becomes ``-`` (``"A B"`` → ``"A-B"``);
- a fixed SKU another product already uses gets ``-<id>`` appended.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from engine.errors import ConfigError
from engine.woo import WooClient

__all__ = ["FixSku", "SkuFix", "SkuPlan", "fixed_sku"]

_OUTSIDE = re.compile(r"[^A-Za-z0-9_+\-/]")
_PREFIX = re.compile(r"[A-Za-z0-9_+\-/]{0,20}")


@dataclass(frozen=True)
class SkuFix:
    woo_id: int
    old: str
    new: str

    def __str__(self) -> str:
        return f"#{self.woo_id}: {self.old or '(empty)'!s} → {self.new}"


@dataclass(frozen=True)
class SkuPlan:
    """A preview's result; the only thing :meth:`FixSku.apply` takes."""

    prefix: str
    fixes: tuple[SkuFix, ...]

    def diff(self) -> list[str]:
        return [str(fix) for fix in self.fixes]


def fixed_sku(sku: str, woo_id: int, prefix: str) -> str | None:
    """The SKU Sitoo accepts for this product, or None when it already does."""
    if not sku.strip():
        return f"{prefix}{woo_id}"
    fixed = _OUTSIDE.sub("-", sku.strip())[:100]
    return None if fixed == sku else fixed


def _plan(products: Iterable[dict[str, Any]], prefix: str) -> tuple[SkuFix, ...]:
    rows = [(int(p["id"]), str(p.get("sku") or "")) for p in products]
    taken = {sku for _, sku in rows if sku}
    fixes = []
    for woo_id, sku in rows:
        new = fixed_sku(sku, woo_id, prefix)
        if new is None:
            continue
        if new in taken:
            new = f"{new}-{woo_id}"
        taken.add(new)
        fixes.append(SkuFix(woo_id, sku, new))
    return tuple(fixes)


class FixSku:
    """Preview, then apply; ``prefix`` is the chosen text for empty SKUs."""

    def __init__(self, woo: WooClient, prefix: str = "SKU-") -> None:
        if not _PREFIX.fullmatch(prefix):
            raise ConfigError(f"the SKU prefix {prefix!r} must itself fit Sitoo's SKU pattern")
        self._woo = woo
        self._prefix = prefix
        self._previewed: SkuPlan | None = None

    async def preview(self) -> SkuPlan:
        """The dry run: what would change, nothing written."""
        params = {"status": "any", "orderby": "id", "order": "asc"}
        products = [
            p async for page in self._woo.iter_pages("products", params) for p in page.items
        ]
        self._previewed = SkuPlan(self._prefix, _plan(products, self._prefix))
        return self._previewed

    async def apply(self, plan: SkuPlan) -> list[SkuFix]:
        """Write the previewed plan; returns the fixes WooCommerce accepted."""
        if plan is not self._previewed:
            raise ConfigError("apply the plan of this tool's own preview (run the dry run first)")
        if not plan.fixes:
            return []
        update = [{"id": fix.woo_id, "sku": fix.new} for fix in plan.fixes]
        result = await self._woo.batch("products", update=update)
        return [fix for fix, item in zip(plan.fixes, result.updated, strict=True) if item.ok]
