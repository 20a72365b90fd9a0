"""KORONA Cloud API v3 over the shared transport: paths, lists, writes.

Every path lives under ``accounts/{accountId}``.  Lists are read with a
*revision keyset*: each request asks for ``revision > last seen`` sorted by
revision, always page 1.  Page numbers over a moving result set would skip
a row whenever an earlier row changes mid-read (it jumps to the end and the
rest shift left); the keyset can't skip, and the revision of the last row
of a page is exactly the cursor to persist after applying it.

Writes go one at a time per connection (``write_lock``): KORONA answers
parallel updates with 429 TOO_MANY_PARALLEL_UPDATE_REQUESTS.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from engine.backends.korona.errors import (
    QuotaAwareTransport,
    UnknownHandle,
    parse_korona_error,
    translate,
)
from engine.backends.korona.settings import KoronaSettings
from engine.backends.korona.wire import ResultList, decode_json, encode_json, is_uuid
from engine.errors import RemoteError
from engine.transport import AdaptiveLimiter, RemoteClient, RetryPolicy, http_transport

__all__ = ["KoronaApi", "ListPage"]

_JSON = {"Content-Type": "application/json"}


@dataclass(frozen=True)
class ListPage:
    """One page of a list read and the revision to resume after it."""

    rows: ResultList
    last_revision: int | None


def _last_revision(rows: ResultList) -> int | None:
    revisions = [r.get("revision") for r in rows.results]
    if not revisions or any(rev is None for rev in revisions):
        return None
    return max(int(rev) for rev in revisions if rev is not None)


class KoronaApi:
    """Thin, typed access to one KORONA account through :class:`RemoteClient`."""

    def __init__(
        self,
        settings: KoronaSettings,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        inner = http_transport(transport, settings.verify_tls)
        self.settings = settings
        self.write_lock = asyncio.Lock()
        self._ids: dict[tuple[str, str], str] = {}
        self.client = RemoteClient(
            system="korona",
            base_url=settings.base_url,
            auth=httpx.BasicAuth(settings.user, settings.password),
            timeout=settings.timeout,
            retry=retry or RetryPolicy(),
            limiter=AdaptiveLimiter(initial=1, minimum=1, maximum=1),
            secrets=(settings.password, settings.coupling_id),
            error_parser=parse_korona_error,
            transport=QuotaAwareTransport(inner),
        )

    def path(self, *parts: str) -> str:
        return "/".join(("accounts", self.settings.account_id, *parts))

    async def _request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            return await self.client.request(method, path, **kwargs)
        except RemoteError as error:
            raise translate(error) from None

    async def resolve_id(self, collection: str, handle: str) -> str:
        """The uuid for a config value that may be a back-office number ("90").

        Admins copy numbers from KORONA Studio; path parameters of writes and
        sub-resources must be uuids, so a number is looked up once and cached.
        """
        if is_uuid(handle):
            return handle
        cached = self._ids.get((collection, handle))
        if cached is None:
            rows = ResultList.parse(await self.get(self.path(collection), {"number": handle}))
            if not rows.results:
                raise UnknownHandle(f"KORONA has no {collection} object with number {handle!r}")
            cached = self._ids[(collection, handle)] = str(rows.results[0]["id"])
        return cached

    async def get(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        """GET one resource or list; ``None`` for KORONA's 204 "empty"."""
        response = await self._request("GET", path, params=params)
        return None if response.status_code == 204 else decode_json(response.content)

    async def pages(
        self, path: str, since: int | None = None, params: Mapping[str, Any] | None = None
    ) -> AsyncIterator[ListPage]:
        """Stream a list in revision order, one request per page.

        It ends when the envelope says nothing follows, never on a short page:
        KORONA may answer fewer rows than ``size`` asked for.
        """
        size = self.settings.page_size
        cursor, page_no = since, 1
        while True:
            query: dict[str, Any] = {"size": size, "sort": "revision", "page": page_no}
            query.update(params or {})
            if cursor is not None:
                query["revision"] = cursor
            rows = ResultList.parse(await self.get(path, query))
            if not rows.results:
                return
            last = _last_revision(rows)
            yield ListPage(rows, last)
            if not rows.more_follow:
                return
            if last is None:  # rows without revisions: fall back to page numbers
                page_no += 1
            else:
                cursor = last

    async def all_rows(self, path: str, params: Mapping[str, Any] | None = None) -> list[dict]:
        """A small reference list in full (sales taxes, price groups)."""
        rows: list[dict] = []
        async for page in self.pages(path, params=params):
            rows.extend(dict(r) for r in page.rows.results)
        return rows

    async def write(
        self,
        method: str,
        path: str,
        body: Any,
        params: Mapping[str, Any] | None = None,
    ) -> Any:
        """One write, serialized per connection; returns the decoded body or None."""
        async with self.write_lock:
            return await self.write_unlocked(method, path, body, params)

    async def write_unlocked(
        self, method: str, path: str, body: Any, params: Mapping[str, Any] | None = None
    ) -> Any:
        """For callers already holding ``write_lock`` (look-up-then-create)."""
        response = await self._request(
            method, path, params=params, content=encode_json(body), headers=_JSON
        )
        if response.status_code == 204 or not response.content:
            return None
        return decode_json(response.content)

    async def aclose(self) -> None:
        await self.client.aclose()
