"""Sitoo vouchers → WooCommerce coupons (``coupons = "pull"`` or ``"both"``), over loopback.

A voucher whose code the shop already has (in any case) updates that coupon,
never a second one; an unchanged voucher costs nothing; a voucher type
WooCommerce has no discount for is refused with the reason; both ways on, our
own writes never come back as edits.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from engine.sync.catalog import CatalogSync
from engine.sync.coupon_pull import sync_coupons
from engine.sync.coupons import CouponPush
from engine.sync.directions import Direction, Directions
from sandbox import sitoo

from .test_sitoo_catalog import context
from .test_sitoo_full_sync import shop  # noqa: F401 (fixture)

pytestmark = pytest.mark.timeout(60)

EXPIRES = int(datetime(2031, 5, 1, 12, 0, tzinfo=UTC).timestamp())


def _add_vouchers(sb: sitoo.SitooSandbox) -> None:
    with sb.lock:
        for fields in (
            {"vouchercode": "MINUS50", "vouchertype": 100, "money_m": "50.00", "maxuses": 3,
             "dateend": EXPIRES},
            {"vouchercode": "3FOR2", "vouchertype": 300, "value_x": 3, "value_y": 2},
        ):  # fmt: skip
            vid = sb.next_id("voucher")
            sb.vouchers[vid] = {"voucherid": vid, "vouchername": "campaign", **fields}


def _coupons(woo) -> dict[str, dict]:
    with woo.lock:
        return {c["code"]: dict(c) for c in woo.coupons.values()}


async def test_vouchers_become_coupons_matched_by_code_once(shop, tmp_path) -> None:  # noqa: F811
    sb, _server, woo, _ = shop
    _add_vouchers(sb)
    async with context(shop, tmp_path) as ctx:
        ctx = replace(ctx, directions=Directions(coupons=Direction.PULL))
        had = await ctx.woo.post("coupons", {"code": "Welcome10", "amount": "5"})
        first = await sync_coupons(ctx)
        second = await sync_coupons(ctx)
        with sb.lock:
            summer = next(v for v in sb.vouchers.values() if v["vouchercode"] == "SUMMER")
            summer["value_x"] = 25
        third = await sync_coupons(ctx)
        pushed = await CouponPush(ctx).run()  # coupons = "pull": nothing goes up
        shown = await ctx.woo.get(f"coupons/{_coupons(woo)['minus50']['id']}")
    coupons = _coupons(woo)
    assert sorted(coupons) == ["minus50", "summer", "welcome10"]  # no second welcome10
    assert coupons["welcome10"]["id"] == had["id"] and coupons["welcome10"]["amount"] == "10"
    assert (first.written, second.written, second.unchanged, third.written) == (3, 0, 3, 1)
    assert first.refused == ("3FOR2: voucher type 300 has no WooCommerce discount type",)
    assert coupons["summer"]["amount"] == "25" and coupons["summer"]["discount_type"] == "percent"
    minus50 = coupons["minus50"]
    assert minus50["discount_type"] == "fixed_cart" and minus50["amount"] == "50.00"
    assert shown["usage_limit"] == 3 and shown["date_expires_gmt"] == "2031-05-01T12:00:00"
    assert (pushed.written, pushed.unchanged) == (0, 0)


async def test_both_ways_our_writes_do_not_come_back(shop, tmp_path) -> None:  # noqa: F811
    sb, _server, woo, _ = shop
    async with context(shop, tmp_path) as ctx:
        ctx = replace(ctx, directions=Directions(coupons=Direction.BOTH))
        await ctx.woo.post("coupons", {"code": "shop5", "discount_type": "fixed_cart",
                                       "amount": "5.00"})  # fmt: skip
        first = await sync_coupons(ctx)  # shop5 goes up, WELCOME10 and SUMMER come down
        again = await sync_coupons(ctx)
        vouchers_after_first = len(sb.vouchers)
    assert first.written == 3 and first.refused == ()
    assert (again.written, again.unchanged) == (0, 6)  # 3 coupons seen, 3 vouchers read
    assert vouchers_after_first == 3 and len(_coupons(woo)) == 3


async def test_the_catalog_job_brings_vouchers_down(shop, tmp_path) -> None:  # noqa: F811
    _sb, _server, woo, _ = shop
    async with context(shop, tmp_path) as ctx:
        pulled = replace(ctx, directions=Directions(coupons=Direction.PULL))
        await CatalogSync(ctx).run()  # default directions: no coupons come down
        before = sorted(_coupons(woo))
        await CatalogSync(pulled).run()
    assert before == [] and sorted(_coupons(woo)) == ["summer", "welcome10"]


async def test_a_coupon_deleted_in_the_shop_is_made_again(shop, tmp_path) -> None:  # noqa: F811
    sb, _server, woo, _ = shop
    async with context(shop, tmp_path) as ctx:
        ctx = replace(ctx, directions=Directions(coupons=Direction.PULL))
        await sync_coupons(ctx)
        gone = _coupons(woo)["summer"]["id"]
        await ctx.woo.delete(f"coupons/{gone}", force=True)
        with sb.lock:
            summer = next(v for v in sb.vouchers.values() if v["vouchercode"] == "SUMMER")
            summer["value_x"] = 30
        again = await sync_coupons(ctx)
    coupons = _coupons(woo)
    assert again.written == 1 and again.refused == ()
    assert coupons["summer"]["id"] != gone and coupons["summer"]["amount"] == "30"
