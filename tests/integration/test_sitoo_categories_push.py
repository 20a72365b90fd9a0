"""Shop categories → Sitoo (categories = "push" or "both"), over loopback.

The shop's tree goes to Sitoo parents first; a category Sitoo already has
under the same parent is linked, not created again; an unchanged tree writes
nothing, and the pull reading our writes back writes nothing to the shop.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from engine.sync.catalog import CatalogSync
from engine.sync.directions import Direction, Directions
from sandbox import sitoo

from .test_sitoo_catalog import context
from .test_sitoo_full_sync import shop  # noqa: F401 (fixture)

pytestmark = pytest.mark.timeout(120)


def _titles(sb: sitoo.SitooSandbox) -> list[tuple[str, str | None]]:
    with sb.lock:
        rows = list(sb.categories.values())
        title = {r["categoryid"]: r["title"] for r in rows}
        return sorted((r["title"], title.get(r.get("categoryparentid"))) for r in rows)


async def test_the_shop_tree_goes_to_sitoo_once(shop, tmp_path) -> None:  # noqa: F811
    sb, _server, woo, _ = shop
    existing = next(c for c in sb.categories.values() if c.get("categoryparentid") is None)
    async with context(shop, tmp_path) as ctx:
        ctx = replace(ctx, directions=Directions(categories=Direction.BOTH))
        twin = await ctx.woo.post("products/categories", {"name": existing["title"]})
        garden = await ctx.woo.post("products/categories", {"name": "Garden & Patio"})
        await ctx.woo.post("products/categories", {"name": "Tools", "parent": garden["id"]})
        before = len(sb.categories)
        first = await CatalogSync(ctx).run()
        categories_in_shop = len(woo.categories)
        again = await CatalogSync(ctx).run()
        link = await ctx.store.links.get_by_woo_id("category", twin["id"], connection="default")
    assert len(sb.categories) == before + 2  # Garden & Patio and its Tools; the twin linked
    assert ("Tools", "Garden & Patio") in _titles(sb) and ("Garden & Patio", None) in _titles(sb)
    assert link is not None and link.backoffice_id == str(existing["categoryid"])
    assert first.totals.failed == 0 and again.totals.written == 0
    assert len(woo.categories) == categories_in_shop  # Sitoo's tree came down, ours not twice
