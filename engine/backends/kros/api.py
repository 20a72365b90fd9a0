"""The KROS API over the shared transport: Bearer token, pacing, lists, writes.

Lists are read with ``Top``/``Skip`` in a ``{"data": [...]}`` envelope and
end at a short page (KROS sends no total) [contract §4].  A 402 means the
company's plan lacks the API package [SW3]; it is a configuration failure
the admin fixes in KROS, not something a retry cures.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Mapping
from typing import Any

import httpx

from engine.backends.kros.pacing import PacedTransport
from engine.backends.kros.settings import KrosSettings
from engine.errors import ConfigError, RemoteError, ValidationError
from engine.transport import AdaptiveLimiter, RemoteClient, RetryPolicy, http_transport

__all__ = ["KrosApi", "NoApiPackage", "parse_kros_error"]

_JSON = {"Content-Type": "application/json; charset=utf-8", "Accept": "application/json"}


class NoApiPackage(ConfigError):
    def __init__(self) -> None:
        super().__init__(
            "KROS answered 402: the company's plan does not include the API package",
            hint="Add the API package (API prepojenia) to the KROS plan, then retry.",
        )


def parse_kros_error(response: httpx.Response) -> tuple[str | None, str | None, dict] | None:
    """KROS's 400 body: ``{"errors": [{"propertyPath", "errorMessage"}]}`` [3P KP-SPEC]."""
    try:
        body = json.loads(response.content)
    except ValueError:
        return None
    errors = body.get("errors") if isinstance(body, dict) else None
    if not isinstance(errors, list) or not errors:
        return None
    text = "; ".join(
        f"{e.get('propertyPath') or '(document)'}: {e.get('errorMessage') or ''}".strip()
        for e in errors
        if isinstance(e, dict)
    )
    return "validation", text, {"errors": errors}


class KrosApi:
    """Thin access to one KROS company through :class:`RemoteClient`."""

    def __init__(
        self,
        settings: KrosSettings,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        inner = http_transport(transport, settings.verify_tls)
        self.settings = settings
        self.client = RemoteClient(
            system="kros",
            base_url=settings.base_url,
            headers={"Authorization": f"Bearer {settings.token}"},
            timeout=settings.timeout,
            retry=retry or RetryPolicy(),
            limiter=AdaptiveLimiter(initial=2, minimum=1, maximum=4),
            secrets=(settings.token, settings.webhook_secret),
            error_parser=parse_kros_error,
            transport=PacedTransport(inner),
        )

    async def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            return await self.client.request(method, path, **kwargs)
        except RemoteError as error:
            if error.status == 402:
                raise NoApiPackage() from None
            raise

    async def get(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        response = await self.request("GET", path, params=params)
        return json.loads(response.content) if response.content else None

    async def pages(
        self, path: str, params: Mapping[str, Any] | None = None
    ) -> AsyncIterator[list[dict[str, Any]]]:
        """Each page's rows; stops at a short page, as KROS sends no total."""
        top, skip = self.settings.page_size, 0
        while True:
            rows = await self.page(path, params, skip)
            yield rows
            if len(rows) < top:
                return
            skip += top

    async def page(
        self, path: str, params: Mapping[str, Any] | None = None, skip: int = 0
    ) -> list[dict[str, Any]]:
        """One page of ``page_size`` rows from ``skip``; short (or empty) at the end."""
        body = await self.get(
            path, {**(params or {}), "Top": self.settings.page_size, "Skip": skip}
        )
        rows = body.get("data") if isinstance(body, dict) else None
        if not isinstance(rows, list):
            raise ValidationError(f"KROS {path}: the answer has no data list")
        return [r for r in rows if isinstance(r, dict)]

    async def all_rows(self, path: str, params: Mapping[str, Any] | None = None) -> list[dict]:
        return [row async for page in self.pages(path, params) for row in page]

    async def post(self, path: str, body: Any) -> httpx.Response:
        content = json.dumps(body, ensure_ascii=False).encode("utf-8")
        return await self.request("POST", path, content=content, headers=_JSON)

    async def aclose(self) -> None:
        await self.client.aclose()
