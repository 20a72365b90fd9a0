"""WooCommerce coupons as Sitoo vouchers, matched by ``vouchercode``, and back.

``vouchername`` and ``vouchertype`` are required on a voucher write [V];
the meaning of the type codes is not documented.  [I] 200 is read as "percent
off" (the reconstruction's example: ``vouchertype 200, value_x 30``) and
100 as "money off" (``money_m``); they live here, in one table.  A voucher
whose code Sitoo already has is updated, never created again; codes match
without regard to case (WooCommerce stores coupon codes lower-cased [V]).

Read the other way (``coupons = "pull"``), a voucher of a type outside that
table (a "3 for 2", a bundle price) has no WooCommerce discount type: it is
refused with that reason.  A voucher named like its code has no description.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from engine.backends.records import ItemResult, Page
from engine.backends.sitoo.api import SitooApi
from engine.errors import RemoteError
from engine.model import Coupon

__all__ = ["VOUCHER_TYPES", "VoucherWriter", "coupon_from_voucher", "read_vouchers"]

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


def coupon_from_voucher(row: dict[str, Any]) -> Coupon:
    """A voucher as the shop's coupon; ``problem`` says why it can't be one."""
    code, kind = str(row.get("vouchercode") or ""), row.get("vouchertype")
    name = str(row.get("vouchername") or "")
    end, uses = row.get("dateend"), row.get("maxuses")
    coupon = Coupon(
        code=code,
        kind="percent" if kind == VOUCHER_TYPES["percent"] else "fixed_cart",
        amount=Decimal(0),
        description="" if name == code else name,
        expires_gmt=datetime.fromtimestamp(int(end), UTC) if end else None,
        usage_limit=int(uses) if uses else None,
        backoffice_id=str(row["voucherid"]),
    )
    if not code:
        return replace(coupon, problem="the voucher has no code")
    if kind not in (VOUCHER_TYPES["percent"], VOUCHER_TYPES["fixed_cart"]):
        return replace(coupon, problem=f"voucher type {kind} has no WooCommerce discount type")
    try:
        amount = Decimal(row.get("value_x") or 0) if coupon.kind == "percent" else None
        amount = amount if amount is not None else Decimal(str(row.get("money_m") or "0"))
    except InvalidOperation:
        return replace(coupon, problem=f"money_m {row.get('money_m')!r} is not an amount")
    return replace(coupon, amount=amount)


async def read_vouchers(api: SitooApi) -> AsyncIterator[Page[Coupon]]:
    """Every voucher of the site, a page at a time."""
    async for page in api.pages(api.site("vouchers")):
        yield Page(tuple(coupon_from_voucher(row) for row in page.items), None, page.total)
