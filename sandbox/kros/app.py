"""The KROS sandbox as an ASGI app, and the runner behind ``tillsync sandbox kros``.

API base: ``{server}/api`` (as ``https://api-economy.kros.sk/api``); the
two rate feeds live beside it under ``/feeds`` (see rates.py).
"""

from __future__ import annotations

import uvicorn
from starlette.applications import Starlette
from starlette.routing import Mount

from sandbox.kros.company import DEFAULT_TOKEN, WEBHOOK_SECRET, KrosSandbox
from sandbox.kros.gate import guarded
from sandbox.kros.rates import CNB_PATH, ECB_PATH, rate_routes
from sandbox.kros.routes import api_routes

__all__ = ["API_BASE", "create_app", "serve_forever"]

API_BASE = "/api"


def create_app(kb: KrosSandbox) -> Starlette:
    routes = [guarded(kb, method, path, handler) for method, path, handler in api_routes()]
    return Starlette(routes=[Mount(API_BASE, routes=routes), *rate_routes(kb)])


def serve_forever(
    host: str = "127.0.0.1",
    port: int = 8083,
    seed_products: int = 40,
    webhook_url: str = "",
) -> None:
    """Run a seeded company until interrupted (``tillsync sandbox kros``)."""
    kb = KrosSandbox(webhook_url=webhook_url)
    kb.seed(products=seed_products)
    base = f"http://{host}:{port}"
    # sandbox-only credentials, printed so a client can be pointed at it
    print(
        f"KROS sandbox on {base}{API_BASE}\n  token:       {DEFAULT_TOKEN}\n"
        f"  webhook key: {WEBHOOK_SECRET}\n  ECB feed:    {base}{ECB_PATH}\n"
        f"  CNB feed:    {base}{CNB_PATH}",
        flush=True,
    )
    uvicorn.run(create_app(kb), host=host, port=port, log_level="warning", access_log=False)
