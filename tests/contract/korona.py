"""Validate HTTP exchanges against KORONA's own OpenAPI document.

Every request our code (or a test) sends to a KORONA sandbox, and every
answer the sandbox gives, is checked against ``korona-openapi.json`` with
openapi-core, so neither side can drift from the vendor's contract::

    contract = KoronaContract()
    client = httpx.AsyncClient(event_hooks={"response": [contract.event_hook]})
    ...
    contract.assert_all_valid()

The document's server is ``http://localhost:8080/web/api/v3``; exchanges are
matched on the path from ``/web/api/v3`` on, whatever host served them.
Requests outside that prefix (the sandbox's ``/__sandbox__`` control
endpoints) are ignored.  5xx answers are not declared by the spec (any
server can produce them), so their request is validated but their response
is not, unless ``strict_5xx=True``.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import httpx
from openapi_core import Config, OpenAPI
from openapi_core.datatypes import RequestParameters
from werkzeug.datastructures import Headers, ImmutableMultiDict

__all__ = ["AppSlot", "Exchange", "KoronaContract", "korona_client", "korona_openapi", "spec_path"]

API_PREFIX = "/web/api/v3"
_SPEC_HOST = "http://localhost:8080"


def spec_path() -> Path:
    """Where korona-openapi.json lives: beside the checkout, or $TILLSYNC_SHARED."""
    local = Path(__file__).resolve().parents[2].parent / "shared/reference/korona-openapi.json"
    if local.exists():
        return local
    shared = os.environ.get("TILLSYNC_SHARED")
    if shared:
        return Path(shared) / "reference/korona-openapi.json"
    return local


@lru_cache(maxsize=1)
def korona_openapi() -> OpenAPI:
    """The parsed spec (1.8 MB).  Validating the spec itself takes seconds, so skip it."""
    spec = json.loads(spec_path().read_text(encoding="utf-8"))
    return OpenAPI.from_dict(spec, config=Config(spec_validator_cls=None))


class _SpecRequest:
    """openapi-core's Request protocol over an ``httpx.Request``."""

    def __init__(self, request: httpx.Request) -> None:
        self.method = request.method.lower()
        self.host_url = _SPEC_HOST
        self.path = request.url.path[request.url.path.index(API_PREFIX) :]
        self.body = request.content or None
        self.content_type = request.headers.get("content-type", "application/json")
        query = parse_qsl(request.url.query.decode(), keep_blank_values=True)
        self.parameters = RequestParameters(
            query=ImmutableMultiDict(query),
            header=Headers(dict(request.headers)),
            cookie=ImmutableMultiDict(),
        )


class _SpecResponse:
    """openapi-core's Response protocol over an ``httpx.Response`` (body already read)."""

    def __init__(self, response: httpx.Response) -> None:
        self.status_code = response.status_code
        self.data = response.content or None
        self.content_type = response.headers.get("content-type", "")
        self.headers = Headers(dict(response.headers))


@dataclass(frozen=True)
class Exchange:
    """One checked request/response pair and what was wrong with it, if anything."""

    method: str
    path: str
    status: int
    problems: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems

    def __str__(self) -> str:
        head = f"{self.method} {self.path} -> {self.status}"
        return "\n".join([head, *(f"    {p}" for p in self.problems)])


def _describe(error: Exception) -> list[str]:
    """Readable lines for an openapi-core error, down to the JSON path of each schema error."""
    cause = error.__cause__
    schema_errors = getattr(cause, "schema_errors", None) or getattr(error, "schema_errors", None)
    if not schema_errors:
        return [f"{type(error).__name__}: {error}"]
    lines = []
    for item in schema_errors:
        where = "/".join(str(p) for p in item.absolute_path) or "(root)"
        lines.append(f"{type(error).__name__} at {where}: {item.message[:300]}")
    return lines


@dataclass
class KoronaContract:
    """Records exchanges and checks each against the KORONA OpenAPI document."""

    strict_5xx: bool = False
    check_requests: bool = True  # off only for tests that send invalid requests on purpose
    exchanges: list[Exchange] = field(default_factory=list)

    def check(self, response: httpx.Response) -> Exchange | None:
        """Validate a response whose body has been read; None if not a KORONA API call."""
        request = response.request
        if API_PREFIX not in request.url.path:
            return None
        openapi = korona_openapi()
        spec_request = _SpecRequest(request)
        problems: list[str] = []
        try:
            if self.check_requests:
                openapi.validate_request(spec_request)
        except Exception as error:  # openapi-core raises a family of unrelated types
            problems += [f"request: {line}" for line in _describe(error)]
        if self.strict_5xx or response.status_code < 500:
            try:
                openapi.validate_response(spec_request, _SpecResponse(response))
            except Exception as error:
                problems += [f"response: {line}" for line in _describe(error)]
        exchange = Exchange(request.method, request.url.path, response.status_code, tuple(problems))
        self.exchanges.append(exchange)
        return exchange

    def event_hook(self, response: httpx.Response) -> Any:
        """An httpx response hook for both ``Client`` and ``AsyncClient``.

        For an async client it returns the coroutine httpx awaits (the body
        must be read asynchronously first); for a sync client it reads and
        checks right away.
        """
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
        """Raise AssertionError listing every exchange that broke the contract."""
        bad = self.violations
        if bad:
            listing = "\n".join(str(e) for e in bad)
            raise AssertionError(
                f"{len(bad)} of {len(self.exchanges)} KORONA exchanges break the OpenAPI "
                f"contract:\n{listing}"
            )


class AppSlot:
    """An ASGI app that forwards to whatever app is in the slot.

    Lets one loopback server (started once per test module) serve a fresh
    sandbox in every test, instead of paying a server start per test.
    """

    def __init__(self) -> None:
        self.app: Any = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            message = await receive()
            while message["type"] != "lifespan.shutdown":
                await send({"type": f"{message['type']}.complete"})
                message = await receive()
            await send({"type": "lifespan.shutdown.complete"})
            return
        await self.app(scope, receive, send)


def korona_client(
    server_url: str, account_id: str, auth: tuple[str, str], contract: KoronaContract
) -> httpx.Client:
    """A sync client for one account of a KORONA sandbox, every exchange contract-checked."""
    return httpx.Client(
        base_url=f"{server_url}{API_PREFIX}/accounts/{account_id}",
        auth=auth,
        event_hooks={"response": [contract.event_hook]},
        timeout=10,
    )
