"""The full sync with Sitoo: refused with the numbers when the request quota can't
cover it; otherwise catalog, stock and orders in order, bad items set aside and
listed; a failing step stops the sync unless errors are ignored."""

from __future__ import annotations

from dataclasses import replace

import pytest

from engine.sync.full_sync import FullSync, QuotaTooLow
from sandbox import sitoo

from .sitoo_harness import sitoo_and_shop
from .test_sitoo_catalog import _by_sku, _singles, context

pytestmark = pytest.mark.timeout(120)


@pytest.fixture
def shop():
    with sitoo_and_shop(products=24) as running:
        yield running


async def test_refused_with_the_numbers_when_the_quota_cannot_cover_it(shop, tmp_path) -> None:
    sb, _server, woo, _ = shop
    sb.quota = sitoo.Quota(limit=6, window=3600)
    async with context(shop, tmp_path) as ctx:
        with pytest.raises(QuotaTooLow) as refused:
            await FullSync(ctx).run()
    assert refused.value.budget.needed == 6 and refused.value.budget.remaining == 3
    assert "needs at least 6 requests; 3 left" in refused.value.message
    assert _by_sku(woo) == {}  # nothing was written


async def test_steps_in_order_with_bad_items_listed(shop, tmp_path) -> None:
    sb, _server, woo, _ = shop
    bad = _singles(sb)[0]
    with sb.lock:
        sb.pricelist_items[sitoo.PRICELIST_WEBSHOP][bad["productid"]]["moneyprice"] = "12,50"
    async with context(shop, tmp_path) as ctx:
        report = await FullSync(ctx).run()
    assert report.done == ["catalog", "coupons", "stock", "orders"] and report.failed == []
    assert any(line.startswith(f"catalog: {bad['sku']}: ") for line in report.set_aside)
    assert _singles(sb)[1]["sku"] in _by_sku(woo)


async def test_a_failing_step_stops_the_sync_unless_errors_are_ignored(shop, tmp_path) -> None:
    async with context(shop, tmp_path) as ctx:
        await FullSync(ctx).run()  # set up: the next runs are not first syncs
        broken = replace(ctx, stock_location_id="99")  # a warehouse Sitoo does not have
        stopped = await FullSync(broken).run()
        ignored = await FullSync(broken).run(ignore_errors=True)
    assert stopped.stopped_at == "stock" and stopped.done == ["catalog", "coupons"]
    assert stopped.failed and stopped.failed[0].startswith("stock: ")
    assert ignored.stopped_at is None and ignored.done == ["catalog", "coupons", "orders"]
    assert len(ignored.failed) == 1
