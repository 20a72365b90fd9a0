"""WooClient: the whole WooCommerce REST v3 surface tillsync uses, in one class.

Usage::

    async with WooClient("https://shop.example", ck, cs) as woo:
        async for page in woo.iter_pages("products", {"status": "publish"}):
            ...
        result = await woo.batch("products", create=[...], update=[...])
        for failed in result.failed:
            ...

The connection part (auth, JSON in/out, pages, batches) comes first; the
resource methods (catalog, orders, store settings) build on its few calls and
hand raw REST dicts in and out.  Bodies are decoded with ``Decimal`` for any
JSON number and encoded with ``Decimal`` as a string, so money never passes
through a float.  Auth, batching, batch sizing and pagination live in their
own modules beside this one.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx

from engine.errors import Capture
from engine.transport import (
    AdaptiveLimiter,
    RateMemory,
    RatePacer,
    RemoteClient,
    RequestStats,
    RetryPolicy,
)
from engine.woo.auth import AuthMode, choose_auth
from engine.woo.batch import BatchOp, BatchResult, run_batch
from engine.woo.batch_size import BatchSizer
from engine.woo.faults import parse_woo_error
from engine.woo.pagination import MAX_PER_PAGE, Page, iter_pages

__all__ = ["API_PATH", "WooClient", "api_base", "woo_date"]

API_PATH = "wp-json/wc/v3"
# Stable order for offset pagination over a set that may change while we read.
BY_ID = {"orderby": "id", "order": "asc"}


def api_base(url: str, api_path: str = API_PATH) -> str:
    """``https://shop.example`` -> ``https://shop.example/wp-json/wc/v3`` (idempotent)."""
    url = url.rstrip("/")
    return url if url.endswith("/" + api_path.strip("/")) else f"{url}/{api_path.strip('/')}"


def woo_date(value: datetime | str) -> str:
    """A query date for ``dates_are_gmt=true``: naive ISO-8601 in UTC."""
    if isinstance(value, str):
        return value
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.replace(microsecond=0).isoformat()


def _encode(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return woo_date(value)
    raise TypeError(f"cannot send {type(value).__name__} to WooCommerce")


def _decode(response: httpx.Response) -> Any:
    if not response.content:
        return None
    return json.loads(response.content, parse_float=Decimal)


class WooClient:
    """One store's REST API: auth from the URL scheme, pages, batches, resources."""

    def __init__(
        self,
        url: str,
        consumer_key: str,
        consumer_secret: str,
        *,
        auth_mode: AuthMode | None = None,
        query_string_auth: bool = False,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        limiter: AdaptiveLimiter | None = None,
        verify: bool | str = True,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        rates: RateMemory | None = None,
    ) -> None:
        """``rates`` remembers the request rate learned from this host's 429s
        (the state database), so the next run starts paced instead of refused."""
        base = api_base(url)
        #: The store's URL as configured: idempotency keys and markers derive from it.
        self.store_url = url
        self.timeout = timeout  # seconds per request; batch sizes aim well inside it
        self._sizers: dict[tuple[str, bool], BatchSizer] = {}
        auth = choose_auth(
            base, consumer_key, consumer_secret, mode=auth_mode, query_string_auth=query_string_auth
        )
        self.remote = RemoteClient(
            system="woocommerce",
            base_url=base,
            auth=auth,
            timeout=timeout,
            retry=retry,
            limiter=limiter,
            pacer=RatePacer(host=httpx.URL(base).netloc.decode(), memory=rates),
            secrets=(consumer_secret,),
            verify=verify,
            error_parser=parse_woo_error,
            transport=transport,
            sleep=sleep,
        )

    @property
    def stats(self) -> RequestStats:
        return self.remote.stats

    @property
    def last_capture(self) -> Capture | None:
        return self.remote.last_capture

    async def call(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        body: Any = None,
        idempotent: bool | None = None,
    ) -> httpx.Response:
        """One request; ``body`` is JSON-encoded with Decimal-as-string."""
        content = None if body is None else json.dumps(body, default=_encode).encode()
        headers = None if body is None else {"Content-Type": "application/json"}
        query = _query(params) if params else None
        return await self.remote.request(
            method, path, params=query, content=content, headers=headers, idempotent=idempotent
        )

    async def get(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        return _decode(await self.call("GET", path, params=params))

    async def post(self, path: str, body: Any, *, idempotent: bool | None = None) -> Any:
        return _decode(await self.call("POST", path, body=body, idempotent=idempotent))

    async def put(self, path: str, body: Any) -> Any:
        return _decode(await self.call("PUT", path, body=body))

    async def delete(self, path: str, *, force: bool = False) -> Any:
        return _decode(await self.call("DELETE", path, params={"force": force} if force else None))

    async def _fetch_page(
        self, path: str, params: Mapping[str, Any]
    ) -> tuple[Any, Mapping[str, str]]:
        response = await self.call("GET", path, params=params)
        return _decode(response), response.headers

    def iter_pages(
        self, path: str, params: Mapping[str, Any] | None = None, *, per_page: int = MAX_PER_PAGE
    ) -> AsyncIterator[Page]:
        """``async for page in woo.iter_pages("products", {...})`` — one page at a time."""
        return iter_pages(self._fetch_page, path, params, per_page=per_page)

    async def iter_items(
        self, path: str, params: Mapping[str, Any] | None = None
    ) -> AsyncIterator[dict[str, Any]]:
        """Every item of a collection, streamed (pages are fetched lazily)."""
        async for page in self.iter_pages(path, params):
            for item in page.items:
                yield item

    async def batch(
        self,
        resource: str,
        *,
        create: Sequence[Mapping[str, Any]] = (),
        update: Sequence[Mapping[str, Any]] = (),
        delete: Sequence[int] = (),
        concurrency: int = 1,
    ) -> BatchResult:
        """``POST <resource>/batch`` in requests sized by measured time (at most 100
        items, see :mod:`engine.woo.batch_size`); every item's outcome returned."""
        path = resource.strip("/") + "/batch"
        sizer = self.batch_sizer(path, creates=bool(create))

        async def send(body: dict[str, list[Any]], idempotent: bool) -> Any:
            started = time.monotonic()
            response = await self.call("POST", path, body=body, idempotent=idempotent)
            # the answered attempt's own time: waits before retries say nothing of the shop
            took = _elapsed(response)
            sizer.record(sum(len(i) for i in body.values()), took or time.monotonic() - started)
            return _decode(response)

        ops: dict[BatchOp, Sequence[Any]] = {"create": create, "update": update, "delete": delete}
        return await run_batch(send, ops, concurrency=concurrency, sizer=sizer)

    def batch_sizer(self, path: str, *, creates: bool) -> BatchSizer:
        """The request-size estimate for one batch route, shared by every call on it."""
        key = (path, creates)
        if key not in self._sizers:
            self._sizers[key] = BatchSizer.for_timeout(self.timeout, creates=creates)
        return self._sizers[key]

    async def batch_many(
        self,
        resource: str,
        *,
        create: Sequence[Mapping[str, Any]] = (),
        update: Sequence[Mapping[str, Any]] = (),
        delete: Sequence[int] = (),
        concurrency: int = 4,
    ) -> BatchResult:
        """Like :meth:`batch` but with several 100-item requests in flight at once."""
        return await self.batch(
            resource, create=create, update=update, delete=delete, concurrency=concurrency
        )

    async def aclose(self) -> None:
        await self.remote.aclose()

    async def __aenter__(self) -> WooClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return f"WooClient({self.remote.redactor.url(self.remote.base_url)!r})"

    # -- catalog: products, variations and categories --------------------------

    def iter_products(
        self,
        *,
        modified_after: datetime | str | None = None,
        sku: str | None = None,
        status: str = "any",
        **filters: Any,
    ) -> AsyncIterator[dict[str, Any]]:
        """Stream products, optionally changed since ``modified_after`` (compared in GMT)."""
        params = {**BY_ID, "status": status, "sku": sku, **filters}
        if modified_after is not None:
            params.update(modified_after=modified_after, dates_are_gmt=True)
        return self.iter_items("products", params)

    async def get_product(self, product_id: int) -> dict[str, Any]:
        return await self.get(f"products/{int(product_id)}")

    async def find_product_by_sku(self, sku: str) -> dict[str, Any] | None:
        """The product with exactly this SKU, if any.

        The ``sku`` filter is a list filter (commas separate SKUs), so the
        answer is checked for an exact match rather than trusted.
        """
        if not sku:
            return None
        found = await self.get("products", {"sku": sku, "status": "any", "per_page": 10})
        for product in found or []:
            if product.get("sku") == sku:
                return product
        return None

    async def find_product_ids_by_sku(
        self, skus: Sequence[str], *, status: str = "any"
    ) -> dict[str, int]:
        """SKU -> product id for those of ``skus`` the shop holds (one request per 50).

        ``status="trash"`` finds trashed products, which ``any`` leaves out.
        """
        found: dict[str, int] = {}
        wanted = list(dict.fromkeys(s for s in skus if s and "," not in s))
        for start in range(0, len(wanted), 50):
            chunk = wanted[start : start + 50]
            params = {"sku": ",".join(chunk), "status": status, "per_page": 100}
            for product in await self.get("products", {**params, "_fields": "id,sku"}) or []:
                if product.get("sku") in chunk:
                    found[product["sku"]] = int(product["id"])
        return found

    async def create_product(self, product: Mapping[str, Any]) -> dict[str, Any]:
        return await self.post("products", product)

    async def update_product(self, product_id: int, fields: Mapping[str, Any]) -> dict[str, Any]:
        return await self.put(f"products/{int(product_id)}", fields)

    async def delete_product(self, product_id: int, *, force: bool = False) -> dict[str, Any]:
        """Trash the product (``force=True`` deletes it for good)."""
        return await self.delete(f"products/{int(product_id)}", force=force)

    async def batch_products(
        self,
        *,
        create: Sequence[Mapping[str, Any]] = (),
        update: Sequence[Mapping[str, Any]] = (),
        delete: Sequence[int] = (),
        concurrency: int = 1,
    ) -> BatchResult:
        return await self.batch(
            "products", create=create, update=update, delete=delete, concurrency=concurrency
        )

    def iter_variations(self, product_id: int, **filters: Any) -> AsyncIterator[dict[str, Any]]:
        return self.iter_items(f"products/{int(product_id)}/variations", {**BY_ID, **filters})

    async def get_variation(self, product_id: int, variation_id: int) -> dict[str, Any]:
        return await self.get(f"products/{int(product_id)}/variations/{int(variation_id)}")

    async def create_variation(
        self, product_id: int, variation: Mapping[str, Any]
    ) -> dict[str, Any]:
        return await self.post(f"products/{int(product_id)}/variations", variation)

    async def update_variation(
        self, product_id: int, variation_id: int, fields: Mapping[str, Any]
    ) -> dict[str, Any]:
        return await self.put(f"products/{int(product_id)}/variations/{int(variation_id)}", fields)

    async def batch_variations(
        self,
        product_id: int,
        *,
        create: Sequence[Mapping[str, Any]] = (),
        update: Sequence[Mapping[str, Any]] = (),
        delete: Sequence[int] = (),
    ) -> BatchResult:
        path = f"products/{int(product_id)}/variations"
        return await self.batch(path, create=create, update=update, delete=delete)

    def iter_categories(self, **filters: Any) -> AsyncIterator[dict[str, Any]]:
        """All categories (terms have no modified date: always a full read)."""
        return self.iter_items("products/categories", {**BY_ID, **filters})

    async def create_category(self, category: Mapping[str, Any]) -> dict[str, Any]:
        return await self.post("products/categories", category)

    async def update_category(self, category_id: int, fields: Mapping[str, Any]) -> dict[str, Any]:
        return await self.put(f"products/categories/{int(category_id)}", fields)

    async def delete_category(self, category_id: int) -> dict[str, Any]:
        """Terms have no trash: deleting is always forced."""
        return await self.delete(f"products/categories/{int(category_id)}", force=True)

    async def batch_categories(
        self,
        *,
        create: Sequence[Mapping[str, Any]] = (),
        update: Sequence[Mapping[str, Any]] = (),
        delete: Sequence[int] = (),
    ) -> BatchResult:
        return await self.batch("products/categories", create=create, update=update, delete=delete)

    # -- orders, order notes and refunds ---------------------------------------

    def iter_orders(
        self,
        *,
        modified_after: datetime | str | None = None,
        status: str | Sequence[str] | None = None,
        **filters: Any,
    ) -> AsyncIterator[dict[str, Any]]:
        """Stream orders, oldest id first, changed since ``modified_after`` (GMT)."""
        params: dict[str, Any] = {"orderby": "id", "order": "asc", **filters}
        if status is not None:
            params["status"] = status
        if modified_after is not None:
            params.update(modified_after=modified_after, dates_are_gmt=True)
        return self.iter_items("orders", params)

    async def get_order(self, order_id: int) -> dict[str, Any]:
        return await self.get(f"orders/{int(order_id)}")

    async def update_order(self, order_id: int, fields: Mapping[str, Any]) -> dict[str, Any]:
        return await self.put(f"orders/{int(order_id)}", fields)

    async def list_order_notes(self, order_id: int) -> list[dict[str, Any]]:
        return await self.get(f"orders/{int(order_id)}/notes") or []

    async def create_order_note(
        self, order_id: int, note: str, *, customer_note: bool = False
    ) -> dict[str, Any]:
        body = {"note": note, "customer_note": customer_note}
        return await self.post(f"orders/{int(order_id)}/notes", body)

    async def list_refunds(self, order_id: int) -> list[dict[str, Any]]:
        return await self.get(f"orders/{int(order_id)}/refunds") or []

    async def create_refund(
        self,
        order_id: int,
        *,
        amount: Decimal | str | None = None,
        reason: str = "",
        line_items: Sequence[Mapping[str, Any]] = (),
        api_refund: bool = False,
        api_restock: bool = True,
    ) -> dict[str, Any]:
        """Record a refund.  ``api_refund`` defaults to False here (WooCommerce's
        default is True, which would ask the payment gateway to pay money out)."""
        body: dict[str, Any] = {"reason": reason, "api_refund": api_refund}
        body["api_restock"] = api_restock
        if amount is not None:
            body["amount"] = str(amount)
        if line_items:
            body["line_items"] = list(line_items)
        return await self.post(f"orders/{int(order_id)}/refunds", body)

    # -- store: customers, coupons, taxes, gateways, webhooks, status ----------

    def iter_customers(self, *, email: str | None = None, **filters: Any) -> AsyncIterator[dict]:
        params = {"orderby": "id", "order": "asc", "role": "all", "email": email, **filters}
        return self.iter_items("customers", params)

    async def get_customer(self, customer_id: int) -> dict[str, Any]:
        return await self.get(f"customers/{int(customer_id)}")

    async def create_customer(self, customer: Mapping[str, Any]) -> dict[str, Any]:
        return await self.post("customers", customer)

    async def update_customer(self, customer_id: int, fields: Mapping[str, Any]) -> dict[str, Any]:
        return await self.put(f"customers/{int(customer_id)}", fields)

    def iter_coupons(self, *, code: str | None = None, **filters: Any) -> AsyncIterator[dict]:
        return self.iter_items(
            "coupons", {"orderby": "id", "order": "asc", "code": code, **filters}
        )

    async def get_coupon(self, coupon_id: int) -> dict[str, Any]:
        return await self.get(f"coupons/{int(coupon_id)}")

    async def list_tax_classes(self) -> list[dict[str, Any]]:
        return await self.get("taxes/classes") or []

    async def list_payment_gateways(self) -> list[dict[str, Any]]:
        return await self.get("payment_gateways") or []

    async def list_webhooks(self, **filters: Any) -> list[dict[str, Any]]:
        return [hook async for hook in self.iter_items("webhooks", filters)]

    async def create_webhook(
        self, *, name: str, topic: str, delivery_url: str, secret: str, status: str = "active"
    ) -> dict[str, Any]:
        """Register a webhook.  WooCommerce pings ``delivery_url`` synchronously
        (form-encoded ``webhook_id=N``), so the receiver must be up first."""
        self.remote.redactor.add(secret)
        body = {
            "name": name,
            "topic": topic,
            "delivery_url": delivery_url,
            "secret": secret,
            "status": status,
        }
        return await self.post("webhooks", body)

    async def update_webhook(self, webhook_id: int, fields: Mapping[str, Any]) -> dict[str, Any]:
        if isinstance(fields.get("secret"), str):
            self.remote.redactor.add(fields["secret"])
        return await self.put(f"webhooks/{int(webhook_id)}", fields)

    async def delete_webhook(self, webhook_id: int) -> dict[str, Any]:
        """Webhooks have no trash: without ``force`` WooCommerce answers 501."""
        return await self.delete(f"webhooks/{int(webhook_id)}", force=True)

    async def system_status(self) -> dict[str, Any]:
        """Environment, versions and settings (also a cheap credentials check)."""
        return await self.get("system_status")


def _elapsed(response: httpx.Response) -> float | None:
    """Seconds from sending the request to its answer, when the transport timed it."""
    try:
        return response.elapsed.total_seconds()
    except RuntimeError:  # e.g. a mock transport's answer carries no timing
        return None


def _query(params: Mapping[str, Any] | None) -> dict[str, Any]:
    """Drop ``None`` filters, render dates, and join lists the way WordPress parses
    them (``include=1,2``; httpx would repeat the key and WordPress keep the last)."""
    out: dict[str, Any] = {}
    for key, value in (params or {}).items():
        if value is None:
            continue
        if isinstance(value, datetime):
            value = woo_date(value)
        elif isinstance(value, list | tuple | set | frozenset):
            value = ",".join(str(v) for v in value)
        out[key] = value
    return out
