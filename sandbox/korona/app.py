"""The KORONA sandbox as an ASGI app, and a blocking runner for the CLI.

Base URL of the API: ``{server}/web/api/v3``; every resource lives under
``/accounts/{koronaAccountId}/`` exactly as in KORONA's OpenAPI document.
"""

from __future__ import annotations

import uvicorn
from starlette.applications import Starlette
from starlette.routing import Mount

from sandbox.korona import ids
from sandbox.korona.account import KoronaSandbox
from sandbox.korona.control import control_routes
from sandbox.korona.gate import Gate, Handler
from sandbox.korona.routes_adjustments import adjustment_routes
from sandbox.korona.routes_customers import customer_routes
from sandbox.korona.routes_masterdata import master_routes
from sandbox.korona.routes_pos import pos_routes
from sandbox.korona.routes_products import product_routes
from sandbox.korona.routes_receipts import receipt_routes
from sandbox.korona.routes_stock import stock_routes

__all__ = ["API_BASE", "api_routes", "create_app", "serve_forever"]

API_BASE = "/web/api/v3"


def api_routes() -> list[tuple[str, Handler, str]]:
    """Every (path under the account, handler, method) the sandbox serves."""
    return [
        *product_routes(),
        *stock_routes(),
        *master_routes(),
        *pos_routes(),
        *receipt_routes(),
        *customer_routes(),
        *adjustment_routes(),
    ]


def create_app(kb: KoronaSandbox) -> Starlette:
    gate = Gate(kb)
    routes = [gate.route(path, handler, method) for path, handler, method in api_routes()]
    return Starlette(
        routes=[
            Mount(f"{API_BASE}/accounts/{{account_id}}", routes=routes),
            Mount("/__sandbox__", routes=control_routes(kb)),
        ]
    )


def serve_forever(
    host: str = "127.0.0.1",
    port: int = 8082,
    seed_products: int = 300,
    account_id: str = ids.DEFAULT_ACCOUNT_ID,
    user: str = ids.DEFAULT_USER,
    password: str = ids.DEFAULT_PASSWORD,
    rng_seed: int = 1,
) -> None:
    """Run a seeded sandbox until interrupted (``tillsync sandbox korona``)."""
    kb = KoronaSandbox(account_id=account_id, user=user, password=password)
    kb.seed_demo(products=seed_products, rng_seed=rng_seed)
    # sandbox-only credentials, printed so a client can be pointed at it
    print(
        f"KORONA sandbox on http://{host}:{port}{API_BASE}\n"
        f"  account id: {account_id}\n  user:       {user}\n  password:   {password}",
        flush=True,
    )
    uvicorn.run(create_app(kb), host=host, port=port, log_level="warning", access_log=False)
