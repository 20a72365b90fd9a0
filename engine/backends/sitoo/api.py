"""Sitoo REST API v2 over the shared transport: paths, paged lists, batch writes.

Lists are paged by ``start``/``num`` and end when ``start`` reaches the
envelope's ``totalcount`` — never on a short page, since the largest page
Sitoo serves is not documented [I].  The last ``X-Rate-Limit-Remaining`` seen
is kept as the account's remaining quota, when the account reports one [I].
Batch writes answer ``[{statuscode, return}]``; every item is checked.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import httpx

from engine.backends.sitoo.errors import parse_sitoo_error, translate
from engine.backends.sitoo.settings import SitooSettings
from engine.errors import RemoteError, ValidationError
from engine.transport import AdaptiveLimiter, RemoteClient, RetryPolicy, http_transport

__all__ = ["BatchItem", "ListPage", "SitooApi"]

_JSON = {"Content-Type": "application/json"}
#: 429 storms slow a sync down, they don't stop it: many patient attempts.
SITOO_RETRY = RetryPolicy(max_attempts=12, base_delay=0.5, max_delay=30.0, max_retry_after=120.0)


@dataclass(frozen=True)
class ListPage:
    items: tuple[dict[str, Any], ...]
    total: int
    start: int


@dataclass(frozen=True)
class BatchItem:
    """One item's answer in a batch envelope."""

    ok: bool
    value: Any
    message: str = ""


def decode(content: bytes) -> Any:
    """JSON with money kept exact: numbers become Decimal, never float."""
    return json.loads(content, parse_float=Decimal)


class SitooApi:
    """Typed access to one Sitoo account through :class:`RemoteClient`."""

    def __init__(
        self,
        settings: SitooSettings,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        self.settings = settings
        self.remaining: int | None = None
        self.client = RemoteClient(
            system=f"sitoo[{settings.mode}]",
            base_url=settings.base_url,
            auth=httpx.BasicAuth(settings.api_id, settings.password),
            timeout=settings.timeout,
            retry=retry or SITOO_RETRY,
            limiter=AdaptiveLimiter(initial=2, minimum=1, maximum=4),
            secrets=(settings.password,),
            error_parser=parse_sitoo_error,
            transport=http_transport(transport, settings.verify_tls),
        )

    def site(self, *parts: str | int) -> str:
        """A path under the site, ending in ``.json``."""
        tail = "/".join(str(p) for p in parts)
        return f"sites/{self.settings.eshopid}/{tail}.json"

    async def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            response = await self.client.request(method, path, **kwargs)
        except RemoteError as error:
            raise translate(error) from None
        remaining = response.headers.get("x-rate-limit-remaining")
        if remaining is not None and remaining.isdigit():
            self.remaining = int(remaining)
        return response

    async def get(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        return decode((await self.request("GET", path, params=params)).content)

    async def pages(
        self, path: str, params: Mapping[str, Any] | None = None, start: int = 0
    ) -> AsyncIterator[ListPage]:
        """Every page of a list, from ``start`` until ``totalcount`` is reached."""
        while True:
            query = {**(params or {}), "start": start, "num": self.settings.page_size}
            body = await self.get(path, query)
            items = tuple(body.get("items") or ())
            total = int(body.get("totalcount") or 0)
            if items:
                yield ListPage(items, total, start)
            start += len(items)
            if not items or start >= total:
                return

    async def all_items(self, path: str, params: Mapping[str, Any] | None = None) -> list[dict]:
        return [item async for page in self.pages(path, params) for item in page.items]

    async def write(self, method: str, path: str, body: Any, **kwargs: Any) -> Any:
        content = json.dumps(body, default=str).encode()
        response = await self.request(method, path, content=content, headers=_JSON, **kwargs)
        return decode(response.content) if response.content else None

    async def batch(self, method: str, path: str, items: list[Any]) -> list[BatchItem]:
        """A batch write; one :class:`BatchItem` per item sent, in order."""
        answer = await self.write(method, path, items)
        if not isinstance(answer, list) or len(answer) != len(items):
            raise ValidationError(f"Sitoo answered a batch of {len(items)} with {answer!r:.80}")
        return [
            BatchItem(
                200 <= int(row.get("statuscode", 0)) < 300,
                row.get("return"),
                str(row.get("errortext") or f"status {row.get('statuscode')}"),
            )
            for row in answer
        ]

    async def aclose(self) -> None:
        await self.client.aclose()
