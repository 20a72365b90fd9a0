"""``serve_forever``: one sandbox store in the foreground (``tillsync sandbox woo``)."""

from __future__ import annotations

import tempfile

import uvicorn

from sandbox.tls import make_self_signed
from sandbox.woocommerce.app import create_app
from sandbox.woocommerce.hostmodel import HostModel
from sandbox.woocommerce.state import WooSandbox

__all__ = ["serve_forever"]


def serve_forever(
    host: str = "127.0.0.1",
    port: int = 8081,
    https: bool = False,
    seed_products: int = 40,
    consumer_key: str = "ck_sandbox",
    consumer_secret: str = "cs_sandbox",
    host_model: HostModel | None = None,
) -> None:
    """Seed a demo shop and serve it until interrupted (blocking)."""
    sb = WooSandbox(consumer_key, consumer_secret, host_model or HostModel())
    sb.seed_demo(
        products=seed_products, categories=8, orders=min(20, seed_products // 2), rng_seed=1
    )
    scheme = "https" if https else "http"
    sb.site_url = f"{scheme}://{host}:{port}"
    ssl: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="tillsync-woo-tls-") as tmp:
        if https:
            certfile, keyfile, ca = make_self_signed(tmp)
            ssl = {"ssl_certfile": certfile, "ssl_keyfile": keyfile}
            print(f"CA certificate for clients: {ca}")
        print(f"WooCommerce sandbox: {sb.site_url}/wp-json/wc/v3")
        # sandbox-only credentials, printed so a client can be pointed at it
        print(f"  consumer key:      {consumer_key}")
        print(f"  consumer secret:   {consumer_secret}")
        print(f"Control endpoints:   {sb.site_url}/__sandbox__/stats", flush=True)
        uvicorn.run(create_app(sb), host=host, port=port, log_level="warning", **ssl)
