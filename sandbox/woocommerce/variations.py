"""``/products/{product_id}/variations``: variations live in their own dict.

They share the post id sequence and the SKU index with products, are listed
only under their parent, and their webhook events use the ``product``
resource (``woocommerce_update_product_variation`` feeds product.updated).
"""

from __future__ import annotations

from typing import Any

from sandbox.woocommerce.collection import Collection, Record
from sandbox.woocommerce.errors import WooError
from sandbox.woocommerce.product_fields import SHARED_SCHEMA, apply_shared_fields, release_sku
from sandbox.woocommerce.product_filters import DateWindow
from sandbox.woocommerce.product_view import render_variation
from sandbox.woocommerce.query import QueryArgs
from sandbox.woocommerce.schema import Field, Schema

__all__ = ["VariationCollection"]

_STR, _INT = Field("string"), Field("integer")
VARIATION_SCHEMA: Schema = {
    **SHARED_SCHEMA,
    "image": Field("object", nullable=True, props={"id": _INT, "src": _STR}),
    "attributes": Field("array", items={"id": _INT, "name": _STR, "option": _STR}),
}


class VariationCollection(Collection):
    kind = "product_variation"
    resource = "product"
    schema = VARIATION_SCHEMA
    searchable = ("description", "sku")

    @property
    def parent(self) -> Record:
        parent = self.sb.products.get(_int(self.path.get("product_id")))
        if parent is None:
            raise WooError(
                "woocommerce_rest_product_variation_invalid_parent", "Invalid parent product.", 404
            )
        return parent

    @property
    def records(self) -> dict[int, Record]:
        return {vid: self.sb.variations[vid] for vid in self.parent.get("variations", ())}

    @property
    def route(self) -> str:
        return f"products/{self.parent['id']}/variations"

    def render(self, rec: Record) -> dict[str, Any]:
        return render_variation(self.sb, rec, self.site)

    def filter(self, args: QueryArgs, recs):  # type: ignore[override]
        return DateWindow(self.sb, args).apply(super().filter(args, recs))

    def create(self, body: dict[str, Any]) -> Record:
        parent = self.parent
        now = self.sb.clock.now()
        rec: Record = {
            "id": self.sb.ids.take("post"),
            "parent_id": parent["id"],
            "created": now,
            "modified": now,
        }
        self._apply(rec, body)
        self.sb.variations[rec["id"]] = rec
        parent["variations"] = [*parent.get("variations", ()), rec["id"]]
        self.sb.catalog_version += 1
        return rec

    def update(self, rec: Record, body: dict[str, Any]) -> Record:
        new = dict(rec)
        self._apply(new, body)
        new["modified"] = self.sb.clock.now()
        self.sb.variations[rec["id"]] = new
        self.sb.catalog_version += 1
        return new

    def _apply(self, rec: Record, body: dict[str, Any]) -> None:
        if "image" in body:
            image = body["image"] or None
            if image is not None:
                image = {
                    "id": image.get("id") or self.sb.ids.take("post"),
                    "src": image.get("src", ""),
                }
            rec["image"] = image
        if "attributes" in body:
            rec["attributes"] = [
                {
                    "id": a.get("id", 0),
                    "name": a.get("name", ""),
                    "option": str(a.get("option", "")),
                }
                for a in body["attributes"]
            ]
        apply_shared_fields(self.sb, rec, body)

    def remove(self, rec: Record) -> None:
        release_sku(self.sb, rec)
        del self.sb.variations[rec["id"]]
        parent = self.sb.products.get(rec["parent_id"])
        if parent is not None:
            parent["variations"] = [v for v in parent.get("variations", ()) if v != rec["id"]]
        self.sb.catalog_version += 1

    def trash(self, rec: Record) -> None:
        """Simplification: a trashed variation is removed outright (it has no list view)."""
        self.remove(rec)


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0
