"""Customers, coupons, tax classes, payment gateways, webhooks, system status."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import Any

from engine.woo.core import WooCore

__all__ = ["StoreEndpoints"]


class StoreEndpoints(WooCore):
    """Store-level resources used by mappings, the wizard and webhook setup."""

    def iter_customers(self, *, email: str | None = None, **filters: Any) -> AsyncIterator[dict]:
        params = {"orderby": "id", "order": "asc", "role": "all", "email": email, **filters}
        return self.iter_items("customers", params)

    async def get_customer(self, customer_id: int) -> dict[str, Any]:
        return await self.get(f"customers/{int(customer_id)}")

    async def create_customer(self, customer: Mapping[str, Any]) -> dict[str, Any]:
        return await self.post("customers", customer)

    async def update_customer(self, customer_id: int, fields: Mapping[str, Any]) -> dict[str, Any]:
        return await self.put(f"customers/{int(customer_id)}", fields)

    def iter_coupons(self, *, code: str | None = None, **filters: Any) -> AsyncIterator[dict]:
        return self.iter_items(
            "coupons", {"orderby": "id", "order": "asc", "code": code, **filters}
        )

    async def get_coupon(self, coupon_id: int) -> dict[str, Any]:
        return await self.get(f"coupons/{int(coupon_id)}")

    async def list_tax_classes(self) -> list[dict[str, Any]]:
        return await self.get("taxes/classes") or []

    async def list_payment_gateways(self) -> list[dict[str, Any]]:
        return await self.get("payment_gateways") or []

    async def list_webhooks(self, **filters: Any) -> list[dict[str, Any]]:
        return [hook async for hook in self.iter_items("webhooks", filters)]

    async def create_webhook(
        self, *, name: str, topic: str, delivery_url: str, secret: str, status: str = "active"
    ) -> dict[str, Any]:
        """Register a webhook.  WooCommerce pings ``delivery_url`` synchronously
        (form-encoded ``webhook_id=N``), so the receiver must be up first."""
        self.remote.redactor.add(secret)
        body = {
            "name": name,
            "topic": topic,
            "delivery_url": delivery_url,
            "secret": secret,
            "status": status,
        }
        return await self.post("webhooks", body)

    async def update_webhook(self, webhook_id: int, fields: Mapping[str, Any]) -> dict[str, Any]:
        if isinstance(fields.get("secret"), str):
            self.remote.redactor.add(fields["secret"])
        return await self.put(f"webhooks/{int(webhook_id)}", fields)

    async def delete_webhook(self, webhook_id: int) -> dict[str, Any]:
        """Webhooks have no trash: without ``force`` WooCommerce answers 501."""
        return await self.delete(f"webhooks/{int(webhook_id)}", force=True)

    async def system_status(self) -> dict[str, Any]:
        """Environment, versions and settings (also a cheap credentials check)."""
        return await self.get("system_status")
