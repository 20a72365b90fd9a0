"""The Starlette application of one sandbox store.

The lifespan starts the webhook delivery task on the server's event loop
(it is also started lazily by the first request, for servers run without
lifespan events) and stops it on shutdown.  Every request to the site passes
:class:`SiteTraffic`, which lets WP-cron run the webhook queue.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from starlette.applications import Starlette
from starlette.middleware import Middleware

from sandbox.woocommerce.control import control_routes
from sandbox.woocommerce.endpoint import WorkerPool
from sandbox.woocommerce.routes import api_routes
from sandbox.woocommerce.site_traffic import SiteTraffic, front_page_route, wp_cron_route

if TYPE_CHECKING:
    from sandbox.woocommerce.state import WooSandbox

__all__ = ["create_app"]


def create_app(sb: WooSandbox) -> Starlette:
    """An ASGI app serving ``sb`` as a WooCommerce 10 store's REST API."""

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        sb.deliveries.ensure_running()
        try:
            yield
        finally:
            await sb.deliveries.stop()

    site = [front_page_route(), wp_cron_route()]
    routes = [*control_routes(sb), *site, *api_routes(sb, WorkerPool())]
    middleware = [Middleware(SiteTraffic, sb=sb)]
    return Starlette(routes=routes, lifespan=lifespan, middleware=middleware)
