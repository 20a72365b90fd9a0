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

__all__ = ["SANDBOX_KNOBS", "SandboxControl", "apply_knobs", "control_routes"]

CONTROL_PREFIX = "/__sandbox__"
SANDBOX_KNOBS = (
    "webhook_delay",
    "cron_interval",
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
    host = {k: v for k, v in changes.items() if k not in SANDBOX_KNOBS}
    model = sb.host_model.patched(host)
    with sb.lock:
        if host:  # posting host knobs (even unchanged) replays the faults from their seed
            sb.host_model = model
        for name, value in own.items():
            setattr(sb, name, type(getattr(sb, name))(value))
    return _knobs(sb)


def _error(error: WooError) -> Response:
    return JSONResponse(error.body(), error.status)


class SandboxControl:
    """The handlers behind ``/__sandbox__/``; each acts on one sandbox."""

    def __init__(self, sb: WooSandbox) -> None:
        self.sb = sb

    async def stats(self, request: Request) -> Response:
        snapshot = self.sb.stats.snapshot()
        deliveries = self.sb.deliveries
        snapshot["webhooks"] = {
            "pending": len(deliveries.pending),
            "merged": deliveries.merged,
            "sent": len(deliveries.log),
            "cron_runs": deliveries.cron_runs,
        }
        return JSONResponse(snapshot)

    async def knobs(self, request: Request) -> Response:
        if request.method == "GET":
            return JSONResponse(_knobs(self.sb))
        try:
            return JSONResponse(apply_knobs(self.sb, await request.json()))
        except (KeyError, TypeError, ValueError) as exc:
            return JSONResponse({"code": "unknown_knob", "message": str(exc)}, 400)

    async def orders(self, request: Request) -> Response:
        """A shopper's checkout; like any visit to the site it lets WP-cron run."""
        body = await request.json()
        lines = [(int(pid), int(qty)) for pid, qty in body.pop("line_items")]
        try:
            order = self.sb.place_order(line_items=lines, **body)
        except WooError as error:
            return _error(error)
        self.sb.deliveries.site_request()
        return JSONResponse(order, 201)

    async def order_status(self, request: Request) -> Response:
        body = await request.json()
        order_id = int(request.path_params["order_id"])
        try:
            order = self.sb.set_order_status(order_id, body["status"], body.get("note", ""))
        except WooError as error:
            return _error(error)
        return JSONResponse(order)

    async def products(self, request: Request) -> Response:
        """Raw stored records (not the REST shape), by ``sku`` or the first ``limit``."""
        sb, sku = self.sb, request.query_params.get("sku")
        with sb.lock:
            if sku is not None:
                pid = sb.sku_index.get(sku)
                rows = [sb.products.get(pid) or sb.variations.get(pid)] if pid else []
            else:
                rows = list(sb.products.values())[: int(request.query_params.get("limit", "100"))]
            return JSONResponse([dict(r) for r in rows if r])

    async def reset_stats(self, request: Request) -> Response:
        self.sb.stats.reset()
        return JSONResponse({"ok": True})

    async def flush_webhooks(self, request: Request) -> Response:
        self.sb.deliveries.flush_due_now()
        return JSONResponse({"pending": len(self.sb.deliveries.pending)})


def control_routes(sb: WooSandbox) -> list[BaseRoute]:
    control = SandboxControl(sb)
    table = [
        ("/stats", control.stats, ["GET"]),
        ("/knobs", control.knobs, ["GET", "POST"]),
        ("/orders", control.orders, ["POST"]),
        ("/orders/{order_id:int}/status", control.order_status, ["POST"]),
        ("/products", control.products, ["GET"]),
        ("/reset-stats", control.reset_stats, ["POST"]),
        ("/webhooks/flush", control.flush_webhooks, ["POST"]),
    ]
    return [
        Route(CONTROL_PREFIX + path, handler, methods=methods) for path, handler, methods in table
    ]
