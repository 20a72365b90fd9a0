"""WooCommerce coupons → Sitoo vouchers, matched by code: a code Sitoo already has is
updated, never created twice; an unchanged coupon costs nothing; an edit goes up."""

from __future__ import annotations

import pytest

from engine.sync.coupons import CouponPush

from .test_sitoo_catalog import context
from .test_sitoo_full_sync import shop  # noqa: F401 (fixture)

pytestmark = pytest.mark.timeout(60)


def _vouchers(sb) -> dict[str, dict]:
    with sb.lock:
        return {v["vouchercode"]: dict(v) for v in sb.vouchers.values()}


async def test_coupons_become_vouchers_matched_by_code(shop, tmp_path) -> None:  # noqa: F811
    sb, _server, _woo, _ = shop
    before = len(sb.vouchers)
    async with context(shop, tmp_path) as ctx:
        welcome = await ctx.woo.post(
            "coupons", {"code": "WELCOME10", "discount_type": "percent", "amount": "15"}
        )
        await ctx.woo.post("coupons", {"code": "minus50", "discount_type": "fixed_cart",
                                       "amount": "50.00", "usage_limit": 3})  # fmt: skip
        first = await CouponPush(ctx).run()
        second = await CouponPush(ctx).run()
        await ctx.woo.put(f"coupons/{welcome['id']}", {"amount": "20"})
        third = await CouponPush(ctx).run()
    vouchers = _vouchers(sb)
    assert (first.written, second.written, second.unchanged, third.written) == (2, 0, 2, 1)
    assert len(sb.vouchers) == before + 1  # WELCOME10 existed: updated, not duplicated
    assert vouchers["WELCOME10"]["value_x"] == 20 and vouchers["WELCOME10"]["vouchertype"] == 200
    assert vouchers["minus50"]["money_m"] == "50.00" and vouchers["minus50"]["maxuses"] == 3
