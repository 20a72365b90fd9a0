"""Tests of the sandbox servers themselves (they must honour the vendor contracts).

They run over real loopback sockets.  Helpers shared by the WooCommerce
sandbox tests live here.  Requests are
signed with the *official* WooCommerce Python client's OAuth code, an
implementation independent of both the sandbox and tillsync's engine.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlencode

import httpx
from woocommerce.oauth import OAuth

from sandbox.server import RunningServer, serve_in_thread
from sandbox.woocommerce import HostModel, WooSandbox, create_app

__all__ = ["API", "KEY", "SECRET", "WooHttp", "oauth_url", "running_store"]

KEY = "ck_3f1a9c0e5b7d2468ace0f13579bdf02468ace0f1"
SECRET = "cs_9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d"
API = "/wp-json/wc/v3"


def oauth_url(url: str, method: str = "GET", key: str = KEY, secret: str = SECRET) -> str:
    """``url`` with one-legged OAuth 1.0a query parameters (HMAC-SHA256)."""
    return OAuth(url, key, secret, method=method).get_oauth_url()


class WooHttp:
    """A small synchronous REST client that signs every request with OAuth."""

    def __init__(self, base_url: str, key: str = KEY, secret: str = SECRET) -> None:
        self.base_url = base_url
        self.key, self.secret = key, secret
        self.http = httpx.Client(timeout=10)

    def url(self, route: str, params: dict[str, Any] | None = None) -> str:
        query = f"?{urlencode(params)}" if params else ""
        return f"{self.base_url}{API}/{route.lstrip('/')}{query}"

    def request(
        self, method: str, route: str, params: dict[str, Any] | None = None, **kw: Any
    ) -> httpx.Response:
        signed = oauth_url(self.url(route, params), method, self.key, self.secret)
        return self.http.request(method, signed, **kw)

    def get(self, route: str, **params: Any) -> httpx.Response:
        return self.request("GET", route, params)

    def post(self, route: str, body: Any, **params: Any) -> httpx.Response:
        return self.request("POST", route, params, json=body)

    def put(self, route: str, body: Any, **params: Any) -> httpx.Response:
        return self.request("PUT", route, params, json=body)

    def delete(self, route: str, **params: Any) -> httpx.Response:
        return self.request("DELETE", route, params)


@contextmanager
def running_store(
    products: int = 0, host_model: HostModel | None = None, **server: Any
) -> Iterator[tuple[WooSandbox, RunningServer, WooHttp]]:
    """A seeded sandbox served on loopback, plus a signing client for it."""
    sb = WooSandbox(consumer_key=KEY, consumer_secret=SECRET, host_model=host_model)
    if products:
        sb.seed_demo(products=products, categories=4, orders=0, rng_seed=3)
    with serve_in_thread(create_app(sb), **server) as running:
        sb.site_url = running.url
        client = WooHttp(running.url)
        try:
            yield sb, running, client
        finally:
            client.http.close()
