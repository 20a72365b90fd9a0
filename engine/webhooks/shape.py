"""Does a signed body look like what its topic says it is?

WooCommerce signs the body but not the ``X-WC-Webhook-Topic`` header, so a
genuine product body can be replayed under ``order.updated``.  An order
revision must look like an order (``status``, ``currency`` and a list of
line items, each an object with sane field types) before anything of it
is stored; otherwise the delivery is refused with 400.  A 500 would make
WooCommerce retry the same body until it disables the webhook, so every
shape the engine cannot use must end here, as a :class:`PayloadError`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from engine.webhooks.errors import PayloadError

__all__ = ["check_order_shape"]

#: Line-item fields the engine reads, and the JSON types each may have (a JSON
#: number with a fraction is decoded as Decimal, see parsing.decode_json_object).
_LINE_FIELDS: dict[str, tuple[type, ...]] = {
    "id": (int,),
    "product_id": (int,),
    "variation_id": (int,),
    "quantity": (int, float, Decimal),
    "sku": (str, type(None)),
    "name": (str,),
    "price": (int, float, Decimal, str),
    "total": (str, int, float, Decimal),
    "subtotal": (str, int, float, Decimal),
    "total_tax": (str, int, float, Decimal),
}


def check_order_shape(topic: str, payload: Mapping[str, Any]) -> None:
    """Raise :class:`PayloadError` unless ``payload`` is an order revision.

    ``order.deleted`` carries only ``{"id": N}``: it is a hint the engine
    checks against WooCommerce itself, so its shape is not an order's.
    """
    if topic == "order.deleted":
        return
    for name in ("status", "currency"):
        value = payload.get(name)
        if not isinstance(value, str) or not value:
            raise PayloadError(f"not an order: {name!r} missing or not text")
    items = payload.get("line_items")
    if not isinstance(items, list):
        raise PayloadError("not an order: 'line_items' is not a list")
    for position, item in enumerate(items):
        _check_line(position, item)


def _check_line(position: int, item: object) -> None:
    if not isinstance(item, Mapping):
        raise PayloadError(f"line item {position} is not an object")
    for name, kinds in _LINE_FIELDS.items():
        if name not in item:
            continue
        value = item[name]
        if isinstance(value, bool) or not isinstance(value, kinds):
            raise PayloadError(f"line item {position}: {name!r} has the wrong type")
        if isinstance(value, float | Decimal) and not math.isfinite(value):
            raise PayloadError(f"line item {position}: {name!r} is not a finite number")
