"""The gate every API request passes: stats, faults, latency, auth, account.

Order matters and mirrors a real deployment [I]: an outage (503) or a
dropped connection happens before anything else; then HTTP Basic auth
(``401``, empty body, as the spec declares none); then the account id in the
path (``404 ACCOUNT_NOT_FOUND``); then the ids in the path, which must be
uuids where the spec says so (``400 MALFORMED_MODEL_ID_OR_NUMBER``, see
uuids.py); then the quota/concurrency 429s; then latency; then the handler.
A write holds its "parallel write" slot for the whole request including the
latency, so overlapping writes collide the way they would on the real server.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sandbox.http_faults import ConnectionDrop, basic_credentials
from sandbox.korona.account import KoronaSandbox
from sandbox.korona.faults import Fault
from sandbox.korona.uuids import is_uuid, path_uuid_names
from sandbox.korona.wire import KoronaError

__all__ = ["ConnectionDrop", "Gate", "Handler"]

Handler = Callable[[KoronaSandbox, Request], Awaitable[Response]]
_WRITE_METHODS = frozenset({"POST", "PATCH", "PUT", "DELETE"})


class Gate:
    """Wraps route handlers with the checks described in the module docstring."""

    def __init__(self, kb: KoronaSandbox) -> None:
        self.kb = kb
        self.writes_in_flight = 0

    def route(self, path: str, handler: Handler, method: str) -> Route:
        uuid_names = path_uuid_names(method, path)

        async def endpoint(request: Request) -> Response:
            return await self.handle(request, path, handler, uuid_names)

        return Route(path, endpoint, methods=[method], name=f"{method} {path}")

    async def handle(
        self,
        request: Request,
        route: str,
        handler: Handler,
        uuid_names: frozenset[str] = frozenset(),
    ) -> Response:
        kb, is_write = self.kb, request.method in _WRITE_METHODS
        with kb.lock:
            kb.stats.requests[(request.method, route)] += 1
            kb.stats.requests_today += 1
            fault = kb.knobs.pick(is_write, kb.stats.requests_today)
            delay = kb.knobs.latency()
            request.state.page_cap = kb.knobs.page_cap
            if fault is not Fault.NONE:
                kb.stats.faults[fault.value] += 1
        try:
            response = await self._checked(request, handler, fault, is_write, delay, uuid_names)
        except KoronaError as error:
            response = error.response()
        with kb.lock:
            kb.stats.statuses[response.status_code] += 1
            if is_write and response.status_code < 300:
                kb.stats.writes += 1
        for hook in tuple(kb.after_answer):
            hook(request.method, route)
        return response

    async def _checked(
        self,
        request: Request,
        handler: Handler,
        fault: Fault,
        is_write: bool,
        delay: float,
        uuid_names: frozenset[str],
    ) -> Response:
        if fault is Fault.DOWN:
            return Response("Service Unavailable", 503, media_type="text/plain")
        if fault is Fault.DROP:
            return ConnectionDrop()
        self._authenticate(request)
        _check_path_ids(request, uuid_names)
        if fault is Fault.DAILY_LIMIT:
            raise self._too_many("DAILY_LIMIT_EXCEEDED", "daily request limit reached")
        if fault is Fault.THROTTLED:
            raise self._too_many("TOO_MANY_PARALLEL_UPDATE_REQUESTS", "too many parallel updates")
        if not is_write:
            await asyncio.sleep(delay)
            return await handler(self.kb, request)
        self._enter_write()
        try:
            await asyncio.sleep(delay)
            return await handler(self.kb, request)
        finally:
            with self.kb.lock:
                self.writes_in_flight -= 1

    def _authenticate(self, request: Request) -> None:
        given = basic_credentials(request)
        if given is None or not self.kb.credentials_match(*given):
            raise _Unauthorized()
        if request.path_params.get("account_id") != self.kb.account_id:
            raise KoronaError(404, "ACCOUNT_NOT_FOUND", "no account with this id")

    def _enter_write(self) -> None:
        limit = self.kb.knobs.max_parallel_writes
        with self.kb.lock:
            if limit and self.writes_in_flight >= limit:
                self.kb.stats.faults["parallel"] += 1
                raise self._too_many(
                    "TOO_MANY_PARALLEL_UPDATE_REQUESTS", "another update request is running"
                )
            self.writes_in_flight += 1

    def _too_many(self, code: str, message: str) -> KoronaError:
        error = _TooMany(code, message)
        error.retry_after = self.kb.knobs.retry_after_seconds
        return error


def _check_path_ids(request: Request, uuid_names: frozenset[str]) -> None:
    for name in sorted(uuid_names):
        value = request.path_params.get(name)
        if value is not None and not is_uuid(value):
            raise KoronaError(400, "MALFORMED_MODEL_ID_OR_NUMBER", f"{name} {value!r} is no uuid")


class _Unauthorized(KoronaError):
    def __init__(self) -> None:
        super().__init__(401, "", "missing or invalid http-authentication")

    def response(self) -> Response:
        return Response(b"", 401, headers={"WWW-Authenticate": 'Basic realm="KORONA.cloud"'})


class _TooMany(KoronaError):
    retry_after: int | None = None

    def __init__(self, code: str, message: str) -> None:
        super().__init__(429, code, message)

    def response(self) -> Response:
        response = super().response()
        if self.retry_after is not None:
            response.headers["Retry-After"] = str(self.retry_after)
        return response
