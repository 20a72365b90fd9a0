"""The Connector API over the shared transport: base path, tokens, lists, writes.

The base path is detected once when ``base_path = "auto"``: the token
endpoint is tried at the host, then under ``/public`` (shared hosting [I]);
the first that answers JSON wins.  Answers are unwrapped the same way
whatever their shape: the plain Connector resource (``{data, links, meta}``
or a bare list) or the ``{success, message, data, …}`` wrapper some forks
use [?].  Lists are read with ``per_page``/``page`` and end at the
``meta.last_page`` (or the missing ``links.next``); an answer without
``meta`` is the whole list.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from typing import Any

import httpx

from engine.backends.aurpos.settings import AurposSettings
from engine.backends.aurpos.tokens import PassportAuth, PassportCredentials, TokenKeeper
from engine.errors import Capture, ConfigError, TransientError
from engine.transport import (
    AdaptiveLimiter,
    RemoteClient,
    RequestStats,
    RetryPolicy,
    http_transport,
)

__all__ = ["AurposApi", "unwrap"]


def unwrap(body: Any) -> Any:
    """The payload of an answer in either shape (a dict with ``data``, or as it is)."""
    if (
        isinstance(body, dict)
        and "data" in body
        and ("success" in body or "meta" in body or set(body) <= {"data", "links", "meta"})
    ):
        return body["data"]
    return body


def _meta(body: Any) -> Mapping[str, Any]:
    meta = body.get("meta") if isinstance(body, dict) else None
    return meta if isinstance(meta, Mapping) else {}


class AurposApi:
    """Thin access to one POS business through :class:`RemoteClient`."""

    def __init__(
        self,
        settings: AurposSettings,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        self.settings = settings
        self._transport = transport
        self._retry = retry or RetryPolicy()
        self._client: RemoteClient | None = None
        self._keeper: TokenKeeper | None = None
        self._base: str | None = None if settings.base_path == "auto" else settings.base_paths[0]
        self._start = asyncio.Lock()
        self.write_lock = asyncio.Lock()

    def _inner(self) -> httpx.AsyncBaseTransport:
        return http_transport(self._transport, self.settings.verify_tls)

    def token_url(self, base: str) -> str:
        return f"{self.settings.host}{base}/oauth/token"

    @property
    def api_url(self) -> str:
        base = self._base if self._base is not None else self.settings.base_paths[0]
        return f"{self.settings.host}{base}/{self.settings.api_path.strip('/')}"

    @property
    def token_url_used(self) -> str:
        return self.token_url(self._base if self._base is not None else self.settings.base_paths[0])

    @property
    def token_grants(self) -> int:
        return self._keeper.grants if self._keeper else 0

    async def client(self) -> RemoteClient:
        """The transport, built on first use once the base path is known."""
        async with self._start:
            if self._client is None:
                if self._base is None:
                    self._base = await self._detect_base()
                self._client = self._build(self._base)
            return self._client

    async def _detect_base(self) -> str:
        """The first base path whose token endpoint answers JSON (any status)."""
        http = httpx.AsyncClient(transport=self._inner(), timeout=self.settings.timeout)
        try:
            for base in self.settings.base_paths:
                if await self._answers_json(http, base):
                    return base
        finally:
            if self._transport is None:  # a transport we were given outlives the probe
                await http.aclose()
        tried = ", ".join(self.token_url(b) for b in self.settings.base_paths)
        raise ConfigError(
            f"no OAuth token endpoint answered JSON (tried {tried})",
            hint="The server does not answer like the Ultimate POS Connector API: check "
            "the host and base_path.",
        )

    async def _answers_json(self, http: httpx.AsyncClient, base: str) -> bool:
        try:
            answer = await http.post(self.token_url(base), data={"grant_type": "probe"})
        except httpx.HTTPError as error:
            host = self.settings.host
            raise TransientError(f"cannot reach {host}: {type(error).__name__}") from None
        return answer.headers.get("content-type", "").startswith("application/json")

    def _build(self, base: str) -> RemoteClient:
        s = self.settings
        credentials = PassportCredentials(self.token_url(base), s.client_id, s.client_secret,
                                          s.username, s.password)  # fmt: skip
        token_http = httpx.AsyncClient(transport=self._inner(), timeout=s.timeout,
                                       headers={"Accept": "application/json"})  # fmt: skip
        self._keeper = TokenKeeper(credentials, token_http, on_secret=self._redact)
        return RemoteClient(
            system="aurpos",
            base_url=self.api_url,
            auth=PassportAuth(self._keeper),
            timeout=s.timeout,
            retry=self._retry,
            limiter=AdaptiveLimiter(initial=2, minimum=1, maximum=4),
            secrets=(s.client_secret, s.password),
            transport=self._inner(),
        )

    def _redact(self, secret: str) -> None:
        """Tokens arrive after the client exists; its captures and logs mask them."""
        if self._client is not None:
            self._client.redactor.add(secret)

    @property
    def stats(self) -> RequestStats | None:
        return self._client.stats if self._client is not None else None

    @property
    def last_capture(self) -> Capture | None:
        return self._client.last_capture if self._client is not None else None

    async def token(self) -> None:
        """Obtain a token now (doctor's first step)."""
        await self.client()
        assert self._keeper is not None
        await self._keeper.bearer()

    async def get(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        client = await self.client()
        response = await client.request("GET", path, params=params)
        return response.json()

    async def rows(
        self, path: str, params: Mapping[str, Any] | None = None
    ) -> AsyncIterator[list[dict]]:
        """Stream a list one page at a time (``per_page`` rows)."""
        page = 1
        while True:
            query = {"per_page": self.settings.page_size, "page": page, **(params or {})}
            body = await self.get(path, query)
            data = unwrap(body)
            rows = [row for row in data if isinstance(row, dict)] if isinstance(data, list) else []
            if rows:
                yield rows
            meta = _meta(body)
            last = meta.get("last_page")
            if not rows or not isinstance(last, int) or page >= last:
                return
            page += 1

    async def all_rows(self, path: str, params: Mapping[str, Any] | None = None) -> list[dict]:
        found: list[dict] = []
        async for rows in self.rows(path, params):
            found.extend(rows)
        return found

    async def send(self, method: str, path: str, body: Any) -> Any:
        """One write; a POST is never resent by the transport (no idempotency key)."""
        client = await self.client()
        response = await client.request(method, path, json=body)
        return response.json() if response.content else None

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
        if self._keeper is not None:
            await self._keeper.aclose()
