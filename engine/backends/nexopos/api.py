"""NexoPOS's internal REST API over the shared transport: paths, lists, CRUD pages.

Every request carries the Sanctum bearer token and ``Accept:
application/json`` (without it a missing token is a 500 HTML page, not a 401
[V-run]).  All requests pass :class:`PacedTransport`, which keeps the
connection under NexoPOS's 80 requests per minute, and every 500 is read by
its message before the transport would retry it (:func:`verdict_of`).  Writes
go one at a time (``write_lock``): a look-up followed by a create must not
interleave with another create of the same order.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Mapping
from decimal import Decimal
from typing import Any

import httpx

from engine.backends.nexopos.errors import PacedTransport, classify, parse_nexo_error, verdict_of
from engine.backends.nexopos.settings import NexoSettings
from engine.errors import ConfigError, RemoteError
from engine.transport import AdaptiveLimiter, RemoteClient, RetryPolicy, http_transport

__all__ = ["NexoApi"]


def decode(content: bytes) -> Any:
    """JSON with decimals as Decimal: money never passes through a float."""
    return json.loads(content, parse_float=Decimal)


def _amount(value: object) -> str:
    """Decimals go out as numeric strings (PHP reads them as numbers), never as floats."""
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"cannot send {type(value).__name__} to NexoPOS")


class NexoApi:
    """Thin access to one NexoPOS store through :class:`RemoteClient`."""

    def __init__(
        self,
        settings: NexoSettings,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        inner = http_transport(transport, settings.verify_tls)
        self.settings = settings
        self.write_lock = asyncio.Lock()
        self.pacer = PacedTransport(inner, settings.requests_per_minute, settings.rate_window)
        self.client = RemoteClient(
            system="nexopos",
            base_url=f"{settings.base_url}/api",
            timeout=settings.timeout,
            retry=retry or RetryPolicy(),
            limiter=AdaptiveLimiter(initial=2, minimum=1, maximum=4),
            secrets=(settings.token,),
            error_parser=parse_nexo_error,
            classifier=verdict_of,  # a 500's message decides, before any retry
            transport=self.pacer,
            headers={"Authorization": f"Bearer {settings.token}", "Accept": "application/json"},
        )

    async def _request(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            response = await self.client.request(method, path, **kwargs)
        except RemoteError as error:
            raise classify(error) from None
        return decode(response.content) if response.content else None

    async def get(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        return await self._request("GET", path, params=params)

    async def post(self, path: str, body: Any, *, idempotent: bool = False) -> Any:
        """One write; the caller holds ``write_lock`` when it looked something up first."""
        content = json.dumps(body, default=_amount).encode()
        headers = {"Content-Type": "application/json"}
        return await self._request(
            "POST", path, content=content, headers=headers, idempotent=idempotent
        )

    async def put(self, path: str, body: Any) -> Any:
        content = json.dumps(body, default=_amount).encode()
        headers = {"Content-Type": "application/json"}
        return await self._request("PUT", path, content=content, headers=headers)

    async def crud_pages(
        self, namespace: str, params: Mapping[str, Any] | None = None
    ) -> AsyncIterator[tuple[list[dict], int]]:
        """Every page of a CRUD namespace and its total, following ``last_page``."""
        page = 1
        while True:
            query = {"per_page": self.settings.page_size, "page": page, **(params or {})}
            body = await self.get(f"crud/{namespace}", query)
            if not isinstance(body, dict) or not isinstance(body.get("data"), list):
                raise ConfigError(f"NexoPOS crud/{namespace} did not answer a paginator")
            yield body["data"], int(body.get("total") or 0)
            if page >= int(body.get("last_page") or 1) or not body["data"]:
                return
            page += 1

    async def aclose(self) -> None:
        await self.client.aclose()
