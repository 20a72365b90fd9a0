"""The recording, validating half every vendored-contract module shares.

Each back office's contract module (``korona.py``, ``sitoo.py``, ``kros.py``)
only says what differs: which vendored spec, the path prefix its API lives
under, the host the spec names and any extra request checks (KORONA's uuid
path formats).  Everything else is here, once: openapi-core's request and
response adapters over httpx, readable schema errors, the exchange record,
the httpx event hook and the transport for adapters that take no hooks::

    contract = KoronaContract()
    client = httpx.AsyncClient(event_hooks={"response": [contract.event_hook]})
    ...
    contract.assert_all_valid()

5xx answers are not declared by these specs (any server can produce them),
so their request is validated but their response is not, unless
``strict_5xx=True``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import parse_qsl

import httpx
from openapi_core import Config, OpenAPI
from openapi_core.datatypes import RequestParameters
from werkzeug.datastructures import Headers, ImmutableMultiDict

__all__ = [
    "AppSlot",
    "ContractRecorder",
    "ContractTransport",
    "Exchange",
    "SpecRequest",
    "SpecResponse",
    "describe",
    "load_spec",
    "parse_openapi",
]


def load_spec(path: Path) -> dict[str, Any]:
    """A vendored spec as a dict (callers cache it: it is read once per run)."""
    return json.loads(path.read_text(encoding="utf-8"))


def parse_openapi(spec: dict[str, Any]) -> OpenAPI:
    """The parsed spec.  Validating the spec itself takes seconds, so skip it."""
    return OpenAPI.from_dict(spec, config=Config(spec_validator_cls=None))


class SpecRequest:
    """openapi-core's Request protocol over an ``httpx.Request``.

    ``path`` is the part the spec's paths are written against (the caller
    cuts the host and any deployment prefix off).
    """

    def __init__(self, request: httpx.Request, host_url: str, path: str) -> None:
        self.method = request.method.lower()
        self.host_url = host_url
        self.path = path
        self.body = request.content or None
        self.content_type = request.headers.get("content-type", "application/json")
        query = parse_qsl(request.url.query.decode(), keep_blank_values=True)
        self.parameters = RequestParameters(
            query=ImmutableMultiDict(query),
            header=Headers(dict(request.headers)),
            cookie=ImmutableMultiDict(),
        )


class SpecResponse:
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


def describe(error: Exception) -> list[str]:
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
class ContractRecorder:
    """Records exchanges and checks each against one vendored spec.

    A subclass names the back office (``vendor``), the host its spec declares
    (``host_url``), the prefix its API paths start with (``api_prefix``) and
    returns the parsed spec from :meth:`openapi`.
    """

    vendor: ClassVar[str] = ""
    host_url: ClassVar[str] = ""
    api_prefix: ClassVar[str] = ""

    strict_5xx: bool = False
    check_requests: bool = True  # off only for tests that send invalid requests on purpose
    exchanges: list[Exchange] = field(default_factory=list)

    def openapi(self) -> OpenAPI:
        raise NotImplementedError

    def spec_path_of(self, path: str) -> str | None:
        """The path as the spec writes it, or None when it is not an API call."""
        return path[path.index(self.api_prefix) :] if self.api_prefix in path else None

    def extra_request_problems(self, spec_request: SpecRequest) -> list[str]:
        """Checks openapi-core does not make (none by default)."""
        return []

    def check(self, response: httpx.Response) -> Exchange | None:
        """Validate a response whose body has been read; None if not an API call."""
        request = response.request
        path = self.spec_path_of(request.url.path)
        if path is None:
            return None
        openapi, spec_request = self.openapi(), SpecRequest(request, self.host_url, path)
        problems: list[str] = []
        if self.check_requests:
            problems += self._request_problems(openapi, spec_request)
        if self.strict_5xx or response.status_code < 500:
            try:
                openapi.validate_response(spec_request, SpecResponse(response))
            except Exception as error:
                problems += [f"response: {line}" for line in describe(error)]
        exchange = Exchange(request.method, request.url.path, response.status_code, tuple(problems))
        self.exchanges.append(exchange)
        return exchange

    def _request_problems(self, openapi: OpenAPI, spec_request: SpecRequest) -> list[str]:
        """What is wrong with the request: the extra checks, then openapi-core's."""
        problems = self.extra_request_problems(spec_request)
        try:
            openapi.validate_request(spec_request)
        except Exception as error:  # openapi-core raises a family of unrelated types
            problems += describe(error)
        return [f"request: {line}" for line in problems]

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
                f"{len(bad)} of {len(self.exchanges)} {self.vendor} exchanges break the "
                f"contract:\n{listing}"
            )


class ContractTransport(httpx.AsyncBaseTransport):
    """Checks every exchange an adapter sends through it (adapters take no event hooks)."""

    def __init__(
        self, contract: ContractRecorder, inner: httpx.AsyncBaseTransport | None = None
    ) -> None:
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
