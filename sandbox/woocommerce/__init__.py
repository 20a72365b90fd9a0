"""A WooCommerce 10 store's REST API v3 (and webhooks), simulated over real HTTP.

Built from the API contract in ``/work/shared/reference/woocommerce-api.md``,
never from tillsync's client, so the client's misunderstandings show up as
failures.  Usage::

    sb = WooSandbox(consumer_key="ck_…", consumer_secret="cs_…", host_model=HostModel())
    sb.seed_demo(products=40, categories=8, orders=0, rng_seed=1)
    with serve_in_thread(create_app(sb)) as server: ...
"""

from sandbox.woocommerce.app import create_app
from sandbox.woocommerce.delivery import DeliveryRecord
from sandbox.woocommerce.hostmodel import HostModel
from sandbox.woocommerce.serve import serve_forever
from sandbox.woocommerce.state import WooSandbox

__all__ = ["DeliveryRecord", "HostModel", "WooSandbox", "create_app", "serve_forever"]
