"""Orders, order notes and refunds."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from engine.woo.core import WooCore

__all__ = ["OrderEndpoints"]


class OrderEndpoints(WooCore):
    """Order resources; amounts stay strings/Decimal end to end."""

    def iter_orders(
        self,
        *,
        modified_after: datetime | str | None = None,
        status: str | Sequence[str] | None = None,
        **filters: Any,
    ) -> AsyncIterator[dict[str, Any]]:
        """Stream orders, oldest id first, changed since ``modified_after`` (GMT)."""
        params: dict[str, Any] = {"orderby": "id", "order": "asc", **filters}
        if status is not None:
            params["status"] = status
        if modified_after is not None:
            params.update(modified_after=modified_after, dates_are_gmt=True)
        return self.iter_items("orders", params)

    async def get_order(self, order_id: int) -> dict[str, Any]:
        return await self.get(f"orders/{int(order_id)}")

    async def update_order(self, order_id: int, fields: Mapping[str, Any]) -> dict[str, Any]:
        return await self.put(f"orders/{int(order_id)}", fields)

    async def list_order_notes(self, order_id: int) -> list[dict[str, Any]]:
        return await self.get(f"orders/{int(order_id)}/notes") or []

    async def create_order_note(
        self, order_id: int, note: str, *, customer_note: bool = False
    ) -> dict[str, Any]:
        body = {"note": note, "customer_note": customer_note}
        return await self.post(f"orders/{int(order_id)}/notes", body)

    async def list_refunds(self, order_id: int) -> list[dict[str, Any]]:
        return await self.get(f"orders/{int(order_id)}/refunds") or []

    async def create_refund(
        self,
        order_id: int,
        *,
        amount: Decimal | str | None = None,
        reason: str = "",
        line_items: Sequence[Mapping[str, Any]] = (),
        api_refund: bool = False,
        api_restock: bool = True,
    ) -> dict[str, Any]:
        """Record a refund.  ``api_refund`` defaults to False here (WooCommerce's
        default is True, which would ask the payment gateway to pay money out)."""
        body: dict[str, Any] = {"reason": reason, "api_refund": api_refund}
        body["api_restock"] = api_restock
        if amount is not None:
            body["amount"] = str(amount)
        if line_items:
            body["line_items"] = list(line_items)
        return await self.post(f"orders/{int(order_id)}/refunds", body)
