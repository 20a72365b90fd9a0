"""The customer an order goes to: found by e-mail, else created in the configured group.

NexoPOS customers are users; ``POST /customers`` needs a ``username``
(else MySQL refuses the insert) [V-run], and an e-mail already held by a
user who is not a customer (an administrator) fails on the unique key [I:
wording].  That case is refused with a reason, never turned into a crash
or a second account.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import Any

from engine.backends.base import Page
from engine.backends.nexopos.api import NexoApi
from engine.errors import ValidationError
from engine.model import BackofficeCustomer, Customer

__all__ = ["CustomerDesk", "read_customers", "upsert"]


def _address(customer: Customer) -> dict[str, str]:
    return {
        "first_name": customer.first_name, "last_name": customer.last_name,
        "email": customer.email, "phone": customer.phone, "address_1": customer.address_1,
        "address_2": customer.address_2, "country": customer.country, "city": customer.city,
        "pobox": customer.postcode, "company": customer.company,
    }  # fmt: skip


def customer_body(customer: Customer, group_id: int | None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "first_name": customer.first_name or customer.email.partition("@")[0],
        "last_name": customer.last_name,
        "email": customer.email,
        "username": customer.email,  # what NexoPOS's own CRUD form does [V-run]
        "phone": customer.phone,
        "address": {"billing": _address(customer), "shipping": _address(customer)},
    }
    if group_id is not None:
        body["group_id"] = group_id
    return body


class CustomerDesk:
    """Finds or creates customers; remembers ids found in this process."""

    def __init__(self, api: NexoApi) -> None:
        self._api = api
        self._ids: dict[str, int] = {}

    async def find(self, email: str) -> int | None:
        key = email.strip().lower()
        if key in self._ids:
            return self._ids[key]
        found = await self._api.post("customers/search", {"search": email}, idempotent=True)
        for row in found if isinstance(found, list) else []:
            if str(row.get("email") or "").strip().lower() == key:
                self._ids[key] = int(row["id"])
                return self._ids[key]
        return None

    async def ensure(self, customer: Customer) -> int:
        """The customer's NexoPOS id (walk-in default when the order has no e-mail)."""
        default = self._api.settings.default_customer_id
        if not customer.email:
            if default is None:
                raise ValidationError("the order has no e-mail and no default_customer_id is set")
            return default
        found = await self.find(customer.email)
        if found is not None:
            return found
        body = customer_body(customer, self._api.settings.customer_group_id)
        try:
            answer = await self._api.post("customers", body)
        except ValidationError as error:
            raise _refused(customer.email, error) from None
        created = int(answer["data"]["customer"]["id"])
        self._ids[customer.email.strip().lower()] = created
        return created


async def upsert(desk: CustomerDesk, api: NexoApi, customer: Customer) -> int:
    """The customers job's write: matched by e-mail, updated in place or created."""
    found = await desk.find(customer.email)
    if found is None:
        return await desk.ensure(customer)
    body = customer_body(customer, None)
    del body["username"]  # the account's login stays as NexoPOS has it
    await api.put(f"customers/{found}", body)
    return found


def _refused(email: str, error: ValidationError) -> ValidationError:
    if "duplicate entry" not in error.message.lower():
        return error
    return ValidationError(
        f"{email} belongs to a NexoPOS user who is not a customer (an administrator or "
        "cashier account); tillsync does not turn it into a customer",
        status=error.status,
        capture=error.capture,
        hint="Use another e-mail for the WooCommerce customer, or book the order by hand.",
    )


def customer_from_wire(row: Mapping[str, Any]) -> Customer:
    """A NexoPOS customer (``GET /api/customers`` embeds ``billing`` [V-run]) as the shop's."""
    billing = row.get("billing") if isinstance(row.get("billing"), dict) else {}

    def text(key: str, wire: str | None = None) -> str:
        return str(row.get(key) or billing.get(wire or key) or "")

    return Customer(
        email=str(row.get("email") or ""), first_name=text("first_name"),
        last_name=text("last_name"), company=str(billing.get("company") or ""),
        phone=text("phone"), address_1=str(billing.get("address_1") or ""),
        address_2=str(billing.get("address_2") or ""), city=str(billing.get("city") or ""),
        postcode=str(billing.get("pobox") or ""), country=str(billing.get("country") or ""),
    )  # fmt: skip


async def read_customers(api: NexoApi) -> AsyncIterator[Page[BackofficeCustomer]]:
    """Every customer, unpaginated [V-run]; the walk-in default customer stays NexoPOS's."""
    rows = await api.get("customers")
    walk_in = api.settings.default_customer_id
    items = tuple(
        BackofficeCustomer(str(row["id"]), customer_from_wire(row))
        for row in rows or []
        if isinstance(row, dict) and row.get("id") != walk_in
    )
    yield Page(items, None, len(items))
