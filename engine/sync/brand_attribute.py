"""The shop's global brand attribute: found by name, or created once.

WHY global: a global attribute (taxonomy ``pa_<slug>``) makes each brand a
term the shop can filter and list products by, where a per-product text
attribute is only a label.  WooCommerce creates a term for an option it does
not have yet, so the catalog job only needs the attribute's id; an unchanged
brand costs nothing (the product's field hash).
"""

from __future__ import annotations

from typing import Any

from engine.woo import WooClient

__all__ = ["brand_attribute_id"]


def _slug(name: str) -> str:
    return "pa_" + "-".join(name.lower().split())


async def brand_attribute_id(woo: WooClient, name: str, *, dry_run: bool = False) -> int | None:
    """The id of the global attribute called ``name`` (created unless a dry run); None
    when no brand attribute is wanted (``name`` empty) or a dry run would create it."""
    if not name:
        return None
    existing: list[dict[str, Any]] = await woo.get("products/attributes") or []
    for attribute in existing:
        same_name = str(attribute.get("name", "")).casefold() == name.casefold()
        if same_name or attribute.get("slug") == _slug(name):
            return int(attribute["id"])
    if dry_run:
        return None
    created = await woo.post("products/attributes", {"name": name})
    return int(created["id"])
