"""The push pass: product edits made in WooCommerce, written to the back office.

Runs inside the catalog job, before the pull, when ``[connections.x.directions]
products`` is ``push`` or ``both`` (the back office declares
``products.write``).  It reads the shop's products modified since its cursor
(a poll: WooCommerce's ``product.updated`` webhooks are hints of the same
thing), and for each linked product compares the shop's fields with what
tillsync last wrote there (the link's hash).  Only fields that differ are a
WooCommerce edit; a product whose fields all match is our own write coming
back and is dropped (:mod:`engine.sync.echo`).  A field the back office owns
(``truth``) is never pushed.

After a write the link remembers the pushed values as agreed by both sides,
and the back-office echo memory what was written there, so the pull that
reads the back office's new revision writes nothing to the shop.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from engine.backends.base import Capability
from engine.cursor import TimeCursor
from engine.model import Money, Product
from engine.store.links import Link
from engine.store.timestamps import utc_now
from engine.sync.diff import CatalogDiff, DiffEntry, FieldChange
from engine.sync.directions import PUSHABLE_PRODUCT_FIELDS, Entity
from engine.sync.echo import EchoMemory, changed_since
from engine.sync.field_choice import description_names
from engine.sync.fieldhash import decode, encode, fingerprint
from engine.sync.jobrun import JobRun
from engine.sync.product_creates import PUSHED, new_product_plan, shop_kind
from engine.sync.product_writes import PRODUCT
from engine.sync.shop_values import shop_name
from engine.sync.variation_pairing import set_aside_variable
from engine.sync.woo_index import woo_view
from engine.woo.client import woo_date

__all__ = ["PUSH_CURSOR", "ProductPush", "product_from_woo"]

PUSH_CURSOR = "push.products"
# WooCommerce dates have whole seconds and its clock may differ from ours: the
# cursor overlaps the last run, and the echo check makes a re-read cost nothing
_OVERLAP = timedelta(minutes=2)
# the shop's field name -> the canonical name in Product.changed
_CANONICAL = {"regular_price": "price"}
_DESCRIPTIONS = ("description", "short_description")  # not synced at all when turned off


def product_from_woo(
    data: Mapping[str, Any], backoffice_id: str, currency: str, changed: frozenset[str]
) -> Product:
    """The shop's product as the back office should get it (``changed``: the fields to update)."""
    price = _decimal(data.get("regular_price"))
    return Product(
        id=backoffice_id,
        sku=str(data.get("sku") or ""),
        name=shop_name(str(data.get("name") or "")),
        price=Money(price, currency) if price is not None else None,
        description=str(data.get("description") or ""),
        short_description=str(data.get("short_description") or ""),
        weight=_decimal(data.get("weight")),
        changed=changed,
    )


def _modified(product: Mapping[str, Any]) -> datetime:
    return datetime.fromisoformat(str(product["date_modified_gmt"])).replace(tzinfo=UTC)


def _decimal(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


class ProductPush:
    def __init__(self, run: JobRun, diff: CatalogDiff) -> None:
        self.run = run
        self.ctx = run.ctx
        self.diff = diff
        self.echo = EchoMemory(self.ctx.store, self.ctx.connection, Entity.PRODUCTS)
        self.echoes = 0  # shop changes dropped as our own writes coming back
        self._currency = ""
        self.new: list[dict[str, Any]] = []  # unlinked shop products, for create_new()

    async def push(self) -> None:
        """Every shop product modified since the cursor; the cursor moves at the end.

        The cursor follows the shop's own ``date_modified_gmt`` (TimeCursor:
        capped at the run's start, kept ``_OVERLAP`` behind), so a shop clock
        behind ours loses nothing; re-reading a product costs nothing.
        """
        store, connection = self.ctx.store, self.ctx.connection
        text = (
            None if self.run.full else await store.cursors.value(PUSH_CURSOR, connection=connection)
        )
        cursor = TimeCursor.from_text(text, run_started_at=utc_now(), overlap=_OVERLAP)
        params: dict[str, Any] = {"status": "any", "orderby": "id", "order": "asc"}
        if cursor.committed is not None:
            params.update(modified_after=woo_date(cursor.committed), dates_are_gmt="true")
        async for page in self.ctx.woo.iter_pages("products", params):
            await self._page(list(page.items))
            cursor.observe_all(_modified(p) for p in page.items if p.get("date_modified_gmt"))
        committed = cursor.committable_text()  # pages come by id: only once all are read
        if not self.run.dry_run and committed is not None and cursor.advanced:
            await store.cursors.set(PUSH_CURSOR, committed, connection=connection)

    async def _page(self, items: list[dict[str, Any]]) -> None:
        planned: list[tuple[Product, Link, dict[str, Any]]] = []
        for data in items:
            self.run.totals.read += 1
            plan = await self._plan(data)
            if plan is not None:
                planned.append(plan)
        await self._write(planned)

    async def create_new(self) -> None:
        """The shop products seen unlinked, still unlinked after the pull paired what it
        could by SKU: created in the back office (see :mod:`engine.sync.product_creates`)."""
        planned = []
        for data in self.new:
            woo_id, links = int(data["id"]), self.ctx.store.links
            if await links.get_by_woo_id(PRODUCT, woo_id, connection=self.ctx.connection):
                continue
            plan = await new_product_plan(self, data, product_from_woo)
            if plan is not None:
                planned.append(plan)
        self.new.clear()
        await self._write(planned)

    async def _write(self, planned: list[tuple[Product, Link, dict[str, Any]]]) -> None:
        if not planned or self.run.dry_run:
            return
        results = await self.ctx.backend.write_products([product for product, _, _ in planned])
        links: list[Link] = []
        for (product, link, wrote), result in zip(planned, results, strict=True):
            if result.ok and not link.backoffice_id and result.remote_id:
                link = Link(PRODUCT, result.remote_id, link.woo_id, link.sku)  # created
            if result.ok and link.backoffice_id:
                self.run.totals.written += 1
                if result.message:  # what the back office did differently (a default used)
                    self.run.note(f"{product.sku or link.woo_id}: {result.message}")
                links += await self._agreed(product, link, wrote)
            else:
                reason = f"the back office refused the shop's edit: {result.message}"
                await self.run.skip(PRODUCT, product.sku or product.id, reason)
        await self.ctx.store.links.upsert_many(links, connection=self.ctx.connection)

    async def _plan(self, data: dict[str, Any]) -> tuple[Product, Link, dict[str, Any]] | None:
        """What to write for one shop product, or None (not ours, unchanged, or an echo)."""
        kind = await shop_kind(self, data)
        if kind not in ("simple", "variable") or (kind == "simple" and not data.get("sku")):
            return None  # grouped/external products and SKU-less ones are not pushed
        link = await self.ctx.store.links.get_by_woo_id(
            PRODUCT, int(data["id"]), connection=self.ctx.connection
        )
        if kind == "variable":  # a linked one came from the back office: its edits stay there
            if link is None:
                await set_aside_variable(self.run, data)
            return None
        if link is None:  # a new shop product: created after the pull, where it can be
            if Capability.PRODUCTS_CREATE in self.ctx.backend.capabilities:
                self.new.append(data)
            return None
        view = woo_view(data, self.ctx.prefs.price_decimals)
        changed = changed_since(decode(link.hash), view, self.names())
        if not changed:
            self.echoes += 1  # what we last wrote (or agreed): our own write came back
            self.run.totals.unchanged += 1
            return None
        canonical = frozenset(_CANONICAL.get(name, name) for name in changed)
        product = product_from_woo(data, link.backoffice_id, await self.currency(), canonical)
        entry_changes = tuple(FieldChange(k, v) for k, v in changed.items())
        self.diff.add(
            DiffEntry("update", PUSHED, product.sku, product.name, link.woo_id, entry_changes)
        )
        return product, link, changed

    def names(self) -> list[str]:
        """The fields a push carries: the ones the pull manages and the shop may send."""
        prefs = self.ctx.prefs
        managed = description_names(prefs.description_mode)
        skipped = tuple(n for n in _DESCRIPTIONS if not prefs.sync_descriptions or n not in managed)
        directions = self.ctx.directions
        return [
            n for n in PUSHABLE_PRODUCT_FIELDS
            if n not in skipped and directions.may_push(Entity.PRODUCTS, n)
        ]  # fmt: skip

    async def _agreed(self, product: Product, link: Link, wrote: dict[str, Any]) -> list[Link]:
        """Both sides now hold ``wrote``: the link agrees, the echo memory knows."""
        hashes = {**decode(link.hash), **fingerprint(wrote)}
        agreed = Link(PRODUCT, link.backoffice_id, link.woo_id, link.sku, encode(hashes))
        before = (await self.echo.written([link.backoffice_id])).get(link.backoffice_id, {})
        return [agreed, self.echo.link(link.backoffice_id, link.woo_id, link.sku, before, wrote)]

    async def currency(self) -> str:
        """The shop's currency (WooCommerce → Settings → General), asked once a run."""
        if not self._currency:
            setting = await self.ctx.woo.get("settings/general/woocommerce_currency")
            self._currency = str((setting or {}).get("value") or "EUR").upper()
        return self._currency
