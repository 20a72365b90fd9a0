"""Sites, categories, products, variants, images, price lists, VAT groups, manufacturers.

Paths and shapes from the OpenAPI reconstruction [V]; batch writes answer
the batch envelope ``[{statuscode, return}]`` one per item in order [V]; a
refused item carries ``statuscode`` 400, ``return`` 0 and an ``errortext``
[I: the envelope of a failed item is not documented].
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from sandbox.sitoo.account import SitooSandbox
from sandbox.sitoo.gate import empty_ok, not_found, site_of
from sandbox.sitoo.products import apply_product, product_row, visible
from sandbox.sitoo.wire import (
    SitooError,
    envelope,
    json_body,
    ok,
    query_int,
    query_list,
    require_money,
)

__all__ = ["catalog_routes"]

S = "/sites/{siteid}"


async def get_sites(sb: SitooSandbox, request: Request) -> Response:
    with sb.lock:
        rows = list(sb.sites.values())
    return envelope(request, rows, sb.knobs.page_cap)


async def get_site(sb: SitooSandbox, request: Request) -> Response:
    with sb.lock:
        return ok(sb.sites[site_of(sb, request)])


async def get_categories(sb: SitooSandbox, request: Request) -> Response:
    site_of(sb, request)
    with sb.lock:
        rows = [_category_row(c) for c in sorted(sb.categories.values(), key=_by("categoryid"))]
    return envelope(request, rows, sb.knobs.page_cap)


def _category_row(row: dict[str, Any]) -> dict[str, Any]:
    shaped = dict(row)
    if shaped.get("categoryparentid") is None:
        shaped.pop("categoryparentid", None)
    return shaped


def _by(key: str):
    return lambda row: row[key]


def _product_filter(request: Request):
    skus = set(query_list(request, "sku"))
    ids = {int(i) for i in query_list(request, "productid") if i.isdigit()}
    since = query_int(request, "datelastmodified")
    inactive = request.query_params.get("includeinactive", "false")
    if inactive not in ("true", "false", "1", "0"):
        raise SitooError(400, "includeinactive: must be true or false")
    include = inactive in ("true", "1")

    def keep(row: dict[str, Any]) -> bool:
        return (
            visible(row, include)
            and (not skus or row["sku"] in skus)
            and (not ids or row["productid"] in ids)
            and (since is None or row.get("datemodified", 0) > since)
        )

    return keep


async def get_products(sb: SitooSandbox, request: Request) -> Response:
    site_of(sb, request)
    keep = _product_filter(request)
    with sb.lock:
        rows = [product_row(sb, p) for p in sorted(sb.products.values(), key=_by("productid"))]
    return envelope(request, [r for r in rows if keep(r)], sb.knobs.page_cap)


async def _batch(sb: SitooSandbox, request: Request, update: bool) -> Response:
    site_of(sb, request)
    items = await json_body(request)
    if not isinstance(items, list) or not items:
        raise SitooError(400, "expected a non-empty JSON array")
    results = []
    with sb.lock:
        for item in items:
            try:
                current = _current(sb, item) if update else None
                pid = apply_product(sb, item, current)
                results.append({"statuscode": 200, "return": True if update else pid})
            except SitooError as error:
                results.append(
                    {
                        "statuscode": error.status,
                        "return": False if update else 0,
                        "errortext": error.text,
                    }
                )
    return JSONResponse(results)


def _current(sb: SitooSandbox, item: Any) -> dict[str, Any]:
    pid = item.get("productid") if isinstance(item, dict) else None
    if pid not in sb.products:
        raise SitooError(400, f"productid: no product {pid}")
    return sb.products[pid]


async def post_products(sb: SitooSandbox, request: Request) -> Response:
    return await _batch(sb, request, update=False)


async def put_products(sb: SitooSandbox, request: Request) -> Response:
    return await _batch(sb, request, update=True)


def _product(sb: SitooSandbox, request: Request) -> dict[str, Any]:
    site_of(sb, request)
    raw = request.path_params["productid"]
    row = sb.products.get(int(raw)) if raw.isdigit() else None
    if row is None:
        raise not_found(f"product {raw}")
    return row


async def get_product(sb: SitooSandbox, request: Request) -> Response:
    with sb.lock:
        return ok(product_row(sb, _product(sb, request)))


async def put_product(sb: SitooSandbox, request: Request) -> Response:
    body = await json_body(request)
    with sb.lock:
        apply_product(sb, body, _product(sb, request))
    return empty_ok()


async def get_variants(sb: SitooSandbox, request: Request) -> Response:
    with sb.lock:
        main = _product(sb, request)
        pid = main["productid"]
        members = [p for p in sb.products.values() if p.get("variantparentid") == pid]
        variants = [_variant_row(p) for p in sorted(members, key=_by("productid"))]
        return ok({"groups": sb.variant_groups.get(pid, []), "variants": variants})


def _variant_row(row: dict[str, Any]) -> dict[str, Any]:
    keys = (
        "productid",
        "activepos",
        "title",
        "sku",
        "moneyprice",
        "moneypriceorg",
        "moneypricein",
        "barcode",
    )
    shaped = {k: row.get(k) or ("" if k != "activepos" else False) for k in keys}
    shaped["activepos"] = bool(row.get("activepos"))
    shaped["productid"] = row["productid"]
    shaped["attributes"] = list(row.get("_attributes", []))
    shaped["barcodealiases"] = list(row.get("barcodealiases", []))
    return shaped


async def get_images(sb: SitooSandbox, request: Request) -> Response:
    with sb.lock:
        pid = _product(sb, request)["productid"]
        rows = list(sb.images.get(pid, []))
    return envelope(request, rows, sb.knobs.page_cap)


async def get_pricelists(sb: SitooSandbox, request: Request) -> Response:
    site_of(sb, request)
    with sb.lock:
        rows = list(sb.pricelists.values())
    return envelope(request, rows, sb.knobs.page_cap)


async def get_pricelist_items(sb: SitooSandbox, request: Request) -> Response:
    """Items ordered by productid [V], paged with start/num."""
    site_of(sb, request)
    raw = request.path_params["pricelistid"]
    with sb.lock:
        if not raw.isdigit() or int(raw) not in sb.pricelists:
            raise not_found(f"price list {raw}")
        items = sb.pricelist_items.get(int(raw), {})
        rows = [dict(items[pid]) for pid in sorted(items)]
    return envelope(request, rows, sb.knobs.page_cap)


async def put_pricelist_items(sb: SitooSandbox, request: Request) -> Response:
    """Set prices on a list [V batchSetPriceListItems]; each item names a product."""
    site_of(sb, request)
    raw = request.path_params["pricelistid"]
    body = await json_body(request)
    if not isinstance(body, list) or not body:
        raise SitooError(400, "expected a non-empty JSON array")
    with sb.lock:
        if not raw.isdigit() or int(raw) not in sb.pricelists:
            raise not_found(f"price list {raw}")
        checked = [_price_item(sb, item) for item in body]
        items = sb.pricelist_items.setdefault(int(raw), {})
        for pid, row in checked:
            items[pid] = row
            sb.products[pid]["datemodified"] = sb.now()
    return empty_ok()


def _price_item(sb: SitooSandbox, item: Any) -> tuple[int, dict[str, Any]]:
    pid = item.get("productid") if isinstance(item, dict) else None
    if pid not in sb.products:
        raise SitooError(400, f"productid: no product {pid}")
    price = item.get("moneyprice")
    require_money(price, "moneyprice")
    return pid, {"productid": pid, "sku": sb.products[pid]["sku"], "moneyprice": price}


async def get_productgroups(sb: SitooSandbox, request: Request) -> Response:
    site_of(sb, request)
    with sb.lock:
        rows = list(sb.productgroups.values())
    return envelope(request, rows, sb.knobs.page_cap)


async def get_manufacturers(sb: SitooSandbox, request: Request) -> Response:
    site_of(sb, request)
    with sb.lock:
        rows = list(sb.manufacturers.values())
    return envelope(request, rows, sb.knobs.page_cap)


def catalog_routes() -> list[tuple[str, Any, str]]:
    return [
        ("/sites.json", get_sites, "GET"),
        (f"{S}.json", get_site, "GET"),
        (f"{S}/categories.json", get_categories, "GET"),
        (f"{S}/products.json", get_products, "GET"),
        (f"{S}/products.json", post_products, "POST"),
        (f"{S}/products.json", put_products, "PUT"),
        (f"{S}/products/{{productid}}.json", get_product, "GET"),
        (f"{S}/products/{{productid}}.json", put_product, "PUT"),
        (f"{S}/products/{{productid}}/productvariants.json", get_variants, "GET"),
        (f"{S}/products/{{productid}}/images.json", get_images, "GET"),
        (f"{S}/pricelists.json", get_pricelists, "GET"),
        (f"{S}/pricelists/{{pricelistid}}/pricelistitems.json", get_pricelist_items, "GET"),
        (f"{S}/pricelists/{{pricelistid}}/pricelistitems.json", put_pricelist_items, "PUT"),
        (f"{S}/productgroups.json", get_productgroups, "GET"),
        (f"{S}/manufacturers.json", get_manufacturers, "GET"),
    ]
