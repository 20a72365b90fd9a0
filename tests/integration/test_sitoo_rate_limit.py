"""A 429 storm slows a Sitoo read down and does not stop it: the adapter honours
Retry-After and keeps going until the budget lets it through."""

from __future__ import annotations

import pytest

from engine.backends.sitoo.api import SITOO_RETRY
from sandbox import sitoo

from .sitoo_harness import sitoo_backend, sitoo_server

pytestmark = pytest.mark.timeout(60)


async def test_a_429_storm_slows_the_catalog_read_without_stopping_it() -> None:
    with sitoo_server(products=20) as (sb, server):
        sb.quota = sitoo.Quota(limit=4, window=1.0)
        sb.knobs.page_cap = 5
        async with sitoo_backend(sb, server, retry=SITOO_RETRY, page_size=5) as backend:
            products = [p async for page in backend.read_products() for p in page.items]
            retries = backend.stats.retries
    assert sb.quota.refused > 0 and retries >= sb.quota.refused
    assert {p.sku for p in products if not p.variants} >= {
        r["sku"] for r in sb.products.values() if r.get("variantparentid") is None
    }
