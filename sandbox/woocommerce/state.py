"""The simulated store: all state of one WooCommerce site, in memory.

Tests inspect it directly (``sb.products``, ``sb.orders``, ``sb.webhooks``,
``sb.stats``) and drive it the way people outside the API would: a shopper
checking out (:meth:`place_order`) or staff changing an order in wp-admin
(:meth:`set_order_status`).  Every mutation happens under ``sb.lock``
because the HTTP server runs in another thread than the test.
"""

from __future__ import annotations

import threading
from collections import Counter, OrderedDict
from typing import Any

from sandbox.woocommerce.auth import ApiKey, Authenticator
from sandbox.woocommerce.clock import SiteClock
from sandbox.woocommerce.delivery import DeliveryQueue
from sandbox.woocommerce.faults import FaultInjector
from sandbox.woocommerce.hostmodel import HostModel
from sandbox.woocommerce.ids import IdSequences
from sandbox.woocommerce.seed import seed_demo
from sandbox.woocommerce.shopper import edit_product, place_order, set_order_status
from sandbox.woocommerce.stats import SandboxStats
from sandbox.woocommerce.store_settings import StoreSettings
from sandbox.woocommerce.text import sanitize_title

__all__ = ["ListCache", "WooSandbox"]


class ListCache:
    """A small LRU of sorted id lists for repeated list queries."""

    def __init__(self, size: int = 32) -> None:
        self.size = size
        self._items: OrderedDict[tuple, tuple[int, list[int]]] = OrderedDict()

    def get(self, key: tuple) -> tuple[int, list[int]] | None:
        value = self._items.get(key)
        if value is not None:
            self._items.move_to_end(key)
        return value

    def put(self, key: tuple, value: tuple[int, list[int]]) -> None:
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self.size:
            self._items.popitem(last=False)


class WooSandbox:
    """One WooCommerce 10 store: data, credentials, host model and webhooks."""

    def __init__(
        self,
        consumer_key: str = "ck_sandbox",
        consumer_secret: str = "cs_sandbox",
        host_model: HostModel | None = None,
        *,
        site_url: str | None = None,
        utc_offset_seconds: int = 3600,
        key_permissions: str = "read_write",
        settings: StoreSettings | None = None,
    ) -> None:
        self.lock = threading.RLock()
        self.site_url = site_url.rstrip("/") if site_url else None
        self.clock = SiteClock(utc_offset_seconds)
        self.auth = Authenticator(ApiKey(consumer_key, consumer_secret, key_permissions))
        self.settings = settings or StoreSettings()
        self.stats = SandboxStats()
        self.ids = IdSequences()
        self._host_model = host_model or HostModel()
        self.faults = FaultInjector(self._host_model)
        self._init_data()
        self.deliveries = DeliveryQueue(self)
        self.webhook_delay = 0.2
        self.cron_interval = 0.0  # > 0: Action Scheduler model, see delivery.py
        self.webhook_timeout = 60.0
        self.ping_timeout = 5.0
        self.max_webhook_failures = 5
        self.enforce_safe_webhook_urls = False
        self.unreachable_images: set[str] = set()  # hosts or URLs the shop can't download

    def _init_data(self) -> None:
        self.products: dict[int, dict[str, Any]] = {}
        self.variations: dict[int, dict[str, Any]] = {}
        self.sku_index: dict[str, int] = {}
        self.gtin_index: dict[str, set[int]] = {}  # GTIN -> ids that set it (checked on use)
        self.product_slugs: dict[str, int] = {}
        self.catalog_version = 0
        self.list_cache = ListCache()
        self.default_category_id = 15
        self.categories: dict[int, dict[str, Any]] = {
            15: {"id": 15, "name": "Uncategorized", "slug": "uncategorized"}
        }
        self.tags: dict[int, dict[str, Any]] = {}
        self.orders: dict[int, dict[str, Any]] = {}
        self.refunds: dict[int, dict[str, Any]] = {}
        self.order_notes: dict[int, list[dict[str, Any]]] = {}
        self.customers: dict[int, dict[str, Any]] = {}
        self.coupons: dict[int, dict[str, Any]] = {}
        self.attributes: dict[int, dict[str, Any]] = {}  # global ones (pa_<slug>)
        self.webhooks: dict[int, dict[str, Any]] = {}
        self._counts: tuple[int, Counter[int]] = (-1, Counter())

    # -- host model -------------------------------------------------------------------

    @property
    def host_model(self) -> HostModel:
        return self._host_model

    @host_model.setter
    def host_model(self, model: HostModel) -> None:
        """Swap the host model at runtime (faults restart from their seed)."""
        self._host_model = model
        self.faults.reconfigure(model)

    # -- lookups the renderers share ----------------------------------------------------

    @property
    def currency_symbol(self) -> str:
        return self.settings.currency_symbol

    def category_refs(self, ids: Any) -> list[dict[str, Any]]:
        cats = self.categories
        return [
            {"id": cid, "name": cats[cid]["name"], "slug": cats[cid]["slug"]}
            for cid in ids
            if cid in cats
        ]

    def category_counts(self) -> Counter[int]:
        """Published products per category, recomputed only after catalog writes."""
        version, counts = self._counts
        if version != self.catalog_version:
            counts = Counter()
            for rec in self.products.values():
                if rec.get("status", "publish") == "publish":
                    counts.update(rec.get("categories", ()))
            self._counts = (self.catalog_version, counts)
        return counts

    def tag_ref(self, tag: dict[str, Any]) -> dict[str, Any]:
        """An existing tag by id, or a tag created on the fly from its name."""
        if tag.get("id") in self.tags:
            return dict(self.tags[tag["id"]])
        name = str(tag.get("name") or "")
        for existing in self.tags.values():
            if existing["name"] == name:
                return dict(existing)
        new = {"id": self.ids.take("term"), "name": name, "slug": sanitize_title(name)}
        self.tags[new["id"]] = new
        return dict(new)

    def site_for(self, scheme: str | None = None) -> str:
        """The site URL (scheme swapped when asked, as ``get_home_url`` does)."""
        site = self.site_url or "http://127.0.0.1"
        if scheme:
            site = scheme + site[site.index("://") :]
        return site

    # -- events -----------------------------------------------------------------------

    def emit(self, resource: str | None, event: str, resource_id: int) -> None:
        """A WooCommerce action happened: queue deliveries for matching webhooks."""
        if resource is not None:
            self.deliveries.event(f"{resource}.{event}", resource_id)

    # -- the world outside the REST API ------------------------------------------------

    def seed_demo(
        self, products: int = 40, categories: int = 8, orders: int = 0, rng_seed: int = 1
    ) -> None:
        """Fill the store with a realistic demo shop (fast enough for 100k products)."""
        seed_demo(self, products, categories, orders, rng_seed)

    def place_order(
        self,
        line_items: list[tuple[int, int]],
        payment_method: str = "bacs",
        status: str = "processing",
        customer: int | dict[str, Any] | None = None,
        **extra: Any,
    ) -> dict[str, Any]:
        """A shopper checks out (stock reduced, order.created + order.updated fire)."""
        return place_order(self, line_items, payment_method, status, customer, **extra)

    def set_order_status(self, order_id: int, status: str, note: str = "") -> dict[str, Any]:
        """Staff changes an order's status in wp-admin (order.updated fires)."""
        return set_order_status(self, order_id, status, note)

    def edit_product(self, product_id: int, changes: dict[str, Any]) -> dict[str, Any]:
        """Staff saves a product in wp-admin (product.updated fires)."""
        return edit_product(self, product_id, changes)
