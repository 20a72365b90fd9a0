"""``/products``: the catalog resource, built for 100k records.

Names are stored the way WordPress filters titles (:func:`stored_title`).
An image given by ``src`` is downloaded by the shop while it saves the
product; an unreachable URL refuses the whole product with
``woocommerce_product_image_upload_error`` (hosts under ``.invalid`` and
those in ``sb.unreachable_images`` never answer).  A trashed product keeps
its SKU in the lookup table, so creating that SKU again is refused.

List requests of the same query are answered from a cached, sorted id list
that is invalidated by any catalog write (``sb.catalog_version``), so paging
through 100k products costs O(page) per request, not a full sort.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import urlsplit

from sandbox.woocommerce.attributes import global_attribute
from sandbox.woocommerce.collection import Collection, IdView, Record
from sandbox.woocommerce.errors import WooError
from sandbox.woocommerce.product_fields import (
    SHARED_SCHEMA,
    apply_shared_fields,
    release_sku,
    set_plain,
)
from sandbox.woocommerce.product_filters import ProductFilters
from sandbox.woocommerce.product_view import price_of, render_product
from sandbox.woocommerce.query import PageRequest, QueryArgs
from sandbox.woocommerce.schema import Field, Schema
from sandbox.woocommerce.text import sanitize_title, stored_title, unique_slug

__all__ = ["PRODUCT_SCHEMA", "ProductCollection"]

_STR, _INT, _BOOL = Field("string"), Field("integer"), Field("boolean")
_IDS = Field("array", items=None)
PRODUCT_SCHEMA: Schema = {
    **SHARED_SCHEMA,
    "name": _STR,
    "slug": _STR,
    "type": Field("string", ("simple", "grouped", "external", "variable")),
    "status": Field("string", ("draft", "pending", "private", "publish", "future")),
    "featured": _BOOL,
    "catalog_visibility": Field("string", ("visible", "catalog", "search", "hidden")),
    "short_description": _STR,
    "external_url": _STR,
    "button_text": _STR,
    "sold_individually": _BOOL,
    "reviews_allowed": _BOOL,
    "upsell_ids": _IDS,
    "cross_sell_ids": _IDS,
    "parent_id": _INT,
    "purchase_note": _STR,
    "categories": Field("array", items={"id": _INT}),
    "tags": Field("array", items={"id": _INT, "name": _STR}),
    "images": Field("array", items={"id": _INT, "src": _STR, "name": _STR, "alt": _STR}),
    "attributes": Field(
        "array",
        items={"id": _INT, "name": _STR, "position": _INT, "visible": _BOOL, "variation": _BOOL},
    ),
    "default_attributes": Field("array", items={"id": _INT, "name": _STR, "option": _STR}),
    "grouped_products": _IDS,
    "post_password": _STR,
}
_PLAIN_DEFAULTS: dict[str, Any] = {
    "name": "",
    "type": "simple",
    "featured": False,
    "catalog_visibility": "visible",
    "short_description": "",
    "external_url": "",
    "button_text": "",
    "sold_individually": False,
    "reviews_allowed": True,
    "upsell_ids": [],
    "cross_sell_ids": [],
    "parent_id": 0,
    "purchase_note": "",
    "default_attributes": [],
    "grouped_products": [],
    "post_password": "",
}
_UNPUBLISHED = ("draft", "pending", "auto-draft")


class ProductCollection(Collection):
    kind = "product"
    resource = "product"
    schema = PRODUCT_SCHEMA
    searchable = ("name", "description", "short_description")
    orderby = (
        "date",
        "modified",
        "id",
        "include",
        "title",
        "slug",
        "price",
        "popularity",
        "rating",
        "menu_order",
    )

    @property
    def records(self) -> dict[int, Record]:
        return self.sb.products

    @property
    def route(self) -> str:
        return "products"

    def render(self, rec: Record) -> dict[str, Any]:
        return render_product(self.sb, rec, self.site)

    def filter(self, args: QueryArgs, recs: Iterable[Record]) -> Iterable[Record]:
        skus = ProductFilters.skus(args)
        if skus is not None:  # the SKU index answers without a scan of the catalog
            hits = (self.sb.sku_index.get(sku) for sku in dict.fromkeys(skus))
            recs = [self.records[i] for i in hits if i in self.records]
        return ProductFilters(self.sb, args).apply(super().filter(args, recs))

    def sort_key(self, orderby: str, args: QueryArgs):  # type: ignore[override]
        if orderby == "price":
            now = self.sb.clock.now()
            return lambda r: (float(price_of(self.sb, r, now) or 0), r["id"])
        if orderby == "popularity":
            return lambda r: (r.get("total_sales", 0), r["id"])
        if orderby == "menu_order":
            return lambda r: (r.get("menu_order", 0), str(r.get("name", "")).lower())
        return super().sort_key(orderby, args)

    def select(self, args: QueryArgs, pr: PageRequest) -> Sequence[Record]:
        key = ProductFilters.cache_key(args, pr)
        cached = self.sb.list_cache.get(key)
        if cached is not None and cached[0] == self.sb.catalog_version:
            ids = cached[1]
        else:
            ids = [r["id"] for r in super().select(args, pr)]
            self.sb.list_cache.put(key, (self.sb.catalog_version, ids))
        return IdView(self.records, ids)

    def create(self, body: dict[str, Any]) -> Record:
        now = self.sb.clock.now()
        rec: Record = {"id": self.sb.ids.take("post"), "created": now, "modified": now}
        self._apply(rec, body)
        self.records[rec["id"]] = rec
        self.sb.catalog_version += 1
        return rec

    def update(self, rec: Record, body: dict[str, Any]) -> Record:
        new = dict(rec)
        self._apply(new, body)
        if rec.get("status") == "trash" and new.get("status") != "trash":
            new.pop("trashed_from", None)
        new["modified"] = self.sb.clock.now()
        self.records[rec["id"]] = new
        self.sb.catalog_version += 1
        return new

    def _apply(self, rec: Record, body: dict[str, Any]) -> None:
        for image in body.get("images") or ():
            self._download(image)
        for key, default in _PLAIN_DEFAULTS.items():
            if key in body:
                set_plain(rec, key, body[key], default)
        if "name" in body:
            rec["name"] = stored_title(str(body["name"]))
        if "categories" in body or "categories" not in rec:
            wanted = [c.get("id") for c in body.get("categories", [])]
            known = [cid for cid in wanted if cid in self.sb.categories]
            rec["categories"] = known or [self.sb.default_category_id]
        if "tags" in body:
            rec["tags"] = [self.sb.tag_ref(tag) for tag in body["tags"]]
        if "images" in body:
            rec["images"] = [self._image(image) for image in body["images"]]
        if "attributes" in body:
            rec["attributes"] = _attributes(self.sb, body["attributes"])
        apply_shared_fields(self.sb, rec, body)
        self._apply_slug(rec, body)

    def _apply_slug(self, rec: Record, body: dict[str, Any]) -> None:
        wanted = body.get("slug") or rec.get("slug")
        if not wanted and rec.get("status", "publish") in _UNPUBLISHED:
            return
        wanted = sanitize_title(wanted or rec.get("name", "") or str(rec["id"]))
        if wanted == rec.get("slug"):
            return
        slugs = self.sb.product_slugs
        if rec.get("slug") and slugs.get(rec["slug"]) == rec["id"]:
            del slugs[rec["slug"]]
        rec["slug"] = unique_slug(wanted, slugs, rec["id"])
        slugs[rec["slug"]] = rec["id"]

    def _download(self, image: dict[str, Any]) -> None:
        """``src`` without an attachment id is fetched by the shop before it saves."""
        src = str(image.get("src") or "")
        if image.get("id") or not src:
            return
        parts = urlsplit(src)
        host = (parts.hostname or "").lower()
        unreachable = self.sb.unreachable_images
        if (
            parts.scheme not in ("http", "https")
            or not host
            or host.endswith(".invalid")
            or host in unreachable
            or src in unreachable
        ):
            raise WooError(
                "woocommerce_product_image_upload_error",
                f"Error getting remote image {src}. Error: A valid URL was not provided.",
                400,
            )

    def _image(self, image: dict[str, Any]) -> dict[str, Any]:
        image_id = image.get("id") or self.sb.ids.take("post")
        src = image.get("src") or f"{self.site}/wp-content/uploads/{image_id}.jpg"
        return {
            "id": image_id,
            "src": src,
            "name": image.get("name", ""),
            "alt": image.get("alt", ""),
        }

    def trash(self, rec: Record) -> None:
        super().trash(rec)  # the SKU stays in the lookup table
        self.sb.catalog_version += 1

    def remove(self, rec: Record) -> None:
        release_sku(self.sb, rec)
        if self.sb.product_slugs.get(rec.get("slug", "")) == rec["id"]:
            del self.sb.product_slugs[rec["slug"]]
        for vid in rec.get("variations", ()):
            variation = self.sb.variations.pop(vid, None)
            if variation:
                release_sku(self.sb, variation)
        super().remove(rec)
        self.sb.catalog_version += 1


def _attributes(sb: Any, attrs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A global attribute (``id``) lends its name; an ``id`` naming none is dropped."""
    kept = []
    for position, attr in enumerate(attrs):
        shared = global_attribute(sb, int(attr.get("id") or 0))
        if attr.get("id") and shared is None:
            continue
        if shared is not None:
            attr = {**attr, "name": shared["name"], "slug": f"pa_{shared['slug']}"}
        kept.append(_attribute(position, attr))
    return kept


def _attribute(position: int, attr: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": attr.get("id", 0),
        "name": attr.get("name", ""),
        "slug": attr.get("slug") or sanitize_title(attr.get("name", "")),
        "position": attr.get("position", position),
        "visible": attr.get("visible", False),
        "variation": attr.get("variation", False),
        "options": [str(o) for o in attr.get("options", [])],
    }
