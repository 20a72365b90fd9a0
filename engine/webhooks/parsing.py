"""Turning a verified request body into a :class:`Delivery` — or a reason not to.

Everything here is pure (bytes and strings in, values out) so each rule is
unit-tested without a server.  The receiver maps :class:`PayloadError` to
400; a ping or WooCommerce's own error object are recognised, not errors.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from engine.webhooks.delivery import Delivery
from engine.webhooks.errors import PayloadError
from engine.webhooks.shape import check_order_shape

__all__ = [
    "PayloadError",
    "build_delivery",
    "decode_json_object",
    "is_error_object",
    "media_type",
    "parse_gmt",
    "ping_webhook_id",
]

_PING = re.compile(rb"webhook_id=([0-9]{1,20})")
_FORM = "application/x-www-form-urlencoded"


def media_type(content_type: str | None) -> str:
    """``"application/json; charset=UTF-8"`` → ``"application/json"``."""
    return (content_type or "").split(";", 1)[0].strip().lower()


def ping_webhook_id(content_type: str | None, body: bytes) -> int | None:
    """The webhook id if ``body`` is exactly WooCommerce's creation ping.

    The ping is the only request accepted without a signature, so the test
    is strict: form content type and a body that is nothing but
    ``webhook_id=<digits>`` — no extra fields, no JSON, no trailing bytes.
    """
    if media_type(content_type) != _FORM:
        return None
    match = _PING.fullmatch(body)
    return int(match.group(1)) if match else None


def decode_json_object(content_type: str | None, body: bytes) -> dict[str, Any]:
    """The body as a JSON object, or :class:`PayloadError` for anything else."""
    if media_type(content_type) != "application/json":
        raise PayloadError(f"content type {media_type(content_type) or 'none'!r} is not JSON")
    try:
        value = json.loads(body, parse_float=Decimal)  # money never passes through float
    except (ValueError, RecursionError) as exc:
        raise PayloadError(f"malformed JSON ({type(exc).__name__})") from None
    if not isinstance(value, dict):
        raise PayloadError(f"JSON body is a {type(value).__name__}, not an object")
    return value


def is_error_object(payload: Mapping[str, Any]) -> bool:
    """True for WooCommerce's REST error body, sent when the resource was deleted.

    WooCommerce builds the payload at send time; if the order is gone by
    then, the signed body is ``{"code": "…_invalid_id", "message": …,
    "data": {"status": 404}}`` instead of the order.
    """
    data = payload.get("data")
    return (
        "id" not in payload
        and isinstance(payload.get("code"), str)
        and "message" in payload
        and isinstance(data, Mapping)
        and isinstance(data.get("status"), int)
    )


def parse_gmt(value: object) -> datetime | None:
    """WooCommerce's ``date_modified_gmt`` (naive ISO, UTC) as an aware datetime."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


#: The largest id the store can hold (SQLite INTEGER); WooCommerce's are far below it.
MAX_RESOURCE_ID = 2**63 - 1


def _resource_id(payload: Mapping[str, Any]) -> int:
    """A signed body with an id the store cannot hold is refused (400), not a 500
    that WooCommerce would retry until it disables the webhook."""
    value = payload.get("id")
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise PayloadError("payload has no positive integer 'id'")
    if value > MAX_RESOURCE_ID:
        raise PayloadError("payload 'id' is out of range")
    return value


def _header_int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def build_delivery(
    *,
    connection: str,
    topic: str,
    payload: dict[str, Any],
    body: bytes,
    headers: Mapping[str, str],
    received_at: datetime,
) -> Delivery:
    """A :class:`Delivery` from a verified order payload (not an error object)."""
    resource_id = _resource_id(payload)
    check_order_shape(topic, payload)
    return Delivery(
        connection=connection,
        topic=topic,
        resource_id=resource_id,
        modified_gmt=parse_gmt(payload.get("date_modified_gmt")),
        payload=payload,
        delivery_id=headers.get("x-wc-webhook-delivery-id", ""),
        webhook_id=_header_int(headers.get("x-wc-webhook-id")),
        received_at=received_at,
        gone=topic == "order.deleted",
        payload_sha256=hashlib.sha256(body).hexdigest(),
    )
