"""What the Sitoo adapter reads from the sandbox: variant families, the product
filter, bad rows set aside with a reason (the rest goes on), paging to totalcount."""

from __future__ import annotations

from decimal import Decimal

import pytest

from engine.backends.sitoo import ProductFilter
from sandbox import sitoo

from .sitoo_harness import sitoo_backend, sitoo_server

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def servers():
    with sitoo_server(products=20) as running:
        yield running


async def _products(backend, since=None):
    found, cursor = [], None
    async for page in backend.read_products(since):
        found += page.items
        cursor = page.cursor or cursor
    return found, cursor


async def test_variant_families_become_variable_products(servers) -> None:
    sb, server = servers
    sb.requests.clear()
    async with sitoo_backend(sb, server) as backend:
        products, _ = await _products(backend)
    families = [p for p in products if p.variants]
    # one productvariants read per family; the main rows came with the product pages
    assert sb.requests_to("GET", "/productvariants.json") == len(families)
    assert sb.requests_to("GET", "/products/{productid}.json") == 0
    mains = [p for p in sb.products.values() if p.get("variantparentid") == p["productid"]]
    assert len(families) == len(mains) == 4
    family = next(f for f in families if f.sku == f"{mains[0]['sku']}-parent")
    assert [v.attributes for v in family.variants] == [(("Size", s),) for s in ("S", "M", "L")]
    assert family.variants[0].sku == mains[0]["sku"]
    price = sb.pricelist_items[sitoo.PRICELIST_WEBSHOP][mains[0]["productid"]]["moneyprice"]
    assert family.variants[0].price.amount == Decimal(price)
    assert not any(p.sku.endswith(("-M", "-L")) for p in products if not p.variants)


async def test_bad_rows_are_set_aside_with_a_reason_and_the_rest_goes_on(servers, caplog) -> None:
    sb, server = servers
    singles = [p for p in sb.products.values() if p.get("variantparentid") is None]
    with sb.lock:
        sb.pricelist_items[sitoo.PRICELIST_WEBSHOP][singles[0]["productid"]]["moneyprice"] = "12,50"
        singles[1]["vatid"] = 99  # a VAT group that does not exist
        singles[2]["categories"] = ["404"]  # a deleted category
        variant = next(p for p in sb.products.values() if p["sku"].endswith("-M"))
        variant["sku"] = ""
    async with sitoo_backend(sb, server) as backend:
        products, _ = await _products(backend)
        reasons = dict(backend.set_aside)
    assert "is not a Sitoo money value" in reasons[singles[0]["sku"]]
    assert "unknown VAT group 99" in reasons[singles[1]["sku"]]
    assert "no longer exists in Sitoo" in reasons[singles[2]["sku"]]
    assert "has no SKU" in reasons[str(variant["productid"])]
    logged = [r.getMessage() for r in caplog.records if "set aside" in r.getMessage()]
    assert logged and all(m.startswith("sitoo[test]: ") for m in logged)  # the mode, every line
    problems = {p.sku: p.problem for p in products}
    assert (
        problems[singles[3]["sku"]] == ""
        and problems[singles[0]["sku"]] == reasons[singles[0]["sku"]]
    )  # the catalog job sets it aside with the reason


async def test_product_filter_and_incremental_reads(servers) -> None:
    sb, server = servers
    singles = [p for p in sb.products.values() if p.get("variantparentid") is None]
    with sb.lock:
        singles[0]["activepos"] = False
        singles[1]["active"] = False
        for n, row in enumerate(sb.products.values()):
            row["datemodified"] = 1_000 + n
    async with sitoo_backend(sb, server, product_filter=ProductFilter.ACTIVE_POS) as backend:
        products, cursor = await _products(backend)
        active = {p.sku: p.active for p in products}
        assert active[singles[0]["sku"]] is False and active[singles[1]["sku"]] is True
        with sb.lock:
            singles[3]["title"] = "Renamed"
            singles[3]["datemodified"] = int(cursor) + 5
        changed, _ = await _products(backend, cursor)
    # the cursor's own second is read again (Sitoo's "after" may or may not include it)
    assert singles[3]["sku"] in {p.sku for p in changed} and len(changed) <= 2


async def test_paging_reads_to_totalcount_even_when_the_server_caps_pages(servers) -> None:
    sb, server = servers
    sb.knobs.page_cap = 3
    async with sitoo_backend(sb, server) as backend:
        levels = [lv async for page in backend.read_stock() for lv in page.items]
    assert len(levels) == len(sb.warehouse_items[sitoo.WAREHOUSE_WEB])


async def test_gross_price_lists_become_net_prices_for_a_net_shop(servers) -> None:
    sb, server = servers
    single = next(p for p in sb.products.values() if p.get("variantparentid") is None)
    rate = Decimal(sb.productgroups[single["vatid"]]["value"])
    gross = Decimal(sb.pricelist_items[sitoo.PRICELIST_WEBSHOP][single["productid"]]["moneyprice"])
    async with sitoo_backend(sb, server, price_includes_tax=False) as backend:
        products, _ = await _products(backend)
    price = next(p.price for p in products if p.sku == single["sku"])
    assert price.amount == (gross / (1 + rate / 100)).quantize(Decimal("0.01"))


async def test_images_are_read_only_when_asked_and_resolved_against_the_site(servers) -> None:
    sb, server = servers
    single = next(p for p in sb.products.values() if p.get("variantparentid") is None)
    sb.requests.clear()
    async with sitoo_backend(sb, server) as backend:
        plain, _ = await _products(backend)
    assert sb.requests_to("GET", "/images.json") == 0
    assert all(not p.image_urls for p in plain)
    async with sitoo_backend(sb, server, read_images=True) as backend:
        products, _ = await _products(backend)
    urls = next(p.image_urls for p in products if p.sku == single["sku"])
    assert urls == (f"https://shop.example/images/{single['sku'].lower()}.jpg",)
