"""``/products/categories``: terms, with their own id sequence and no trash.

Names are stored filtered (tags stripped, ``&`` as ``&amp;``), slugs are
unique, ``parent`` must name an existing term, a missing name on
create is WordPress' ``rest_missing_callback_param`` and a duplicate name
under the same parent is ``term_exists`` (400) with the existing id.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sandbox.woocommerce.collection import Collection, Record
from sandbox.woocommerce.errors import WooError
from sandbox.woocommerce.links import resource_links
from sandbox.woocommerce.product_fields import set_plain
from sandbox.woocommerce.query import QueryArgs
from sandbox.woocommerce.schema import Field, Schema
from sandbox.woocommerce.text import sanitize_title, stored_title, unique_slug

__all__ = ["CATEGORY_SCHEMA", "CategoryCollection"]

_STR, _INT = Field("string"), Field("integer")
CATEGORY_SCHEMA: Schema = {
    "name": _STR,
    "slug": _STR,
    "parent": _INT,
    "description": _STR,
    "display": Field("string", ("default", "products", "subcategories", "both")),
    "image": Field("object", nullable=True, props={"id": _INT, "src": _STR}),
    "menu_order": _INT,
}


class CategoryCollection(Collection):
    kind = "term"
    schema = CATEGORY_SCHEMA
    required = ("name",)
    orderby = ("id", "include", "name", "slug", "term_group", "description", "count")
    default_orderby = "name"
    default_order = "asc"
    trash_message = "Resource does not support trashing."

    @property
    def records(self) -> dict[int, Record]:
        return self.sb.categories

    @property
    def route(self) -> str:
        return "products/categories"

    def render(self, rec: Record) -> dict[str, Any]:
        image = rec.get("image")
        return {
            "id": rec["id"],
            "name": rec["name"],
            "slug": rec["slug"],
            "parent": rec.get("parent", 0),
            "description": rec.get("description", ""),
            "display": rec.get("display", "default"),
            "image": dict(image) if image else None,
            "menu_order": rec.get("menu_order", 0),
            "count": self.sb.category_counts().get(rec["id"], 0),
            "_links": resource_links(self.site, f"{self.route}/{rec['id']}", self.route),
        }

    def filter(self, args: QueryArgs, recs: Iterable[Record]) -> Iterable[Record]:
        recs = super().filter(args, recs)
        parent = args.integer("parent")
        if parent is not None:
            recs = (r for r in recs if r.get("parent", 0) == parent)
        slug = args.text("slug")
        if slug:
            recs = (r for r in recs if r["slug"] == slug)
        if args.boolean("hide_empty"):
            counts = self.sb.category_counts()
            recs = (r for r in recs if counts.get(r["id"], 0) > 0)
        return recs

    def sort_key(self, orderby: str, args: QueryArgs):  # type: ignore[override]
        if orderby == "count":
            counts = self.sb.category_counts()
            return lambda r: (counts.get(r["id"], 0), r["id"])
        return super().sort_key(orderby, args)

    def create(self, body: dict[str, Any]) -> Record:
        rec: Record = {"id": self.sb.ids.take("term"), "name": "", "slug": ""}
        self._apply(rec, body)
        self.records[rec["id"]] = rec
        return rec

    def update(self, rec: Record, body: dict[str, Any]) -> Record:
        new = dict(rec)
        self._apply(new, body)
        self.records[rec["id"]] = new
        return new

    def _apply(self, rec: Record, body: dict[str, Any]) -> None:
        parent = body.get("parent", rec.get("parent", 0))
        if parent and parent not in self.records:
            raise WooError("woocommerce_rest_term_invalid", "Parent term does not exist.", 400)
        name = stored_title(str(body.get("name", rec["name"])))
        self._check_duplicate(rec, name, parent)
        rec["name"] = name
        for key, default in (("description", ""), ("display", "default"), ("menu_order", 0)):
            if key in body:
                set_plain(rec, key, body[key], default)
        set_plain(rec, "parent", parent, 0)
        if "image" in body:
            image = body["image"]
            rec["image"] = (
                {"id": image.get("id") or self.sb.ids.take("post"), "src": image.get("src", "")}
                if image
                else None
            )
        wanted = sanitize_title(body.get("slug") or rec["slug"] or name)
        if wanted != rec["slug"]:
            taken = {r["slug"]: r["id"] for r in self.records.values()}
            rec["slug"] = unique_slug(wanted, taken, rec["id"])

    def _check_duplicate(self, rec: Record, name: str, parent: int) -> None:
        for other in self.records.values():
            same = other["name"].lower() == name.lower() and other.get("parent", 0) == parent
            if same and other["id"] != rec["id"]:
                raise WooError(
                    "term_exists",
                    "A term with the name provided already exists with this parent.",
                    400,
                    resource_id=other["id"],
                )

    def remove(self, rec: Record) -> None:
        if rec["id"] == self.sb.default_category_id:
            raise WooError(
                "woocommerce_rest_cannot_delete",
                "Sorry, you are not allowed to delete this resource.",
                403,
            )
        super().remove(rec)
        for child in self.records.values():
            if child.get("parent") == rec["id"]:
                set_plain(child, "parent", rec.get("parent", 0), 0)
