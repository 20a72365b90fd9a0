"""WooCommerce coupons written to a back office that keeps vouchers.

A back office declaring ``vouchers`` gets the shop's coupons as vouchers,
matched by code (``write_vouchers``: a code it already has is updated, never
created twice, so a first run against a back office holding vouchers
duplicates nothing).  Each coupon's link (``coupon``: voucher id ↔ coupon id)
keeps a hash of what was written: an unchanged coupon, or our own write coming
back, costs nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from engine.backends.base import Capability
from engine.backends.records import ItemResult
from engine.model import Coupon
from engine.store import Link
from engine.sync.context import SyncContext
from engine.sync.directions import Entity
from engine.sync.fieldhash import encode, fingerprint

__all__ = [
    "COUPON",
    "COUPON_PULLED",
    "CouponPush",
    "CouponReport",
    "coupon_digest",
    "coupon_from_woo",
    "voucher_digest",
]

COUPON = "coupon"
# voucher id <-> coupon id, hash: the voucher as last read or written (engine.sync.coupon_pull)
COUPON_PULLED = "coupon.backoffice"


@dataclass(frozen=True)
class CouponReport:
    written: int = 0
    unchanged: int = 0
    refused: tuple[str, ...] = ()  # "<code>: <reason>"


def coupon_from_woo(data: dict[str, Any]) -> Coupon:
    try:
        amount = Decimal(str(data.get("amount") or "0"))
    except InvalidOperation:
        amount = Decimal(0)
    expires = data.get("date_expires_gmt") or data.get("date_expires")
    return Coupon(
        code=str(data.get("code") or ""),
        kind=str(data.get("discount_type") or "fixed_cart"),
        amount=amount,
        woo_id=int(data["id"]),
        description=str(data.get("description") or ""),
        expires_gmt=_utc(expires),
        usage_limit=data.get("usage_limit"),
    )


def _utc(text: Any) -> datetime | None:
    """WooCommerce's ``*_gmt`` dates are naive ISO-8601 in UTC."""
    if not text:
        return None
    moment = datetime.fromisoformat(str(text))
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _fields(coupon: Coupon) -> dict[str, Any]:
    return {
        "code": coupon.code, "kind": coupon.kind, "amount": str(coupon.amount),
        "expires": coupon.expires_gmt.isoformat() if coupon.expires_gmt else "",
        "usage_limit": coupon.usage_limit or 0,
    }  # fmt: skip


def coupon_digest(coupon: Coupon) -> str:
    """The hash a ``coupon`` link keeps: the coupon as the shop last showed it."""
    return encode(fingerprint(_fields(coupon)))


def voucher_digest(coupon: Coupon) -> str:
    """What a voucher says, compared across reads; the code in WooCommerce's lower case
    and the amount without trailing zeros, since each side spells them its own way."""
    amount = coupon.amount.normalize() if coupon.amount else Decimal(0)
    fields = {
        "code": coupon.code.lower(),
        "kind": "percent" if coupon.kind == "percent" else "money",
        "amount": f"{amount:f}",
        "expires": coupon.expires_gmt.isoformat() if coupon.expires_gmt else "",
        "usage_limit": coupon.usage_limit or 0,
    }
    return encode(fingerprint(fields))


class CouponPush:
    """``await CouponPush(ctx).run()``: the shop's coupons as the back office's vouchers."""

    def __init__(self, ctx: SyncContext) -> None:
        self.ctx = ctx

    async def run(self) -> CouponReport:
        if Capability.VOUCHERS not in self.ctx.backend.capabilities:
            return CouponReport()
        if not self.ctx.directions.pushes(Entity.COUPONS):
            return CouponReport()
        links, connection = self.ctx.store.links, self.ctx.connection
        planned: list[tuple[Coupon, str]] = []
        unchanged = 0
        async for page in self.ctx.woo.iter_pages("coupons", {"orderby": "id", "order": "asc"}):
            for data in page.items:
                coupon = coupon_from_woo(data)
                digest = coupon_digest(coupon)
                link = await links.get_by_woo_id(COUPON, int(data["id"]), connection=connection)
                if link is not None and link.hash == digest:
                    unchanged += 1
                else:
                    planned.append((coupon, digest))
        if not planned:
            return CouponReport(unchanged=unchanged)
        results = await self.ctx.backend.write_vouchers([c for c, _ in planned])
        written, refused = [], []
        for (coupon, digest), result in zip(planned, results, strict=True):
            if result.ok and result.remote_id and coupon.woo_id is not None:
                written.append(Link(COUPON, result.remote_id, coupon.woo_id, coupon.code, digest))
            else:
                refused.append(f"{coupon.code}: {result.message}")
        await links.upsert_many(written + _as_read_back(planned, results), connection=connection)
        return CouponReport(len(written), unchanged, tuple(refused))


def _as_read_back(planned: list[tuple[Coupon, str]], results: list[ItemResult]) -> list[Link]:
    """The vouchers as written: reading them back (coupons = "both") is no change."""
    return [
        Link(COUPON_PULLED, result.remote_id, coupon.woo_id, None, voucher_digest(coupon))
        for (coupon, _), result in zip(planned, results, strict=True)
        if result.ok and result.remote_id and coupon.woo_id is not None
    ]
