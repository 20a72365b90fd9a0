"""Send a page's product creates and updates, and settle every item's outcome.

WooCommerce answers a batch item by item; most answers are final (written,
or refused for a reason the admin must fix), some need one follow-up before
the run may say anything about the product:

- *duplicate SKU* with the existing id: an earlier answer was lost; link it
  and update it in place, never create it twice;
- *no answer* (timeout, 5xx, item missing): the shop may have saved it
  anyway (a loaded shop keeps working after the client gave up), so it is
  looked up by SKU first, and only reported "not written" if it isn't there;
- *already present in the lookup table* without an id: a trashed product
  holds the SKU; it is found with ``status=trash`` and restored;
- *image download failed*: the product goes in without its images, and the
  images are set aside with their own reason (kind ``image``) until the
  admin retries them;
- *GTIN refused* (another product holds the barcode): the product goes in
  without it, and the code is set aside (kind ``gtin``) the same way.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field, replace

from engine.errors import TillsyncError
from engine.store.links import Link
from engine.sync.batch_filler import BatchFiller
from engine.sync.fieldhash import encode, fingerprint
from engine.sync.jobrun import JobRun
from engine.sync.product_plan import ProductDecision
from engine.sync.woo_fields import CatalogPreferences
from engine.woo import BatchItemResult

__all__ = ["GTIN", "IMAGE", "PRODUCT", "STOCK", "ProductWrites"]

PRODUCT = "product"
STOCK = "stock"  # link kind holding the hash of the stock fields last written
IMAGE = "image"  # skipped-item kind: the product is in the shop, its images are not
GTIN = "gtin"  # skipped-item kind: the product is in the shop, its barcode is not
GONE = "woocommerce_rest_product_invalid_id"
_DUPLICATE = "product_invalid_sku"
_IN_LOOKUP_TABLE = "woocommerce_rest_product_not_created"
_IMAGE_FAILED = "woocommerce_product_image_upload_error"
_GTIN_REFUSED = "product_invalid_global_unique_id"  # a "_format" variant is tolerated too


@dataclass
class _FollowUps:
    """Items whose first answer was not final, sorted by what settles them."""

    update: list[ProductDecision] = field(default_factory=list)  # adopted or restored
    create: list[ProductDecision] = field(default_factory=list)  # again, without images
    unknown: list[tuple[ProductDecision, BatchItemResult]] = field(default_factory=list)
    trashed: list[tuple[ProductDecision, BatchItemResult]] = field(default_factory=list)


class ProductWrites:
    def __init__(
        self, run: JobRun, prefs: CatalogPreferences, filler: BatchFiller | None = None
    ) -> None:
        self.run = run
        self.ctx = run.ctx
        self.prefs = prefs
        self.incomplete = 0  # items of the current run that failed transiently
        # gathers the writes of several pages into full requests (None: one call per page)
        self.filler = filler

    async def write(
        self, creates: list[ProductDecision], updates: list[ProductDecision]
    ) -> list[Link]:
        follow = _FollowUps()
        links = await self._send(creates, updates, follow)
        await self._find_unknown(follow, links)
        await self._find_trashed(follow)
        if follow.update:
            self.run.note(f"{len(follow.update)} product(s) already in WooCommerce; linked by SKU")
        if follow.create or follow.update:
            links += await self._send(follow.create, follow.update, None)
        return links

    async def _send(
        self,
        creates: list[ProductDecision],
        updates: list[ProductDecision],
        follow: _FollowUps | None,
    ) -> list[Link]:
        """One batch call; ``follow`` collects items to settle (None: answers are final)."""
        create = [d.send for d in creates]
        update = [{"id": d.woo_id, **d.send} for d in updates]
        if self.filler is not None:
            result = await self.filler.submit(create=create, update=update)
        else:
            result = await self.ctx.woo.batch("products", create=create, update=update)
        links: list[Link] = []
        for item in result.created:
            links += await self._created(creates[item.index], item, follow)
        for item in result.updated:
            links += await self._updated(updates[item.index], item, follow)
        return links

    async def _created(
        self, decision: ProductDecision, item: BatchItemResult, follow: _FollowUps | None
    ) -> list[Link]:
        if item.ok and item.id:
            self.run.totals.written += 1
            return self.links(decision, item.id, stock=True)
        existing = item.data.get("resource_id") if item.code == _DUPLICATE else None
        if follow is not None and existing:
            follow.update.append(replace(decision, verb="update", woo_id=int(existing)))
        elif follow is not None and item.code == _IMAGE_FAILED:
            follow.create.append(await self._without_images(decision, item))
        elif follow is not None and _gtin_refused(item):
            follow.create.append(await self._without_gtin(decision, item))
        elif follow is not None and item.code == _IN_LOOKUP_TABLE and not existing:
            follow.trashed.append((decision, item))
        elif follow is not None and item.kind is not None and item.kind.retryable:
            follow.unknown.append((decision, item))
        else:
            await self._failed(decision, item)
        return []

    async def _updated(
        self, decision: ProductDecision, item: BatchItemResult, follow: _FollowUps | None
    ) -> list[Link]:
        if item.ok:
            self.run.totals.written += 1
            return self.links(decision, int(decision.woo_id or 0), stock=bool(decision.stock))
        if item.code == GONE:
            await self._forget(decision)
        elif follow is not None and item.code == _IMAGE_FAILED:
            follow.update.append(await self._without_images(decision, item))
        elif follow is not None and _gtin_refused(item):
            follow.update.append(await self._without_gtin(decision, item))
        else:
            await self._failed(decision, item)
        return []

    async def _without_images(
        self, decision: ProductDecision, item: BatchItemResult
    ) -> ProductDecision:
        """The shop could not download an image: set the images aside, keep the rest."""
        product = decision.product
        reason = f"image not added, the shop could not download it: {item.message}"
        await self.run.skip(IMAGE, product.sku or product.id, reason)
        return _without(decision, "images")

    async def _without_gtin(
        self, decision: ProductDecision, item: BatchItemResult
    ) -> ProductDecision:
        """The shop refused the barcode (another product holds it): set it aside, keep the rest."""
        product = decision.product
        code = decision.send.get("global_unique_id", "")
        holder = item.data.get("resource_id")
        held = f" (WooCommerce product {holder} has it)" if holder else ""
        reason = f"barcode {code} not added as GTIN, WooCommerce refused it{held}: {item.message}"
        await self.run.skip(GTIN, product.sku or product.id, reason)
        return _without(decision, "global_unique_id")

    async def _find_unknown(self, follow: _FollowUps, links: list[Link]) -> None:
        """Creates without an answer: saved if the shop has their SKU now.

        A shop still working through a request we gave up on (no answer at
        all) saves the rest a little later, so the look-up then waits half a
        client timeout first; after an error answer it asks at once.
        """
        if not follow.unknown:
            return
        if any(item.unanswered for _, item in follow.unknown):
            await asyncio.sleep(self.ctx.woo.timeout / 2)
        found = await self._skus_in_shop([d for d, _ in follow.unknown], status="any")
        for decision, item in follow.unknown:
            woo_id = found.get(decision.product.sku)
            if woo_id is None:
                await self._failed(decision, item)
                continue
            self.run.totals.written += 1
            links += self.links(decision, woo_id, stock=True)
        if found:
            self.run.note(
                f"{len(found)} product(s) were saved by WooCommerce although their answer "
                "never came (timeout); found by SKU and linked"
            )

    async def _find_trashed(self, follow: _FollowUps) -> None:
        found = await self._skus_in_shop([d for d, _ in follow.trashed], status="trash")
        status = self.prefs.new_products_status
        for decision, item in follow.trashed:
            woo_id = found.get(decision.product.sku)
            if woo_id is None:
                await self._failed(decision, item)
                continue
            send = {**decision.send, "status": status}
            follow.update.append(replace(decision, verb="update", woo_id=woo_id, send=send))
        if found:
            self.run.note(
                f"{len(found)} product(s) were in the WooCommerce trash under their SKU and "
                f"were restored as {status}; to stop selling one, deactivate it in the back "
                "office (tillsync then keeps it as a draft)"
            )

    async def _skus_in_shop(
        self, decisions: list[ProductDecision], *, status: str
    ) -> dict[str, int]:
        skus = [d.product.sku for d in decisions if d.product.sku]
        if not skus:
            return {}
        try:
            return await self.ctx.woo.find_product_ids_by_sku(skus, status=status)
        except TillsyncError as exc:  # still unknown: reported as not written, retried
            self.run.note(f"could not look products up by SKU: {exc.message}")
            return {}

    def links(self, decision: ProductDecision, woo_id: int, *, stock: bool) -> list[Link]:
        """The product's link and, when known, what its stock in the shop is.

        Stock we sent is remembered as sent; a product re-matched by SKU
        remembers the stock the shop already holds.
        """
        product = decision.product
        remembered = encode(decision.remembered())
        links = [Link(PRODUCT, product.id, woo_id, product.sku, remembered, name=product.name)]
        held = fingerprint(decision.stock) if stock and decision.stock else decision.shop_stock
        if held:
            links.append(Link(STOCK, product.id, woo_id, product.sku, encode(held)))
        return links

    async def _forget(self, decision: ProductDecision) -> None:
        """The shop no longer has it (deleted in wp-admin): the next run re-creates it."""
        for kind in (PRODUCT, STOCK):
            await self.ctx.store.links.delete(
                kind, decision.product.id, connection=self.ctx.connection
            )
        self.run.totals.failed += 1
        self.incomplete += 1
        self.run.note(
            f"product {decision.product.sku} was deleted in WooCommerce; re-created next run"
        )

    async def _failed(self, decision: ProductDecision, item: BatchItemResult) -> None:
        product = decision.product
        if item.kind is not None and item.kind.retryable:
            self.run.totals.failed += 1
            self.incomplete += 1
            self.run.note(
                f"product {product.sku} not written yet ({item.message}); retried next run"
            )
            return
        reason = f"WooCommerce refused it: {item.code or ''} {item.message}".strip()
        await self.run.skip(PRODUCT, product.sku or product.id, reason)


def _gtin_refused(item: BatchItemResult) -> bool:
    return (item.code or "").startswith(_GTIN_REFUSED)


def _without(decision: ProductDecision, name: str) -> ProductDecision:
    """The decision minus one field, sent and remembered."""
    fields = {k: v for k, v in decision.fields.items() if k != name}
    send = {k: v for k, v in decision.send.items() if k != name}
    return replace(decision, fields=fields, send=send)
