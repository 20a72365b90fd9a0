"""The gate every API request passes: counting, faults, allow-list, auth, quota.

Order [I, as a real deployment would]: an outage or scripted fault first;
then the IP allow-list (Sitoo rejects requests from addresses not allowed in
the Back Office [V]; how is not documented — the sandbox answers 401 with
an ``errortext`` naming the address [I], since 401 is the only refusal the
spec declares); then HTTP Basic auth with the API id and password (401 [V]);
then the account id in the path (404); then the request budget (429 with
``Retry-After``, see quota.py); then latency; then the handler.  Every
answer carries the budget's ``X-Rate-Limit-*`` headers when a budget is set.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox.http_faults import ConnectionDrop, basic_credentials
from sandbox.sitoo.account import SitooSandbox
from sandbox.sitoo.wire import SitooError

__all__ = ["Gate", "Handler"]

Handler = Callable[[SitooSandbox, Request], Awaitable[Response]]


class Gate:
    """Wraps route handlers with the checks described in the module docstring."""

    def __init__(self, sb: SitooSandbox) -> None:
        self.sb = sb

    def route(self, path: str, handler: Handler, method: str) -> Route:
        async def endpoint(request: Request) -> Response:
            return await self.handle(request, path, handler)

        return Route(path, endpoint, methods=[method], name=f"{method} {path}")

    async def handle(self, request: Request, route: str, handler: Handler) -> Response:
        sb = self.sb
        with sb.lock:
            sb.requests[(request.method, route)] += 1
            fault = sb.knobs.scripted.pop(0) if sb.knobs.scripted else ""
            down, latency = sb.knobs.down, sb.knobs.latency
        refused = False
        try:
            if down or fault in ("503", "500"):
                return Response("Service Unavailable", int(fault or 503), media_type="text/plain")
            if fault == "drop":
                return ConnectionDrop()
            self._admit(request)
            refused = fault == "429" or not self._spend()
            if refused:
                raise SitooError(429, "Too Many Requests.")
            if latency:
                await asyncio.sleep(latency)
            response = await handler(sb, request)
        except SitooError as error:
            response = error.response()
        with sb.lock:
            sb.statuses[response.status_code] += 1
            response.headers.update(sb.quota.headers(refused))
        return response

    def _spend(self) -> bool:
        with self.sb.lock:
            return self.sb.quota.spend()

    def _admit(self, request: Request) -> None:
        sb = self.sb
        address = request.client.host if request.client else ""
        if sb.allowed_ips is not None and address not in sb.allowed_ips:
            raise SitooError(401, f"Access denied: IP address {address} is not allowed")
        given = basic_credentials(request)
        if given is None or not sb.credentials_match(*given):
            raise SitooError(401, "Unauthorized.", {"WWW-Authenticate": 'Basic realm="Sitoo"'})
        if request.path_params.get("accountid") != sb.account_id:
            raise SitooError(404, "Invalid URL: unknown account")


def site_of(sb: SitooSandbox, request: Request) -> int:
    """The integer eshopid in the path; the old GUID site ids are refused [V]."""
    raw = request.path_params.get("siteid", "")
    if not raw.isdigit() or sb.site(int(raw)) is None:
        raise SitooError(404, f"Invalid URL: no site {raw!r}")
    return int(raw)


def not_found(what: str) -> SitooError:
    return SitooError(404, f"Invalid URL: {what} not found")


def empty_ok() -> Response:
    return JSONResponse(True)
