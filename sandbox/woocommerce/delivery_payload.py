"""What a webhook delivery carries, decided at send time.

``*.deleted`` topics carry only ``{"id": N}``; other topics carry the REST
representation of the resource *as it is when the delivery is sent*, or the
REST 404 error object when the resource no longer exists (reference §13).
``delivery_blocked`` mimics ``wp_safe_remote_post`` refusing loopback and
private addresses except on ports 80, 443, 8080 and the site's own port; it
is off unless ``sb.enforce_safe_webhook_urls`` is set, so tests can use
loopback receivers on any port.
"""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from sandbox.woocommerce.customers import CouponCollection, CustomerCollection
from sandbox.woocommerce.errors import WooError
from sandbox.woocommerce.orders import OrderCollection
from sandbox.woocommerce.product_view import render_product, render_variation

if TYPE_CHECKING:
    from sandbox.woocommerce.state import WooSandbox

__all__ = ["build_payload", "delivery_blocked"]


def _product(sb: WooSandbox, site: str, rid: int) -> dict[str, Any]:
    if rid in sb.products:
        return render_product(sb, sb.products[rid], site)
    if rid in sb.variations:
        return render_variation(sb, sb.variations[rid], site)
    raise WooError("woocommerce_rest_product_invalid_id", "Invalid ID.", 404)


def build_payload(sb: WooSandbox, topic: str, rid: int) -> dict[str, Any]:
    """The JSON body for a delivery of ``topic`` about resource ``rid``."""
    resource, _, event = topic.partition(".")
    if event == "deleted":
        return {"id": rid}
    site = sb.site_for()
    try:
        if resource == "product":
            return _product(sb, site, rid)
        collection = {
            "order": OrderCollection,
            "customer": CustomerCollection,
            "coupon": CouponCollection,
        }[resource](sb, site)
        return collection.render(collection.find(rid))
    except WooError as error:
        return error.body()
    except KeyError:
        return {"action": topic, "arg": rid}


def delivery_blocked(sb: WooSandbox, url: str) -> bool:
    """True when WordPress would refuse to send to ``url`` (loopback/private port)."""
    if not sb.enforce_safe_webhook_urls:
        return False
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        private = host == "localhost" or ipaddress.ip_address(host).is_private
    except ValueError:
        private = False
    port = parts.port or (443 if parts.scheme == "https" else 80)
    site_port = urlsplit(sb.site_for()).port
    return private and port not in (80, 443, 8080, site_port)
