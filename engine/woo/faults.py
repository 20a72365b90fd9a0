"""WooCommerce's error body: ``{code, message, data: {status, params, details}}``.

WordPress validation errors put the useful part in ``data.params`` ("regular_price
is not of type string."); the parser folds it into the message so the admin
sees which field was wrong without opening the capture.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import httpx

from engine.errors import FailureKind
from engine.transport import STATUS_RULES

__all__ = ["item_failure_kind", "parse_woo_error"]


def parse_woo_error(response: httpx.Response) -> tuple[str | None, str | None, dict] | None:
    """Remote code, message and data of a WooCommerce error response, if it is one."""
    try:
        body = json.loads(response.content, parse_float=Decimal)
    except ValueError:
        return None
    if not isinstance(body, dict) or "code" not in body:
        return None
    data = body.get("data") if isinstance(body.get("data"), dict) else {}
    return str(body["code"]), _message(body.get("message"), data), data


def _message(message: Any, data: dict) -> str:
    text = str(message or "")
    params = data.get("params")
    if isinstance(params, dict) and params:
        detail = "; ".join(str(v) for v in params.values())
        text = f"{text} ({detail})" if text else detail
    return text


_CONFLICT_CODES = frozenset({"product_invalid_sku", "woocommerce_rest_product_not_created"})


def item_failure_kind(code: str | None, data: dict) -> FailureKind:
    """Kind of a per-item batch error, by the same status table the transport uses.

    A duplicate SKU carries the existing product's id (``resource_id``): that
    is a conflict to link, not bad data.
    """
    if code in _CONFLICT_CODES and data.get("resource_id"):
        return FailureKind.CONFLICT
    try:
        status = int(data.get("status", 400))
    except (TypeError, ValueError):
        status = 400
    rule = STATUS_RULES.get(status)
    if rule is not None and rule.error is not None:
        return rule.error.kind
    return FailureKind.TRANSIENT if status >= 500 else FailureKind.VALIDATION
