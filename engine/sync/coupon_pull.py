"""Back-office vouchers as WooCommerce coupons (``[directions] coupons = "pull"`` or ``"both"``).

WHY matched by code before any create: a shop moving to tillsync already has
coupons for the vouchers its back office keeps, and a first run must not
duplicate them (WooCommerce refuses a second coupon with the same code
anyway, and stores codes lower-cased, so the code is compared lower-cased).

Two links remember each pair:

- ``coupon`` (voucher id ↔ coupon id) holds the hash of the coupon as
  WooCommerce answered the write, the same hash the push side
  (:class:`engine.sync.coupons.CouponPush`) compares: our own write does not
  go back up as an edit;
- ``coupon.backoffice`` holds the hash of the voucher as last read (or as
  the push wrote it): an unchanged voucher, or the push's own write coming
  back, costs nothing.

A voucher that can't be a coupon (a type WooCommerce has no discount for)
comes with ``Coupon.problem`` and is listed as refused; the rest goes on.
"""

from __future__ import annotations

from typing import Any

from engine.backends.base import Capability
from engine.errors import NotFoundError, RemoteError
from engine.model import Coupon
from engine.store import Link
from engine.sync.context import SyncContext
from engine.sync.coupons import (
    COUPON,
    COUPON_PULLED,
    CouponPush,
    CouponReport,
    coupon_digest,
    coupon_from_woo,
    voucher_digest,
)
from engine.sync.diff import CatalogDiff, DiffEntry
from engine.sync.directions import Entity

# WooCommerce's answer (400) to an update of a coupon id it does not have [V: REST controller]
_GONE = "woocommerce_rest_shop_coupon_invalid_id"

__all__ = ["CouponPull", "coupon_body", "coupons_flow", "sync_coupons"]


def coupon_body(coupon: Coupon) -> dict[str, Any]:
    """The WooCommerce coupon fields a voucher sets."""
    expires = coupon.expires_gmt
    return {
        "code": coupon.code,
        "discount_type": coupon.kind,
        "amount": f"{coupon.amount:f}",
        "description": coupon.description,
        "date_expires_gmt": expires.strftime("%Y-%m-%dT%H:%M:%S") if expires else None,
        "usage_limit": coupon.usage_limit,
    }


class CouponPull:
    """``await CouponPull(ctx).run()``: the back office's vouchers as the shop's coupons."""

    def __init__(self, ctx: SyncContext) -> None:
        self.ctx = ctx

    async def run(self) -> CouponReport:
        if Capability.VOUCHERS_READ not in self.ctx.backend.capabilities:
            return CouponReport()
        written = unchanged = 0
        refused: list[str] = []
        async for page in self.ctx.backend.read_vouchers():
            for voucher in page.items:
                if voucher.problem:
                    refused.append(f"{voucher.code}: {voucher.problem}")
                    continue
                outcome = await self._one(voucher)
                if outcome is None:
                    unchanged += 1
                elif outcome:
                    refused.append(f"{voucher.code}: {outcome}")
                else:
                    written += 1
        return CouponReport(written, unchanged, tuple(refused))

    async def _one(self, voucher: Coupon) -> str | None:
        """None: unchanged; "": written; else the reason it was refused."""
        links, connection = self.ctx.store.links, self.ctx.connection
        remote_id = str(voucher.backoffice_id)
        digest = voucher_digest(voucher)
        seen = await links.get_by_backoffice_id(COUPON_PULLED, remote_id, connection=connection)
        if seen is not None and seen.hash == digest:
            return None
        try:
            coupon = coupon_from_woo(await self._write(voucher, await self._coupon_id(voucher)))
        except RemoteError as error:
            return error.message
        assert coupon.woo_id is not None
        await links.upsert_many(
            [
                Link(COUPON, remote_id, coupon.woo_id, coupon.code, coupon_digest(coupon)),
                Link(COUPON_PULLED, remote_id, coupon.woo_id, coupon.code, digest),
            ],
            connection=connection,
        )
        return ""

    async def _coupon_id(self, voucher: Coupon) -> int | None:
        """The shop's coupon for this voucher: linked, else the one with its code."""
        link = await self.ctx.store.links.get_by_backoffice_id(
            COUPON, str(voucher.backoffice_id), connection=self.ctx.connection
        )
        return link.woo_id if link is not None else await self._by_code(voucher)

    async def _by_code(self, voucher: Coupon) -> int | None:
        found = await self.ctx.woo.get("coupons", {"code": voucher.code.lower()})
        same = [c for c in found or () if str(c.get("code", "")).lower() == voucher.code.lower()]
        return int(same[0]["id"]) if same else None

    async def _write(self, voucher: Coupon, woo_id: int | None) -> dict[str, Any]:
        body = coupon_body(voucher)
        if woo_id is not None:
            try:
                return await self.ctx.woo.put(f"coupons/{woo_id}", body)
            except RemoteError as error:  # deleted in the shop since: by code, or made again
                if not isinstance(error, NotFoundError) and error.code != _GONE:
                    raise
                woo_id = await self._by_code(voucher)
                if woo_id is not None:
                    return await self.ctx.woo.put(f"coupons/{woo_id}", body)
        return await self.ctx.woo.post("coupons", body)


def coupons_flow(ctx: SyncContext) -> bool:
    """Coupons go to, or come from, a back office that keeps vouchers."""
    capabilities, directions = ctx.backend.capabilities, ctx.directions
    pushed = Capability.VOUCHERS in capabilities and directions.pushes(Entity.COUPONS)
    return pushed or (Capability.VOUCHERS_READ in capabilities and directions.pulls(Entity.COUPONS))


async def sync_coupons(ctx: SyncContext, diff: CatalogDiff | None = None) -> CouponReport:
    """Both ways as the connection's directions say: the shop's edits first (they win a
    tie), then the back office's vouchers; refused ones go into ``diff`` as set aside."""
    pushed = await CouponPush(ctx).run()
    pulled = await CouponPull(ctx).run() if ctx.directions.pulls(Entity.COUPONS) else CouponReport()
    refused = pushed.refused + pulled.refused
    for line in refused if diff is not None else ():
        code, _, reason = line.partition(": ")
        diff.add(DiffEntry("skip", "coupon", code, reason=reason))
    return CouponReport(
        pushed.written + pulled.written, pushed.unchanged + pulled.unchanged, refused
    )
