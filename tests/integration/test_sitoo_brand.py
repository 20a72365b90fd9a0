"""Sitoo's manufacturer as the shop's global "Brand" attribute, over loopback.

The attribute is found (or created once), each product names its manufacturer
as the attribute's option (a term), variable products keep their variation
attributes beside it, an unchanged manufacturer writes nothing, and a changed
one is written.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from engine.sync.catalog import CatalogSync

from .test_sitoo_catalog import _by_sku, _singles, context
from .test_sitoo_full_sync import shop  # noqa: F401 (fixture)

pytestmark = pytest.mark.timeout(120)


def _brands(product: dict) -> list[dict]:
    return [a for a in product.get("attributes", []) if a.get("slug") == "pa_brand"]


async def test_manufacturer_becomes_the_brand_term_once(shop, tmp_path) -> None:  # noqa: F811
    sb, _server, woo, _ = shop
    async with context(shop, tmp_path) as ctx:
        ctx = replace(ctx, prefs=replace(ctx.prefs, brand_attribute="Brand"))
        await ctx.woo.post("products/attributes", {"name": "brand"})  # the shop has one
        await CatalogSync(ctx).run()
        again = await CatalogSync(ctx).run(full=True)
        single = _singles(sb)[0]
        with sb.lock:
            single["manufacturerid"] = 1 + single["manufacturerid"] % 3
            single["datemodified"] = 4_000_000_000
            maker = sb.manufacturers[single["manufacturerid"]]["name"]
        changed = await CatalogSync(ctx).run()
    assert len(woo.attributes) == 1  # found by name, not created again
    (attribute_id,) = woo.attributes
    products = _by_sku(woo)
    assert again.totals.written == 0
    assert changed.totals.written == 1
    (brand,) = _brands(products[single["sku"]])
    assert brand["id"] == attribute_id and brand["options"] == [maker]
    family = next(p for p in products.values() if p.get("type") == "variable")
    names = [a["name"] for a in family["attributes"]]
    assert "brand" in names and len(names) > 1  # beside the variation attributes


async def test_no_brand_attribute_unless_asked(shop, tmp_path) -> None:  # noqa: F811
    _sb, _server, woo, _ = shop
    async with context(shop, tmp_path) as ctx:
        await CatalogSync(ctx).run()
    assert woo.attributes == {}
    assert not any(_brands(p) for p in _by_sku(woo).values())
