"""The fair baseline: the script a good admin writes with the official client.

Same library as the naive script (the ``woocommerce`` PyPI client,
synchronous ``requests``, OAuth 1.0a over http) and the same product data,
but written the way the WooCommerce docs suggest for bulk work: read the
store's categories and products once (pages of 100), create the missing
categories a tree level at a time, then send every product in batches of
100 (``products/batch``: ``create`` for new SKUs, ``update`` for known
ones) from a few threads at once.  It has no memory either: a rerun
updates every product, in batches.

A failed request is counted and skipped, as in the naive script.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from woocommerce import API

from bench.baselines.naive import TAX_CLASSES, KoronaReader, Tally, _price
from bench.shops import WOO_KEY, WOO_SECRET

__all__ = ["BatchedSync", "run"]

BATCH = 100
THREADS = 4  # "a few threads": the host's PHP workers are 5


def _chunks(items: list[Any], size: int = BATCH) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _depth(group_id: str, groups: dict[str, dict[str, Any]]) -> int:
    parent = (groups[group_id].get("parentCommodityGroup") or {}).get("id")
    return 0 if not parent else 1 + _depth(parent, groups)


class BatchedSync:
    """One run: read both sides, categories level by level, products in batches."""

    def __init__(self, woo_url: str, korona_url: str, threads: int = THREADS) -> None:
        self.woo_url = woo_url
        self.korona = KoronaReader(korona_url)
        self.threads = threads
        self.tally = Tally()
        self.category_ids: dict[str, int] = {}
        self._lock = threading.Lock()

    def _api(self) -> API:
        return API(url=self.woo_url, consumer_key=WOO_KEY, consumer_secret=WOO_SECRET, timeout=120)

    def call(self, method: str, endpoint: str, data: Any = None, **params: Any) -> Any:
        api = self._api()  # one per call: the client is not documented as thread-safe
        r = (
            api.get(endpoint, params=params)
            if data is None
            else getattr(api, method)(endpoint, data)
        )
        with self._lock:
            t = self.tally
            t.requests += 1
            t.statuses[str(r.status_code)] = t.statuses.get(str(r.status_code), 0) + 1
            if r.status_code >= 400:
                t.failed += 1
                t.rate_limited += r.status_code == 429
                return None
        return r.json()

    def pages(self, endpoint: str, **params: Any) -> list[dict[str, Any]]:
        found, page = [], 1
        while True:
            rows = self.call("get", endpoint, per_page=BATCH, page=page, **params) or []
            found += rows
            if len(rows) < BATCH:
                return found
            page += 1

    def categories(self, groups: dict[str, dict[str, Any]]) -> None:
        """Create the missing ones a level at a time (a child needs its parent's id)."""
        known = {(c["name"], c["parent"]): c["id"] for c in self.pages("products/categories")}
        by_level: dict[int, list[str]] = {}
        for gid in groups:
            by_level.setdefault(_depth(gid, groups), []).append(gid)
        for level in sorted(by_level):
            missing = []
            for gid in by_level[level]:
                parent_ref = groups[gid].get("parentCommodityGroup")
                parent = self.category_ids.get(parent_ref["id"], 0) if parent_ref else 0
                key = (groups[gid]["name"], parent)
                if key in known:
                    self.category_ids[gid] = known[key]
                else:
                    missing.append((gid, {"name": key[0], "parent": parent}))
            for chunk in _chunks(missing):
                made = self.call(
                    "post", "products/categories/batch", {"create": [b for _, b in chunk]}
                )
                for (gid, _), answer in zip(chunk, (made or {}).get("create", []), strict=False):
                    if answer.get("id"):
                        self.category_ids[gid] = answer["id"]

    def product_data(self, p: dict[str, Any], stock: dict[str, str]) -> dict[str, Any]:
        data: dict[str, Any] = {"name": p["name"], "sku": p["number"], "status": "publish"}
        price = _price(p)
        if price:
            data["regular_price"] = price
        data["tax_class"] = TAX_CLASSES.get((p.get("sector") or {}).get("id"), "")
        group = (p.get("commodityGroup") or {}).get("id")
        if group in self.category_ids:
            data["categories"] = [{"id": self.category_ids[group]}]
        if p.get("trackInventory"):
            data["manage_stock"] = True
            data["stock_quantity"] = int(float(stock.get(p["id"], "0")))
        if p.get("deactivated"):
            data["status"] = "draft"
        return data

    def _send(self, kind: str, chunk: list[dict[str, Any]]) -> None:
        answer = self.call("post", "products/batch", {kind: chunk}) or {}
        done = sum(1 for a in answer.get(kind, []) if "error" not in a)
        with self._lock:
            if kind == "create":
                self.tally.created += done
            else:
                self.tally.updated += done

    def products(self, products: list[dict[str, Any]], stock: dict[str, str]) -> None:
        in_shop = {p["sku"]: p["id"] for p in self.pages("products", status="any")}
        creates, updates = [], []
        for p in products:
            data = self.product_data(p, stock)
            if data["sku"] in in_shop:
                updates.append({"id": in_shop[data["sku"]], **data})
            elif data["status"] != "draft":  # deactivated and never sold online
                creates.append(data)
        jobs = [("create", c) for c in _chunks(creates)] + [("update", c) for c in _chunks(updates)]
        with ThreadPoolExecutor(self.threads) as pool:
            list(pool.map(lambda job: self._send(*job), jobs))

    def run(self) -> dict[str, float]:
        started = time.perf_counter()
        groups = self.korona.groups()
        stock = self.korona.stock()
        products = self.korona.products()
        read = time.perf_counter()
        self.categories(groups)
        categories = time.perf_counter()
        self.products(products, stock)
        done = time.perf_counter()
        return {
            "read_s": round(read - started, 3),
            "categories_s": round(categories - read, 3),
            "push_s": round(done - categories, 3),
            "products": len(products),
        }


def run(payload: dict[str, Any]) -> dict[str, Any]:
    """Entry point for :func:`bench.procs.run_child`."""
    sync = BatchedSync(payload["woo_url"], payload["korona_url"])
    started = time.perf_counter()
    parts = sync.run()
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
