"""The REST route table: which handler answers which path and methods.

Paths use ``{id:int}`` like WordPress' ``(?P<id>[\\d]+)``; anything else under
``/wp-json/`` (including a known path with the wrong method) is WordPress'
404 ``rest_no_route``.  Route templates relative to ``/wp-json/wc/v3/`` (``products/batch``,
``products/{id}``) are the keys of ``sb.stats.by_route``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from starlette.routing import BaseRoute, Route

from sandbox.woocommerce import handlers, store_routes
from sandbox.woocommerce.attributes import AttributeCollection
from sandbox.woocommerce.call import ApiCall, Reply
from sandbox.woocommerce.categories import CategoryCollection
from sandbox.woocommerce.collection import Collection
from sandbox.woocommerce.customers import CouponCollection, CustomerCollection
from sandbox.woocommerce.endpoint import ApiEndpoint, Handler, WorkerPool
from sandbox.woocommerce.errors import WooError
from sandbox.woocommerce.orders import OrderCollection
from sandbox.woocommerce.products import ProductCollection
from sandbox.woocommerce.refunds import NoteCollection, RefundCollection
from sandbox.woocommerce.variations import VariationCollection
from sandbox.woocommerce.webhooks import WebhookCollection

if TYPE_CHECKING:
    from sandbox.woocommerce.state import WooSandbox

__all__ = ["API_PREFIX", "api_routes"]

API_PREFIX = "/wp-json/wc/v3"
_READ, _CREATE = ["GET"], ["POST"]
_EDIT = ["POST", "PUT", "PATCH"]
_ALL = ["GET", "POST", "PUT", "PATCH", "DELETE"]
_COLLECTIONS: list[tuple[str, type[Collection], bool]] = [
    ("/products/categories", CategoryCollection, True),
    ("/products/attributes", AttributeCollection, True),
    ("/products/{product_id:int}/variations", VariationCollection, True),
    ("/products", ProductCollection, True),
    ("/orders/{order_id:int}/refunds", RefundCollection, False),
    ("/orders/{order_id:int}/notes", NoteCollection, False),
    ("/orders", OrderCollection, True),
    ("/customers", CustomerCollection, True),
    ("/coupons", CouponCollection, True),
    ("/webhooks", WebhookCollection, True),
]


def _on(kind: type[Collection], action: Callable[[ApiCall, Collection], Reply]) -> Handler:
    return lambda call: action(call, kind(call.sb, call.site, call.path))


def _collection_routes(base: str, kind: type[Collection], batch: bool) -> list[tuple]:
    rows: list[tuple] = [
        (base, _READ, _on(kind, handlers.list_items), False),
        (base, _CREATE, _on(kind, handlers.create_item), False),
        (f"{base}/{{id:int}}", _READ, _on(kind, handlers.get_item), False),
        (f"{base}/{{id:int}}", ["DELETE"], _on(kind, handlers.delete_item), False),
    ]
    if kind not in (RefundCollection, NoteCollection):
        rows.append((f"{base}/{{id:int}}", _EDIT, _on(kind, handlers.update_item), False))
    if batch:
        rows.insert(0, (f"{base}/batch", _EDIT, _on(kind, handlers.batch_items), True))
    return rows


_STORE_ROUTES: list[tuple] = [
    ("/taxes/classes", _READ, store_routes.list_tax_classes, False),
    ("/taxes/classes", _CREATE, store_routes.create_tax_class, False),
    ("/taxes/classes/{slug}", ["DELETE"], store_routes.delete_tax_class, False),
    ("/taxes", _READ, store_routes.list_tax_rates, False),
    ("/payment_gateways", _READ, store_routes.list_gateways, False),
    ("/payment_gateways/{id}", _READ, store_routes.get_gateway, False),
    ("/payment_gateways/{id}", _EDIT, store_routes.update_gateway, False),
    ("/settings/{group}", _READ, store_routes.get_setting_group, False),
    ("/settings/{group}/{id}", _READ, store_routes.get_setting_group, False),
    ("/system_status", _READ, store_routes.system_status, False),
]


def _no_route(call: ApiCall) -> Reply:
    raise WooError("rest_no_route", "No route was found matching the URL and request method.", 404)


def api_routes(sb: WooSandbox, pool: WorkerPool) -> list[BaseRoute]:
    """Every ``/wp-json`` route of the sandbox, most specific first."""
    rows: list[tuple] = []
    for base, kind, batch in _COLLECTIONS:
        rows.extend(_collection_routes(base, kind, batch))
    rows.extend(_STORE_ROUTES)
    routes: list[BaseRoute] = []
    for path, methods, handler, batch in rows:
        template = path.lstrip("/").replace(":int}", "}")
        endpoint = ApiEndpoint(sb, pool, template, handler, batch=batch)
        routes.append(Route(API_PREFIX + path, endpoint.handle, methods=methods))
    index = ApiEndpoint(sb, pool, "/wp-json/", store_routes.site_index, public=True)
    routes.append(Route("/wp-json/", index.handle, methods=_READ))
    fallback = ApiEndpoint(sb, pool, "/wp-json/{rest}", _no_route, public=True)
    routes.append(Route("/wp-json/{rest:path}", fallback.handle, methods=_ALL))
    return routes
