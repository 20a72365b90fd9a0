"""Site traffic drives WP-cron, and WP-cron drives the webhook queue.

WordPress checks for due cron events on every request that loads it (REST
calls included) and then runs them; a site with no visitors runs none.
``/wp-cron.php`` is what a system cron job requests to run them on time
(``DISABLE_WP_CRON`` + ``*/1 * * * * curl …/wp-cron.php``).  The sandbox's
own ``/__sandbox__/`` controls are not site traffic.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from sandbox.woocommerce.control import CONTROL_PREFIX

if TYPE_CHECKING:
    from sandbox.woocommerce.state import WooSandbox

__all__ = ["SiteTraffic", "front_page_route", "wp_cron_route"]


class SiteTraffic:
    """ASGI middleware: each request to the site gives the webhook queue a chance to run."""

    def __init__(self, app: ASGIApp, sb: WooSandbox) -> None:
        self.app = app
        self.sb = sb

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not scope["path"].startswith(CONTROL_PREFIX):
            self.sb.deliveries.ensure_running()
            self.sb.deliveries.site_request()
        await self.app(scope, receive, send)


def wp_cron_route() -> Route:
    """``/wp-cron.php`` answers 200 with an empty body, as WordPress does."""

    async def wp_cron(request: Request) -> Response:
        return Response(b"", 200, media_type="text/html")

    return Route("/wp-cron.php", wp_cron, methods=["GET", "POST"])


def front_page_route() -> Route:
    """``/``: the shop's home page, for simulated visitors (site traffic, nothing else)."""

    async def front_page(request: Request) -> Response:
        return Response(b"<!doctype html><title>Shop</title>", 200, media_type="text/html")

    return Route("/", front_page, methods=["GET"])
