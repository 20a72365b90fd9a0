"""The creation ping, sent again by us: does the delivery URL answer 200?

WooCommerce pings a new webhook's URL with the form-encoded body
``webhook_id=N`` and creates the webhook whatever the answer (201 even after
a 503, reference §14), so its REST reply cannot tell that our receiver is
down or the reverse proxy points nowhere.  tillsync sends the same ping to
the same URL and asks what the shop asks: exactly 200.  Our receiver accepts
this unsigned ping and nothing else without a signature.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx

__all__ = ["DeliveryProbe", "ping_delivery_url"]

DeliveryProbe = Callable[[str, int], Awaitable[int]]

PING_TIMEOUT_S = 10.0


async def ping_delivery_url(url: str, webhook_id: int) -> int:
    """The status ``url`` answers to WooCommerce's creation ping; 0 when unreachable."""
    try:
        async with httpx.AsyncClient(timeout=PING_TIMEOUT_S, follow_redirects=False) as client:
            response = await client.post(
                url,
                content=f"webhook_id={int(webhook_id)}".encode(),
                headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "User-Agent": "tillsync webhook check",
                },
            )
    except httpx.HTTPError:
        return 0
    return response.status_code
