"""The peer baseline: the sync script an admin writes in an afternoon.

It uses the official ``woocommerce`` PyPI client (synchronous, ``requests``
underneath, a new connection per call, OAuth 1.0a over http as WooCommerce
demands) and does the obvious thing: read every KORONA product with plain
``requests``, make sure each category exists (look it up by name, create
it if missing), then per product look it up by SKU and create or update it,
one request each.  Running it again does the same: it has no memory, so a
rerun updates every product.  A failed request is counted and skipped (the
script goes on), which is kinder to it than most such scripts are.

The product data is the same tillsync sends: name, SKU, webshop price, tax
class from the VAT sector, category, stock of the webshop warehouse, and
"draft" for products deactivated in KORONA.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import requests
from woocommerce import API

from bench.shops import WOO_KEY, WOO_SECRET
from sandbox import korona as kor

__all__ = ["NaiveSync", "run"]

TAX_CLASSES = {
    kor.SECTOR_STANDARD_ID: "",
    kor.SECTOR_REDUCED_ID: "reduced-rate",
    kor.SECTOR_FREE_ID: "zero-rate",
}


@dataclass
class Tally:
    requests: int = 0
    failed: int = 0
    rate_limited: int = 0
    created: int = 0
    updated: int = 0
    statuses: dict[str, int] = field(default_factory=dict)


class KoronaReader:
    """Plain ``requests`` against the KORONA API, page by page."""

    def __init__(self, korona_url: str) -> None:
        self.base = f"{korona_url}/web/api/v3/accounts/{kor.DEFAULT_ACCOUNT_ID}"
        self.session = requests.Session()
        self.session.auth = (kor.DEFAULT_USER, kor.DEFAULT_PASSWORD)

    def pages(self, path: str) -> Iterator[dict[str, Any]]:
        page = 1
        while True:
            r = self.session.get(f"{self.base}/{path}", params={"page": page, "size": 100})
            if r.status_code == 204:
                return
            r.raise_for_status()
            body = r.json()
            yield from body["results"]
            if page >= body["pagesTotal"]:
                return
            page += 1

    def groups(self) -> dict[str, dict[str, Any]]:
        return {g["id"]: g for g in self.pages("commodityGroups")}

    def stock(self) -> dict[str, str]:
        rows = self.pages(f"organizationalUnits/{kor.ORG_WAREHOUSE_ID}/productStocks")
        return {s["product"]["id"]: str(s["amount"]["actual"]) for s in rows}

    def products(self) -> list[dict[str, Any]]:
        return [p for p in self.pages("products") if p.get("active", True) and p.get("number")]


def _price(product: dict[str, Any]) -> str | None:
    for price in product.get("prices", []):
        if price["priceGroup"]["id"] == kor.PRICE_GROUP_WEBSHOP_ID:
            return f"{float(price['value']):.2f}"
    return None


class NaiveSync:
    """One run of the script: categories, then products one at a time."""

    def __init__(self, woo_url: str, korona_url: str) -> None:
        self.woo = API(url=woo_url, consumer_key=WOO_KEY, consumer_secret=WOO_SECRET, timeout=60)
        self.korona = KoronaReader(korona_url)
        self.tally = Tally()
        self.category_ids: dict[str, int] = {}

    def call(self, method: str, endpoint: str, data: Any = None, **params: Any) -> Any:
        if data is None:
            r = getattr(self.woo, method)(endpoint, params=params)
        else:
            r = getattr(self.woo, method)(endpoint, data)
        t = self.tally
        t.requests += 1
        t.statuses[str(r.status_code)] = t.statuses.get(str(r.status_code), 0) + 1
        if r.status_code >= 400:
            t.failed += 1
            t.rate_limited += r.status_code == 429
            return None
        return r.json()

    def category(self, group_id: str, groups: dict[str, dict[str, Any]]) -> int | None:
        if group_id in self.category_ids:
            return self.category_ids[group_id]
        group = groups[group_id]
        parent_ref = group.get("parentCommodityGroup")
        parent = self.category(parent_ref["id"], groups) if parent_ref else 0
        found = self.call("get", "products/categories", search=group["name"], parent=parent or 0)
        match = [c for c in found or [] if c["name"] == group["name"]]
        if match:
            woo_id = match[0]["id"]
        else:
            body = {"name": group["name"], "parent": parent}
            made = self.call("post", "products/categories", body)
            woo_id = made["id"] if made else None
        self.category_ids[group_id] = woo_id
        return woo_id

    def product_data(self, p: dict[str, Any], stock: dict[str, str], groups: dict) -> dict:
        data: dict[str, Any] = {"name": p["name"], "sku": p["number"], "status": "publish"}
        price = _price(p)
        if price:
            data["regular_price"] = price
        data["tax_class"] = TAX_CLASSES.get((p.get("sector") or {}).get("id"), "")
        group = (p.get("commodityGroup") or {}).get("id")
        if group:
            data["categories"] = [{"id": self.category(group, groups)}]
        if p.get("trackInventory"):
            data["manage_stock"] = True
            data["stock_quantity"] = int(float(stock.get(p["id"], "0")))
        if p.get("deactivated"):
            data["status"] = "draft"
        return data

    def push(self, data: dict[str, Any]) -> None:
        found = self.call("get", "products", sku=data["sku"])
        if found:
            if self.call("put", f"products/{found[0]['id']}", data) is not None:
                self.tally.updated += 1
        elif data["status"] == "draft":
            return  # deactivated in KORONA and never sold online: nothing to create
        elif self.call("post", "products", data) is not None:
            self.tally.created += 1

    def run(self, limit: int | None = None) -> dict[str, float]:
        """Read KORONA, make sure every category exists, then push (the first ``limit``
        products); returns the seconds of each part."""
        started = time.perf_counter()
        groups = self.korona.groups()
        stock = self.korona.stock()
        products = self.korona.products()
        read = time.perf_counter()
        for group_id in groups:
            self.category(group_id, groups)
        categories = time.perf_counter()
        for p in products[:limit]:
            self.push(self.product_data(p, stock, groups))
        done = time.perf_counter()
        return {
            "read_s": round(read - started, 3),
            "categories_s": round(categories - read, 3),
            "push_s": round(done - categories, 3),
            "pushed": len(products[:limit]),
            "products": len(products),
        }


def run(payload: dict[str, Any]) -> dict[str, Any]:
    """Entry point for :func:`bench.procs.run_child`."""
    sync = NaiveSync(payload["woo_url"], payload["korona_url"])
    started = time.perf_counter()
    parts = sync.run(payload.get("limit"))
    wall = time.perf_counter() - started
    t = sync.tally
    return {
        "wall_s": round(wall, 3),
        **parts,
        "requests": t.requests,
        "failed": t.failed,
        "rate_limited": t.rate_limited,
        "created": t.created,
        "updated": t.updated,
        "statuses": t.statuses,
    }
