"""The front door of every REST route: host model, faults, auth, then the handler.

Order of events for one request, as on a real host: the WAF/limiter may
answer first (429, HTML); then the request waits for a free PHP worker
(``HostModel.workers``); WordPress authenticates it (anonymous requests
reach the permission check and get a 401); the handler runs under the
sandbox lock; the host-model cost is slept while the worker is held; every
WordPress answer carries ``Link: <site>/wp-json/; rel="https://api.w.org/"``.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response

from sandbox.woocommerce.auth import AuthRequest, permission_error
from sandbox.woocommerce.call import ApiCall, Reply
from sandbox.woocommerce.errors import WooError
from sandbox.woocommerce.faults import Fault
from sandbox.woocommerce.host_pages import (
    critical_error,
    firewall_page,
    gateway_timeout,
    too_many_requests,
)
from sandbox.woocommerce.phpquery import PhpParams, parse_php_query
from sandbox.woocommerce.query import QueryArgs
from sandbox.woocommerce.response_fields import filter_fields
from sandbox.woocommerce.wire import PhpJSONResponse

if TYPE_CHECKING:
    from sandbox.woocommerce.state import WooSandbox

__all__ = ["ApiEndpoint", "Handler", "WorkerPool"]

Handler = Callable[[ApiCall], Reply]
_EDGE_FAULTS = (Fault.HTML, Fault.LIMITER, Fault.RATE_LIMITED, Fault.RATE_LIMITED_BARE)
_COMMON_HEADERS = (
    ("X-Robots-Tag", "noindex"),
    ("X-Content-Type-Options", "nosniff"),
    ("Access-Control-Expose-Headers", "X-WP-Total, X-WP-TotalPages, Link"),
)


class WorkerPool:
    """The PHP-FPM pool: a semaphore sized by ``HostModel.workers``, per event loop."""

    def __init__(self) -> None:
        self._key: tuple[int, int] | None = None
        self._semaphore: asyncio.Semaphore | None = None

    def slot(self, workers: int) -> asyncio.Semaphore:
        key = (id(asyncio.get_running_loop()), max(1, workers))
        if self._semaphore is None or key != self._key:
            self._key, self._semaphore = key, asyncio.Semaphore(key[1])
        return self._semaphore


def _api_link(site: str) -> str:
    return f'<{site}/wp-json/>; rel="https://api.w.org/"'


class ApiEndpoint:
    """A Starlette endpoint wrapping one handler for one route template."""

    def __init__(
        self,
        sb: WooSandbox,
        pool: WorkerPool,
        template: str,
        handler: Handler,
        *,
        batch: bool = False,
        public: bool = False,
    ) -> None:
        self.sb = sb
        self.pool = pool
        self.template = template
        self.handler = handler
        self.batch = batch
        self.public = public

    async def handle(self, request: Request) -> Response:
        """The Starlette endpoint (a bound method, so Starlette passes a Request)."""
        sb = self.sb
        sb.deliveries.ensure_running()
        sb.stats.arrived(request.method, self.template)
        status, served = 500, False
        try:
            fault, wait = sb.faults.decide()
            if fault in _EDGE_FAULTS:
                response = self._edge_fault(fault, wait)
            else:
                async with self.pool.slot(sb.host_model.workers):
                    busy, served = sb.stats.started(), True
                    response = await self._serve(request, busy, fault)
            status = response.status_code
            return response
        finally:
            sb.stats.finished(status, served)

    def _edge_fault(self, fault: Fault | None, wait: float) -> Response:
        if fault == Fault.HTML:
            self.sb.stats.add("html_pages")
            return firewall_page(self.sb.host_model.html_status)
        return too_many_requests(None if fault == Fault.RATE_LIMITED_BARE else wait)

    async def _serve(self, request: Request, busy: int, fault: Fault | None) -> Response:
        site = self._site(request)
        if fault == Fault.SERVER_ERROR:
            return critical_error(_api_link(site))
        if fault == Fault.TIMEOUT:
            self.sb.stats.add("timeouts")
            await asyncio.sleep(self.sb.host_model.timeout_sleep)
            return gateway_timeout()
        try:
            call = await self._call(request, site)
            reply = self._handle(call)
        except WooError as error:
            call, reply = None, Reply(error.body(), error.status)
        for pending in reply.after:
            await pending
        await self._bill(reply, busy)
        if fault == Fault.SERVER_ERROR_AFTER_WRITE:
            return critical_error(_api_link(site))
        return self._respond(reply, call, site)

    def _site(self, request: Request) -> str:
        if self.sb.site_url is None:
            host = request.headers.get("host", f"{request.url.hostname}:{request.url.port}")
            self.sb.site_url = f"{request.url.scheme}://{host}"
        return self.sb.site_for(request.url.scheme)

    async def _call(self, request: Request, site: str) -> ApiCall:
        query = parse_php_query(request.url.query)
        raw = await request.body()
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        is_form = content_type == "application/x-www-form-urlencoded"
        form = parse_php_query(raw.decode("utf-8", "replace")) if is_form else {}
        self._authenticate(request, site, query, form)
        body = form if is_form else _json_body(raw)
        params = (
            {**query, **body} if request.method == "DELETE" and isinstance(body, dict) else query
        )
        url = f"{site}{request.url.path}"
        path = dict(request.path_params)
        return ApiCall(self.sb, request.method, path, QueryArgs(params), body, site, url)

    def _authenticate(self, request: Request, site: str, query: PhpParams, form: PhpParams) -> None:
        raw_path = request.scope.get("raw_path") or request.url.path.encode()
        auth = AuthRequest(
            method=request.method,
            scheme=request.url.scheme,
            site_url=site,
            raw_path=raw_path.decode("latin-1").split("?")[0],
            query=query,
            form=form,
            authorization=request.headers.get("authorization", ""),
        )
        with self.sb.lock:
            known = self.sb.auth.authenticate(auth, self.sb.clock.now())
        if not known and not self.public:
            raise permission_error(request.method, self.batch)

    def _handle(self, call: ApiCall) -> Reply:
        with self.sb.lock:
            return self.handler(call)

    async def _bill(self, reply: Reply, busy: int) -> None:
        model = self.sb.host_model
        cost = model.cost(reply.operation, reply.items, reply.batch)
        if cost > 0:
            await asyncio.sleep(cost * model.slowdown(busy))

    def _respond(self, reply: Reply, call: ApiCall | None, site: str) -> Response:
        body = reply.body
        if call is not None and reply.status < 400 and not self.batch:
            body = filter_fields(body, call.args.text("_fields"))
        response = PhpJSONResponse(body, reply.status)
        for name, value in (*_COMMON_HEADERS, *reply.headers):
            response.headers.append(name, value)
        response.headers.append("Link", _api_link(site))
        return response


def _json_body(raw: bytes) -> Any:
    if not raw.strip():
        return {}
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise WooError(
            "rest_invalid_json",
            "Invalid JSON body passed.",
            400,
            json_error_code=4,
            json_error_message=f"Syntax error ({type(exc).__name__})",
        ) from None
