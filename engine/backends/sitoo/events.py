"""Sitoo's Events SPI: batches Sitoo posts to our back-office route.

[V] (developer.sitoo.com/spi-events): a JSON array of up to 10 events, in
chronological order, each ``{event_id, event_type, event_date, account_id,
data}``; optional HTTP Basic auth configured for the callback (never the API
credentials); no signature; a batch not acknowledged is sent again and
holds back the ones behind it, and duplicates happen.  So a batch is
acknowledged once it is kept, whatever it holds: an unknown ``event_type``
is logged and ignored, never refused (refusing would block the queue).
Events are notifications only: order, warehouse-transaction and
order-delivery events change stock, so they ask for the stock job at once
(and, when Sitoo orders come down into WooCommerce, order events ask for the
orders poll too); the jobs re-read what changed.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import logging
from collections import Counter
from collections.abc import Mapping
from typing import Any

from engine.backends.records import BackofficeEvent
from engine.errors import AuthError, ValidationError

__all__ = ["KNOWN_EVENTS", "STOCK_EVENTS", "parse_events"]

log = logging.getLogger(__name__)

KNOWN_EVENTS = frozenset(
    {"order", "order-delivery", "booking", "shipment", "shipment-v3", "warehouse-transaction",
     "z-report", "store-z-report"}
)  # fmt: skip
STOCK_EVENTS = frozenset({"order", "order-delivery", "warehouse-transaction"})


def _authorized(headers: Mapping[str, str], user: str, password: str) -> bool:
    scheme, _, token = headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return False
    try:
        given = base64.b64decode(token, validate=True)
    except (binascii.Error, ValueError):
        return False
    return hmac.compare_digest(given, f"{user}:{password}".encode())


def _events(body: bytes) -> list[dict[str, Any]]:
    try:
        batch = json.loads(body)
    except ValueError:
        raise ValidationError("Sitoo events: the body is not JSON") from None
    if not isinstance(batch, list) or not all(
        isinstance(e, dict) and isinstance(e.get("event_type"), str) for e in batch
    ):
        raise ValidationError("Sitoo events: expected an array of events with event_type")
    return batch


def parse_events(
    headers: Mapping[str, str],
    body: bytes,
    user: str | None,
    password: str | None,
    mode: str = "live",
    imports_orders: bool = False,
) -> BackofficeEvent:
    """One kept record for the batch; ``jobs`` asks for the stock job when stock moved."""
    if password and not _authorized(headers, user or "", password):
        raise AuthError("Sitoo events: the callback's Basic auth does not match", status=401)
    batch = _events(body)
    kinds = Counter(e["event_type"] for e in batch)
    unknown = sorted(set(kinds) - KNOWN_EVENTS)
    if unknown:
        log.warning("sitoo[%s]: ignoring unknown event types %s", mode, ", ".join(unknown))
    topic = f"sitoo[{mode}] events: " + ", ".join(f"{k}×{n}" for k, n in sorted(kinds.items()))
    orders = [str(e.get("data", {}).get("order_id")) for e in batch if e["event_type"] == "order"]
    return BackofficeEvent(
        topic=topic,
        ref=f"order {orders[0]}" if orders else "",
        delivery_id=str(batch[0].get("event_id", "")) if batch else "",
        jobs=_jobs(set(kinds), imports_orders),
    )


def _jobs(kinds: set[str], imports_orders: bool) -> tuple[str, ...]:
    """Stock moved: the stock job; an order changed and Sitoo orders come down: the
    orders poll too (it brings them into WooCommerce)."""
    jobs = ["stock"] if STOCK_EVENTS & kinds else []
    if imports_orders and kinds & {"order", "order-delivery"}:
        jobs.append("orders_poll")
    return tuple(jobs)
