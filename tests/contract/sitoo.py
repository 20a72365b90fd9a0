"""Validate HTTP exchanges against the Sitoo OpenAPI reconstruction.

Every request our code (or a test) sends to the Sitoo sandbox, and every
answer it gives, is checked with openapi-core against the vendored copy
``sitoo-openapi.json`` (``scripts/vendor_sitoo_spec.py``), so neither side
drifts from the field names the reconstruction documents::

    contract = SitooContract()
    client = httpx.AsyncClient(event_hooks={"response": [contract.event_hook]})
    ...
    contract.assert_all_valid()

The reconstruction is trusted for field names, not behaviour: it declares
no error bodies and no headers, so those are checked by the sandbox tests.
Exchanges are matched on the path from ``/v2/accounts/`` on.  5xx answers
are not validated (any server can produce them).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import httpx
from openapi_core import Config, OpenAPI
from openapi_core.datatypes import RequestParameters
from werkzeug.datastructures import Headers, ImmutableMultiDict

from tests.contract.korona import Exchange

__all__ = ["SitooContract", "sitoo_openapi", "spec_path"]

API_PREFIX = "/v2/accounts/"
_SPEC_HOST = "https://api.mysitoo.com"


def spec_path() -> Path:
    return Path(__file__).with_name("sitoo-openapi.json")


@lru_cache(maxsize=1)
def sitoo_openapi() -> OpenAPI:
    spec = json.loads(spec_path().read_text(encoding="utf-8"))
    return OpenAPI.from_dict(spec, config=Config(spec_validator_cls=None))


class _SpecRequest:
    def __init__(self, request: httpx.Request) -> None:
        path = request.url.path
        self.method = request.method.lower()
        self.host_url = _SPEC_HOST
        self.path = path[path.index(API_PREFIX) :]
        self.body = request.content or None
        self.content_type = request.headers.get("content-type", "application/json")
        query = parse_qsl(request.url.query.decode(), keep_blank_values=True)
        self.parameters = RequestParameters(
            query=ImmutableMultiDict(query),
            header=Headers(dict(request.headers)),
            cookie=ImmutableMultiDict(),
        )


class _SpecResponse:
    def __init__(self, response: httpx.Response) -> None:
        self.status_code = response.status_code
        self.data = response.content or None
        self.content_type = response.headers.get("content-type", "")
        self.headers = Headers(dict(response.headers))


def _describe(error: Exception) -> list[str]:
    cause = error.__cause__
    schema_errors = getattr(cause, "schema_errors", None) or getattr(error, "schema_errors", None)
    if not schema_errors:
        return [f"{type(error).__name__}: {error}"]
    return [
        f"{type(error).__name__} at {'/'.join(map(str, e.absolute_path)) or '(root)'}: "
        f"{e.message[:300]}"
        for e in schema_errors
    ]


@dataclass
class SitooContract:
    """Records exchanges and checks each against the reconstruction."""

    check_requests: bool = True
    exchanges: list[Exchange] = field(default_factory=list)

    def check(self, response: httpx.Response) -> Exchange | None:
        request = response.request
        if API_PREFIX not in request.url.path:
            return None
        openapi, spec_request = sitoo_openapi(), _SpecRequest(request)
        problems: list[str] = []
        if self.check_requests:
            try:
                openapi.validate_request(spec_request)
            except Exception as error:  # openapi-core raises a family of unrelated types
                problems += [f"request: {line}" for line in _describe(error)]
        if response.status_code < 500:
            try:
                openapi.validate_response(spec_request, _SpecResponse(response))
            except Exception as error:
                problems += [f"response: {line}" for line in _describe(error)]
        exchange = Exchange(request.method, request.url.path, response.status_code, tuple(problems))
        self.exchanges.append(exchange)
        return exchange

    def event_hook(self, response: httpx.Response) -> Any:
        """An httpx response hook for both ``Client`` and ``AsyncClient``."""
        if isinstance(response.stream, httpx.AsyncByteStream):
            return self._check_async(response)
        response.read()
        self.check(response)
        return None

    async def _check_async(self, response: httpx.Response) -> None:
        await response.aread()
        self.check(response)

    @property
    def violations(self) -> list[Exchange]:
        return [e for e in self.exchanges if not e.ok]

    def assert_all_valid(self) -> None:
        bad = self.violations
        if bad:
            listing = "\n".join(str(e) for e in bad)
            raise AssertionError(
                f"{len(bad)} of {len(self.exchanges)} Sitoo exchanges break the contract:\n"
                f"{listing}"
            )


class ContractTransport(httpx.AsyncBaseTransport):
    """Checks every exchange an adapter sends through it against the contract."""

    def __init__(self, contract: SitooContract, inner: httpx.AsyncBaseTransport | None = None):
        self.contract = contract
        self._inner = inner or httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self._inner.handle_async_request(request)
        response.request = request
        await response.aread()
        self.contract.check(response)
        return response

    async def aclose(self) -> None:
        await self._inner.aclose()
