"""The Ultimate POS Connector sandbox as an ASGI app, and a blocking runner for the CLI.

Routes: ``{prefix}/oauth/token`` and ``{prefix}/connector/api/<resource>``,
where ``prefix`` is ``/public`` when the sandbox plays a shared-hosting
install (``public_prefix``) and empty otherwise; the other spelling answers
Laravel's HTML 404, as a wrong base path does.  Every API request passes, in
order: the outage knobs (503), the bearer token (401), the handler.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sandbox.aurpos.auth import TokenBook, token_endpoint
from sandbox.aurpos.faults import SellFault
from sandbox.aurpos.returns import RETURN_ROUTES, SellReturns
from sandbox.aurpos.routes_catalog import CATALOG_ROUTES, Reader
from sandbox.aurpos.routes_sells import SELL_LIST_ROUTES, create_contact, need
from sandbox.aurpos.sells import SellBook
from sandbox.aurpos.state import AurposSandbox, User
from sandbox.aurpos.wire import (
    ApiError,
    error_response,
    json_response,
    not_found_page,
    respond,
)
from sandbox.http_faults import ConnectionDrop

__all__ = ["API_PATH", "AurposServer", "create_app", "serve_forever"]

API_PATH = "/connector/api"


async def _json_body(request: Request) -> Any:
    try:
        return json.loads(await request.body() or b"null")
    except ValueError:
        raise ApiError(400, "The request body is not JSON.") from None


class AurposServer:
    """Holds the sandbox, its tokens and its sell book; builds the routes."""

    def __init__(self, sb: AurposSandbox) -> None:
        self.sb = sb
        self.tokens = TokenBook(sb)
        self.sells = SellBook(sb)
        self.returns = SellReturns(sb)

    def _prefixed(self, request: Request) -> bool:
        return request.url.path.startswith("/public/") == self.sb.public_prefix

    async def token(self, request: Request) -> Response:
        if not self._prefixed(request):
            return not_found_page()
        if self.sb.knobs.take_outage():
            return json_response({"message": "Service Unavailable"}, 503)
        return await token_endpoint(self.tokens, request)

    async def api(self, request: Request, handler: Reader) -> Response:
        if not self._prefixed(request):
            return not_found_page()
        if self.sb.knobs.take_outage():
            return json_response({"message": "Service Unavailable"}, 503)
        try:
            user = self.tokens.user_of(request)
            return respond(self.sb.wrapped, await handler(self.sb, user, request))
        except ApiError as error:
            return error_response(error)

    async def post_sell(self, sb: AurposSandbox, user: User, request: Request) -> Any:
        need(user, "sell.create", "direct_sell.access")
        body = await _json_body(request)
        sells = body.get("sells") if isinstance(body, dict) else None
        client = "tillsync"
        return self.sells.create_all(sells, client)

    async def put_sell(self, sb: AurposSandbox, user: User, request: Request) -> Any:
        need(user, "sell.update", "direct_sell.access")
        body = await _json_body(request)
        return self.sells.update(int(request.path_params["id"]), body or {})

    async def delete_sell(self, sb: AurposSandbox, user: User, request: Request) -> Any:
        need(user, "sell.delete", "direct_sell.delete")
        return self.sells.delete(int(request.path_params["id"]))

    async def post_return(self, sb: AurposSandbox, user: User, request: Request) -> Any:
        need(user, "sell.create", "direct_sell.access")
        return self.returns.create(await _json_body(request))

    async def post_contact(self, sb: AurposSandbox, user: User, request: Request) -> Any:
        return {"data": create_contact(sb, user, await _json_body(request))}

    async def sell_endpoint(self, request: Request) -> Response:
        """``POST sell`` with the commit-then-fail knobs."""
        response = await self.api(request, self.post_sell)
        fault = self.sb.knobs.take_sell_fault() if response.status_code == 200 else None
        if fault is SellFault.COMMIT_THEN_HANG:
            await asyncio.sleep(self.sb.knobs.hang_seconds)
        elif fault is SellFault.COMMIT_THEN_DROP:
            return ConnectionDrop(scrap=b"[")
        return response

    def routes(self) -> list[Route]:
        handlers: list[tuple[str, str, Reader]] = [
            *CATALOG_ROUTES,
            *SELL_LIST_ROUTES,
            *RETURN_ROUTES,
            ("POST", "/sell-return", self.post_return),
            ("PUT", "/sell/{id:int}", self.put_sell),
            ("DELETE", "/sell/{id:int}", self.delete_sell),
            ("POST", "/contactapi", self.post_contact),
        ]
        routes = []
        for prefix in ("", "/public"):
            routes.append(Route(f"{prefix}/oauth/token", self.token, methods=["POST"]))
            routes.append(Route(f"{prefix}{API_PATH}/sell", self.sell_endpoint, methods=["POST"]))
            for method, path, handler in handlers:
                routes.append(
                    Route(f"{prefix}{API_PATH}{path}", self._bind(handler), methods=[method])
                )
        return routes

    def _bind(self, handler: Reader) -> Any:
        async def endpoint(request: Request) -> Response:
            response = await self.api(request, handler)
            created = request.method == "POST" and response.status_code == 200
            if created:
                response.status_code = 201
            return response

        return endpoint


async def _not_found(request: Request, exc: Exception) -> Response:
    return not_found_page()


def create_app(sb: AurposSandbox) -> Starlette:
    server = AurposServer(sb)
    app = Starlette(routes=server.routes(), exception_handlers={404: _not_found})
    app.state.aurpos = server
    return app


def serve_forever(host: str = "127.0.0.1", port: int = 8083, seed_products: int = 40) -> None:
    """Run a seeded sandbox until interrupted (``tillsync sandbox aurpos``)."""
    from sandbox.aurpos.seed import DEMO_CLIENT, DEMO_USER, seed_demo

    sb = AurposSandbox()
    seed_demo(sb, products=seed_products)
    # sandbox-only credentials, printed so a client can be pointed at it
    print(
        f"AurPOS (Ultimate POS Connector) sandbox on http://{host}:{port}\n"
        f"  client id: {DEMO_CLIENT.id}\n  client secret: {DEMO_CLIENT.secret}\n"
        f"  user: {DEMO_USER.username}\n  password: {DEMO_USER.password}",
        flush=True,
    )
    uvicorn.run(create_app(sb), host=host, port=port, log_level="warning", access_log=False)
