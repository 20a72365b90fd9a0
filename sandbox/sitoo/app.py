"""The Sitoo sandbox as an ASGI app, and a blocking runner for the CLI.

Every resource lives under ``/v2/accounts/{accountid}/`` and ends in
``.json``, as in the reconstruction's ``servers`` and paths [V].
"""

from __future__ import annotations

import uvicorn
from starlette.applications import Starlette
from starlette.routing import Mount

from sandbox.sitoo.account import DEFAULT_ACCOUNT_ID, DEFAULT_PASSWORD, SitooSandbox
from sandbox.sitoo.gate import Gate
from sandbox.sitoo.routes_catalog import catalog_routes
from sandbox.sitoo.routes_categories import category_routes
from sandbox.sitoo.routes_orders import order_routes
from sandbox.sitoo.routes_stock import stock_routes
from sandbox.sitoo.seed import seed

__all__ = ["API_BASE", "create_app", "serve_forever"]

API_BASE = "/v2/accounts"


def create_app(sb: SitooSandbox) -> Starlette:
    gate = Gate(sb)
    routes = [
        gate.route(path, handler, method)
        for path, handler, method in (
            *catalog_routes(),
            *category_routes(),
            *stock_routes(),
            *order_routes(),
        )
    ]
    return Starlette(routes=[Mount(f"{API_BASE}/{{accountid}}", routes=routes)])


def serve_forever(
    host: str = "127.0.0.1",
    port: int = 8083,
    seed_products: int = 60,
    account_id: str = DEFAULT_ACCOUNT_ID,
    password: str = DEFAULT_PASSWORD,
) -> None:
    """Run a seeded sandbox until interrupted (``tillsync sandbox sitoo``)."""
    sb = SitooSandbox(account_id=account_id, password=password, allowed_ips=None)
    seed(sb, products=seed_products)
    # sandbox-only credentials, printed so a client can be pointed at it
    print(
        f"Sitoo sandbox on http://{host}:{port}{API_BASE}/{account_id}\n"
        f"  API id:       {sb.api_id}\n  API password: {password}\n  site (eshopid): 1",
        flush=True,
    )
    uvicorn.run(create_app(sb), host=host, port=port, log_level="warning", access_log=False)
