"""WooCommerce coupons as Sitoo vouchers, matched by ``vouchercode``.

``vouchername`` and ``vouchertype`` are required on a voucher write [V];
the meaning of the type codes is not documented.  [I] 200 is read as "percent
off" (the reconstruction's example: ``vouchertype 200, value_x 30``) and
100 as "money off" (``money_m``); they live here, in one table.  A voucher
whose code Sitoo already has is updated, never created again; codes match
without regard to case (WooCommerce stores coupon codes lower-cased [V]).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from engine.backends.records import ItemResult
from engine.backends.sitoo.api import SitooApi
from engine.errors import RemoteError
from engine.model import Coupon

__all__ = ["VOUCHER_TYPES", "VoucherWriter"]

VOUCHER_TYPES = {"percent": 200, "fixed_cart": 100, "fixed_product": 100}  # [I]


def voucher_body(coupon: Coupon) -> dict[str, Any]:
    body: dict[str, Any] = {
        "vouchername": coupon.description or coupon.code,
        "vouchercode": coupon.code,
        "vouchertype": VOUCHER_TYPES.get(coupon.kind, 100),
        "activepos": True,
    }
    if coupon.kind == "percent":
        body["value_x"] = int(coupon.amount)
    else:
        body["money_m"] = str(coupon.amount.quantize(Decimal("0.01"), ROUND_HALF_UP))
    if coupon.expires_gmt is not None:
        body["dateend"] = int(coupon.expires_gmt.timestamp())
    if coupon.usage_limit:
        body["maxuses"] = int(coupon.usage_limit)
    return body


class VoucherWriter:
    def __init__(self, api: SitooApi) -> None:
        self._api = api

    async def write(self, coupons: Sequence[Coupon]) -> list[ItemResult]:
        existing = {
            str(v.get("vouchercode")).lower(): v
            for v in await self._api.all_items(self._api.site("vouchers"))
            if v.get("vouchercode")
        }
        return [await self._one(coupon, existing.get(coupon.code.lower())) for coupon in coupons]

    async def _one(self, coupon: Coupon, current: dict[str, Any] | None) -> ItemResult:
        body = voucher_body(coupon)
        try:
            if current is not None:
                body["vouchercode"] = current["vouchercode"]  # Sitoo's spelling is kept
                vid = str(current["voucherid"])
                await self._api.write("PUT", self._api.site("vouchers", vid), body)
            else:
                vid = str(await self._api.write("POST", self._api.site("vouchers"), body))
        except RemoteError as error:
            return ItemResult(coupon.code, False, message=error.message)
        return ItemResult(coupon.code, True, vid)
