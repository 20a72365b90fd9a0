"""The full REST shape of a product or variation, rendered from a compact record.

Records keep only the fields that were set (100k products must stay small);
everything else comes from the defaults here.  Derived fields are computed at
render time the way ``WC_Product::validate_props`` keeps them in sync on save:
``stock_status`` from the quantity when stock is managed, ``price`` and
``on_sale`` from regular/sale price and the sale window.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from sandbox.woocommerce.links import resource_links
from sandbox.woocommerce.prices import to_decimal
from sandbox.woocommerce.product_keys import PRODUCT_KEY_ORDER, VARIATION_KEY_ORDER

if TYPE_CHECKING:
    from sandbox.woocommerce.state import WooSandbox

__all__ = [
    "is_on_sale",
    "price_of",
    "render_product",
    "render_variation",
    "stock_status_of",
    "sync_stock_status",
]

_SHARED_DEFAULTS: dict[str, Any] = {
    "description": "",
    "sku": "",
    "global_unique_id": "",
    "regular_price": "",
    "sale_price": "",
    "status": "publish",
    "virtual": False,
    "downloadable": False,
    "downloads": [],
    "download_limit": -1,
    "download_expiry": -1,
    "tax_status": "taxable",
    "tax_class": "",
    "manage_stock": False,
    "stock_quantity": None,
    "backorders": "no",
    "low_stock_amount": None,
    "weight": "",
    "dimensions": {"length": "", "width": "", "height": ""},
    "shipping_class": "",
    "shipping_class_id": 0,
    "menu_order": 0,
    "meta_data": [],
}
PRODUCT_DEFAULTS: dict[str, Any] = {
    **_SHARED_DEFAULTS,
    "name": "",
    "slug": "",
    "type": "simple",
    "featured": False,
    "catalog_visibility": "visible",
    "short_description": "",
    "total_sales": 0,
    "external_url": "",
    "button_text": "",
    "sold_individually": False,
    "reviews_allowed": True,
    "average_rating": "0.00",
    "rating_count": 0,
    "upsell_ids": [],
    "cross_sell_ids": [],
    "parent_id": 0,
    "purchase_note": "",
    "tags": [],
    "brands": [],
    "images": [],
    "attributes": [],
    "default_attributes": [],
    "grouped_products": [],
    "related_ids": [],
    "post_password": "",
}
VARIATION_DEFAULTS: dict[str, Any] = {**_SHARED_DEFAULTS, "image": None, "attributes": []}


def _managed_status(rec: dict[str, Any]) -> str:
    if (rec.get("stock_quantity") or 0) > 0:
        return "instock"
    return "onbackorder" if rec.get("backorders", "no") != "no" else "outofstock"


def sync_stock_status(rec: dict[str, Any]) -> None:
    """Store the derived status of a stock-managed record, as ``save()`` does."""
    if rec.get("manage_stock"):
        rec["stock_status"] = _managed_status(rec)


def _ordered(out: dict[str, Any], order: list[str]) -> dict[str, Any]:
    """Keys in WooCommerce's order (clients should not care; humans reading do)."""
    ordered = {key: out[key] for key in order if key in out}
    ordered.update((key, value) for key, value in out.items() if key not in ordered)
    return ordered


def stock_status_of(sb: WooSandbox, rec: dict[str, Any]) -> str:
    """instock/outofstock/onbackorder, derived when stock is managed."""
    if rec.get("manage_stock"):
        return _managed_status(rec)
    if rec.get("type") == "variable":
        kids = [sb.variations[v] for v in rec.get("variations", ()) if v in sb.variations]
        statuses = {stock_status_of(sb, kid) for kid in kids}
        for status in ("instock", "onbackorder"):
            if status in statuses:
                return status
        return "outofstock"
    return rec.get("stock_status", "instock")


def is_on_sale(rec: dict[str, Any], now: int) -> bool:
    sale, regular = rec.get("sale_price", ""), rec.get("regular_price", "")
    if sale == "" or regular == "" or to_decimal(sale) >= to_decimal(regular):
        return False
    start, end = rec.get("sale_from"), rec.get("sale_to")
    return (start is None or start <= now) and (end is None or now <= end)


def price_of(sb: WooSandbox, rec: dict[str, Any], now: int) -> str:
    if rec.get("type") == "variable":
        prices = [
            price_of(sb, sb.variations[v], now)
            for v in rec.get("variations", ())
            if v in sb.variations
        ]
        prices = [p for p in prices if p != ""]
        return min(prices, key=to_decimal) if prices else ""
    return rec.get("sale_price", "") if is_on_sale(rec, now) else rec.get("regular_price", "")


def _common(sb: WooSandbox, rec: dict[str, Any], defaults: dict[str, Any]) -> dict[str, Any]:
    now = sb.clock.now()
    clock = sb.clock
    out = {key: copy.deepcopy(rec.get(key, default)) for key, default in defaults.items()}
    price = price_of(sb, rec, now)
    managed = bool(rec.get("manage_stock"))
    out.update(
        id=rec["id"],
        price=price,
        on_sale=is_on_sale(rec, now),
        purchasable=price != "",
        stock_status=stock_status_of(sb, rec),
        backorders_allowed=rec.get("backorders", "no") != "no",
        backordered=managed and (rec.get("stock_quantity") or 0) < 0,
        **clock.pair("date_created", rec.get("created")),
        **clock.pair("date_modified", rec.get("modified")),
        **clock.pair("date_on_sale_from", rec.get("sale_from")),
        **clock.pair("date_on_sale_to", rec.get("sale_to")),
    )
    return out


def render_product(sb: WooSandbox, rec: dict[str, Any], site: str) -> dict[str, Any]:
    """GET /products/{id} for a product record."""
    out = _common(sb, rec, PRODUCT_DEFAULTS)
    slug = out["slug"]
    out.update(
        permalink=f"{site}/product/{slug}/" if slug else f"{site}/?post_type=product&p={rec['id']}",
        categories=sb.category_refs(rec.get("categories", ())),
        variations=list(rec.get("variations", ())),
        shipping_required=not out["virtual"],
        shipping_taxable=not out["virtual"] and out["tax_status"] in ("taxable", "shipping"),
        has_options=out["type"] == "variable",
        price_html=_price_html(out["price"], sb.currency_symbol),
        _links=resource_links(site, f"products/{rec['id']}", "products"),
    )
    return _ordered(out, PRODUCT_KEY_ORDER)


def render_variation(sb: WooSandbox, rec: dict[str, Any], site: str) -> dict[str, Any]:
    """GET /products/{parent}/variations/{id} for a variation record."""
    out = _common(sb, rec, VARIATION_DEFAULTS)
    parent = sb.products.get(rec["parent_id"], {})
    out.update(
        parent_id=rec["parent_id"],
        name=_variation_name(parent.get("name", ""), out["attributes"]),
        permalink=f"{site}/product/{parent.get('slug', '')}/?variation_id={rec['id']}",
        _links=resource_links(
            site,
            f"products/{rec['parent_id']}/variations/{rec['id']}",
            f"products/{rec['parent_id']}/variations",
        ),
    )
    return _ordered(out, VARIATION_KEY_ORDER)


def _variation_name(parent_name: str, attributes: list[dict[str, Any]]) -> str:
    options = [str(a.get("option", "")) for a in attributes if a.get("option")]
    return f"{parent_name} - {', '.join(options)}" if options else parent_name


def _price_html(price: str, symbol: str) -> str:
    if price == "":
        return ""
    return (
        '<span class="woocommerce-Price-amount amount"><bdi>'
        f'{to_decimal(price):.2f}&nbsp;<span class="woocommerce-Price-currencySymbol">'
        f"{symbol}</span></bdi></span>"
    )
