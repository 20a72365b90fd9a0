"""The NexoPOS sandbox as an ASGI app (base ``{server}/api``), and the CLI runner."""

from __future__ import annotations

import uvicorn
from starlette.applications import Starlette
from starlette.routing import Mount

from sandbox.nexopos import ids
from sandbox.nexopos.gate import Gate
from sandbox.nexopos.routes_catalog import catalog_routes
from sandbox.nexopos.routes_customers import customer_routes
from sandbox.nexopos.routes_orders import order_routes
from sandbox.nexopos.seed import seed_store
from sandbox.nexopos.state import NexoSandbox

__all__ = ["API_BASE", "create_app", "serve_forever"]

API_BASE = "/api"


def create_app(sb: NexoSandbox) -> Starlette:
    gate = Gate(sb)
    routes = [
        gate.route(path, handler, method, permission)
        for path, handler, method, permission in (
            *catalog_routes(),
            *order_routes(),
            *customer_routes(),
        )
    ]
    return Starlette(routes=[Mount(API_BASE, routes=routes)])


def serve_forever(host: str = "127.0.0.1", port: int = 8084, seed_products: int = 40) -> None:
    """Run a seeded sandbox until interrupted (``tillsync sandbox nexopos``)."""
    sb = seed_store(NexoSandbox(), products=seed_products)
    # sandbox-only credentials, printed so a client can be pointed at it
    print(f"NexoPOS sandbox on http://{host}:{port}\n  token: {ids.TOKEN}", flush=True)
    uvicorn.run(create_app(sb), host=host, port=port, log_level="warning", access_log=False)
