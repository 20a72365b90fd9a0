"""The WooCommerce REST v3 connection: auth, JSON in/out, pages and batches.

Resource methods (catalog, orders, store settings) build on the few calls
here.  Bodies are decoded with ``Decimal`` for any JSON number and encoded
with ``Decimal`` as a string, so money never passes through a float.
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
from engine.transport import AdaptiveLimiter, RemoteClient, RequestStats, RetryPolicy
from engine.woo.auth import AuthMode, choose_auth
from engine.woo.batch import BatchOp, BatchResult, run_batch
from engine.woo.batch_size import BatchSizer
from engine.woo.faults import parse_woo_error
from engine.woo.pagination import MAX_PER_PAGE, Page, iter_pages

__all__ = ["API_PATH", "WooCore", "api_base", "woo_date"]

API_PATH = "wp-json/wc/v3"


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


class WooCore:
    """Authenticated JSON calls against one store's ``/wp-json/wc/v3``."""

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
    ) -> None:
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

    async def __aenter__(self) -> WooCore:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


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
