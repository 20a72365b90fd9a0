"""Streaming Sitoo's catalog and stock as pages of canonical records.

Products are read ordered by ``productid`` with ``includeinactive=true`` (so
a product switched off in Sitoo becomes a draft in the shop), the product
filter of the settings deciding which ones are published.  Incremental reads
ask ``datelastmodified`` = cursor − 1: Sitoo says "modified after the
timestamp" [V] without saying whether the second itself is included [I],
and reading one second twice costs nothing (unchanged rows write nothing).
Variant rows are gathered during the read and their families built at the
end (one ``productvariants`` read per family).  The cursor is persisted
only with the last page: offset pages over a filtered list can hold an
older row after a newer one, so an earlier bookmark could skip it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any
from urllib.parse import urljoin

from engine.backends.records import Cursor, Page
from engine.backends.sitoo import catalog, variants
from engine.backends.sitoo.api import SitooApi
from engine.backends.sitoo.catalog import Reference, RowProblem
from engine.errors import ConfigError
from engine.model import Product, StockLevel

__all__ = ["CatalogReader"]

log = logging.getLogger(__name__)
_FAMILY_PAGE = 25


def _since(cursor: Cursor | None) -> int | None:
    if not cursor:
        return None
    try:
        return int(cursor)
    except ValueError:
        raise ConfigError(f"Sitoo cursor must be a unix time, got {cursor!r}") from None


class CatalogReader:
    """Reads one site's catalog; ``problems`` keeps the rows set aside, with why."""

    def __init__(self, api: SitooApi) -> None:
        self._api = api
        self._mode = api.settings.mode  # in every log line: test and live must not be confused
        self.problems: list[tuple[str, str]] = []
        self._site: str | None = None

    async def reference(self) -> Reference:
        api, settings = self._api, self._api.settings
        groups = await api.all_items(api.site("productgroups"))
        makers = await api.all_items(api.site("manufacturers"))
        categories = await api.all_items(api.site("categories"), {"fields": "categoryid,title"})
        prices = None
        if settings.pricelist_id:
            path = api.site("pricelists", settings.pricelist_id, "pricelistitems")
            rows = await api.all_items(path, {"fields": "productid,moneyprice"})
            prices = {str(r["productid"]): r.get("moneyprice") for r in rows}
        return Reference(
            currency=settings.currency,
            vat_groups={str(g["vatid"]): catalog.tax_code_from_wire(g) for g in groups},
            manufacturers={str(m["externalcompanyid"]): str(m.get("name", "")) for m in makers},
            prices=prices,
            categories=frozenset(str(c["categoryid"]) for c in categories),
            prices_include_vat=settings.prices_include_vat,
            shop_includes_tax=settings.price_includes_tax,
        )

    def _set_aside(self, key: str, reason: str, title: str = "") -> Product:
        """A record the catalog job sets aside with ``reason`` (the rest goes on)."""
        self.problems.append((key, reason))
        log.warning("sitoo[%s]: product %s set aside: %s", self._mode, key, reason)
        return Product(id=key, sku=key, name=title or key, problem=reason)

    def _product(self, row: dict[str, Any], ref: Reference) -> Product:
        try:
            product = catalog.product_from_wire(row, ref)
        except RowProblem as problem:
            key = str(row.get("sku") or row.get("productid"))
            return self._set_aside(key, str(problem), str(row.get("title") or ""))
        chosen = catalog.passes_filter(row, self._api.settings.product_filter)
        return product if product.active == chosen else replace(product, active=chosen)

    async def products(self, since: Cursor | None) -> AsyncIterator[Page[Product]]:
        self.problems = []
        ref = await self.reference()
        params: dict[str, Any] = {"includeinactive": "true"}
        start = _since(since)
        if start is not None:
            params["datelastmodified"] = start - 1
        newest, families, mains = start or 0, set(), {}
        async for page in self._api.pages(self._api.site("products"), params):
            items = []
            for row in page.items:
                newest = max(newest, int(row.get("datemodified") or 0))
                if variants.is_variant(row):
                    families.add(int(row["variantparentid"]))
                    if row["variantparentid"] == row.get("productid"):
                        mains[int(row["productid"])] = row
                else:
                    items.append(self._product(row, ref))
            yield Page(tuple(await self._with_images(items, page.items)), None, page.total)
        async for page in self._families(sorted(families), mains, ref):
            yield page
        yield Page((), str(newest) if newest else None)

    async def _with_images(self, products: list[Product], rows: Any) -> list[Product]:
        """Image URLs from ``images.json`` when ``read_images`` is on: a resource's id is
        a URL relative to the site's address [I: the reconstruction calls it "ID for the
        file as a relative URL"], so it is resolved against ``siteurl``."""
        if not self._api.settings.read_images or not products:
            return products
        ids = {str(r.get("sku")): r["productid"] for r in rows if r.get("productid")}
        site = await self._site_url()
        lists = await asyncio.gather(*(self._images(ids.get(p.sku), site) for p in products))
        return [
            replace(p, image_urls=urls) if urls and not p.problem else p
            for p, urls in zip(products, lists, strict=True)
        ]

    async def _images(self, productid: Any, site: str) -> tuple[str, ...]:
        if productid is None:
            return ()
        rows = await self._api.all_items(self._api.site("products", productid, "images"))
        return tuple(urljoin(site, str(r["resourceid"])) for r in rows if r.get("resourceid"))

    async def _site_url(self) -> str:
        if self._site is None:
            site = await self._api.get(f"sites/{self._api.settings.eshopid}.json")
            self._site = str(site.get("siteurl") or "")
        return self._site

    async def _families(
        self, ids: list[int], seen: dict[int, dict[str, Any]], ref: Reference
    ) -> AsyncIterator[Page[Product]]:
        """One ``productvariants`` read per family (a few in flight at once: the
        budget counts requests, not time); the main row only when not read yet."""
        for first in range(0, len(ids), _FAMILY_PAGE):
            chunk = ids[first : first + _FAMILY_PAGE]
            families = await asyncio.gather(*(self._family(main, seen, ref) for main in chunk))
            yield Page(tuple(product for family in families for product in family))

    async def _family(
        self, main: int, seen: dict[int, dict[str, Any]], ref: Reference
    ) -> list[Product]:
        row = seen.get(main) or await self._api.get(self._api.site("products", main))
        members = await self._api.get(self._api.site("products", main, "productvariants"))
        family = variants.family_product(row, members, ref)
        built = [self._set_aside(key, reason) for key, reason in family.problems]
        if family.product is not None:
            chosen = catalog.passes_filter(row, self._api.settings.product_filter)
            built.append(replace(family.product, active=chosen))
        return built

    async def stock(self, warehouse: str, since: Cursor | None) -> AsyncIterator[Page[StockLevel]]:
        """``decimalavailable`` per SKU; incremental by ``datelastmodifiedfrom`` [V]."""
        path = self._api.site("warehouses", warehouse, "warehouseitems")
        start = _since(since)
        params = {"fields": "sku,decimalavailable,decimaltotal,datelastmodified"}
        if start is not None:
            params["datelastmodifiedfrom"] = str(start)
        newest, pages = start or 0, 0
        async for page in self._api.pages(path, params):
            levels = []
            for row in page.items:
                newest = max(newest, int(row.get("datelastmodified") or 0))
                try:
                    levels.append(catalog.stock_level_from_wire(row, warehouse))
                except RowProblem as problem:
                    log.warning(
                        "sitoo[%s]: stock of %s left out: %s", self._mode, row.get("sku"), problem
                    )
            pages += 1
            yield Page(tuple(levels), None, page.total)
        yield Page((), str(newest) if newest else None)
