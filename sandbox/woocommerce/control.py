"""``/__sandbox__/``: driving the sandbox from another process (bench, demo).

No authentication and no host-model costs or faults: these are the hands of
the test harness, not part of WooCommerce.  Knobs are a flat JSON object;
each key is a :class:`HostModel` field or a sandbox webhook setting.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from sandbox.woocommerce.errors import WooError

if TYPE_CHECKING:
    from sandbox.woocommerce.state import WooSandbox

__all__ = ["SANDBOX_KNOBS", "control_routes"]

CONTROL_PREFIX = "/__sandbox__"
SANDBOX_KNOBS = (
    "webhook_delay",
    "webhook_timeout",
    "ping_timeout",
    "max_webhook_failures",
    "enforce_safe_webhook_urls",
)


def _knobs(sb: WooSandbox) -> dict[str, Any]:
    return {**asdict(sb.host_model), **{name: getattr(sb, name) for name in SANDBOX_KNOBS}}


def apply_knobs(sb: WooSandbox, changes: dict[str, Any]) -> dict[str, Any]:
    """Apply a flat knob patch; unknown names raise KeyError before anything changes."""
    own = {k: v for k, v in changes.items() if k in SANDBOX_KNOBS}
    model = sb.host_model.patched({k: v for k, v in changes.items() if k not in SANDBOX_KNOBS})
    with sb.lock:
        sb.host_model = model
        for name, value in own.items():
            setattr(sb, name, type(getattr(sb, name))(value))
    return _knobs(sb)


def _error(error: WooError) -> Response:
    return JSONResponse(error.body(), error.status)


def control_routes(sb: WooSandbox) -> list[BaseRoute]:
    async def stats(request: Request) -> Response:
        snapshot = sb.stats.snapshot()
        snapshot["webhooks"] = {
            "pending": len(sb.deliveries.pending),
            "merged": sb.deliveries.merged,
            "sent": len(sb.deliveries.log),
        }
        return JSONResponse(snapshot)

    async def knobs(request: Request) -> Response:
        if request.method == "GET":
            return JSONResponse(_knobs(sb))
        try:
            return JSONResponse(apply_knobs(sb, await request.json()))
        except (KeyError, TypeError, ValueError) as exc:
            return JSONResponse({"code": "unknown_knob", "message": str(exc)}, 400)

    async def orders(request: Request) -> Response:
        body = await request.json()
        lines = [(int(pid), int(qty)) for pid, qty in body.pop("line_items")]
        try:
            return JSONResponse(sb.place_order(line_items=lines, **body), 201)
        except WooError as error:
            return _error(error)

    async def order_status(request: Request) -> Response:
        body = await request.json()
        try:
            order = sb.set_order_status(
                int(request.path_params["order_id"]), body["status"], body.get("note", "")
            )
        except WooError as error:
            return _error(error)
        return JSONResponse(order)

    async def products(request: Request) -> Response:
        sku = request.query_params.get("sku")
        with sb.lock:
            if sku is not None:
                pid = sb.sku_index.get(sku)
                rows = [sb.products.get(pid) or sb.variations.get(pid)] if pid else []
            else:
                rows = list(sb.products.values())[: int(request.query_params.get("limit", "100"))]
            return JSONResponse([dict(r) for r in rows if r])

    async def reset_stats(request: Request) -> Response:
        sb.stats.reset()
        return JSONResponse({"ok": True})

    async def flush_webhooks(request: Request) -> Response:
        sb.deliveries.flush_due_now()
        return JSONResponse({"pending": len(sb.deliveries.pending)})

    return [
        Route(f"{CONTROL_PREFIX}/stats", stats, methods=["GET"]),
        Route(f"{CONTROL_PREFIX}/knobs", knobs, methods=["GET", "POST"]),
        Route(f"{CONTROL_PREFIX}/orders", orders, methods=["POST"]),
        Route(f"{CONTROL_PREFIX}/orders/{{order_id:int}}/status", order_status, methods=["POST"]),
        Route(f"{CONTROL_PREFIX}/products", products, methods=["GET"]),
        Route(f"{CONTROL_PREFIX}/reset-stats", reset_stats, methods=["POST"]),
        Route(f"{CONTROL_PREFIX}/webhooks/flush", flush_webhooks, methods=["POST"]),
    ]
