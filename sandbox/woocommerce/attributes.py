"""``/products/attributes``: the shop's global attributes (taxonomies ``pa_<slug>``).

Facts kept (woocommerce-api.md lists the route; the rest is WooCommerce core's
``wc_create_attribute`` [inferred from core]): ids come from their own table,
``name`` is required, the slug is derived from the name when not given, at
most 28 characters, and a slug already in use is refused with
``woocommerce_rest_cannot_create`` (400).  The list is not paginated.  A
product attribute naming a global one by ``id`` takes that attribute's name
and its options become terms (created by name); an ``id`` that names no
global attribute is dropped, as WooCommerce drops it.
"""

from __future__ import annotations

from typing import Any, ClassVar

from sandbox.woocommerce.collection import Collection, Record
from sandbox.woocommerce.errors import WooError
from sandbox.woocommerce.links import resource_links
from sandbox.woocommerce.schema import Field, Schema
from sandbox.woocommerce.text import sanitize_title

__all__ = ["AttributeCollection", "global_attribute"]

_STR = Field("string")
_SLUG_MAX = 28  # wc_check_if_attribute_name_is_reserved / taxonomy name length


class AttributeCollection(Collection):
    kind = "attribute"
    schema: ClassVar[Schema] = {
        "name": _STR,
        "slug": _STR,
        "type": Field("string", ("select",)),
        "order_by": Field("string", ("menu_order", "name", "name_num", "id")),
        "has_archives": Field("boolean"),
    }
    required = ("name",)
    paginated = False
    default_orderby = "id"
    default_order = "asc"
    trash_message = "Resource does not support trashing."

    @property
    def records(self) -> dict[int, Record]:
        return self.sb.attributes

    @property
    def route(self) -> str:
        return "products/attributes"

    def render(self, rec: Record) -> dict[str, Any]:
        return {
            "id": rec["id"],
            "name": rec["name"],
            "slug": f"pa_{rec['slug']}",
            "type": rec.get("type", "select"),
            "order_by": rec.get("order_by", "menu_order"),
            "has_archives": rec.get("has_archives", False),
            "_links": resource_links(self.site, f"{self.route}/{rec['id']}", self.route),
        }

    def create(self, body: dict[str, Any]) -> Record:
        rec: Record = {"id": self.sb.ids.take("attribute")}
        self._apply(rec, body)
        self.records[rec["id"]] = rec
        return rec

    def update(self, rec: Record, body: dict[str, Any]) -> Record:
        new = dict(rec)
        self._apply(new, body)
        self.records[rec["id"]] = new
        return new

    def _apply(self, rec: Record, body: dict[str, Any]) -> None:
        name = str(body.get("name") or rec.get("name") or "")
        slug = sanitize_title(str(body.get("slug") or rec.get("slug") or name))[:_SLUG_MAX]
        if any(a["slug"] == slug and a["id"] != rec["id"] for a in self.records.values()):
            raise WooError(
                "woocommerce_rest_cannot_create",
                f'Slug "pa_{slug}" is already in use. Change it, please.',
                400,
            )
        rec.update(name=name, slug=slug)
        for key in ("type", "order_by", "has_archives"):
            if key in body:
                rec[key] = body[key]


def global_attribute(sb: Any, attr_id: int) -> Record | None:
    """The global attribute a product attribute names by ``id`` (0: a custom one)."""
    return sb.attributes.get(attr_id) if attr_id else None
