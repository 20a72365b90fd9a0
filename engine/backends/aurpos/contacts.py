"""The WooCommerce customer as an Ultimate POS contact (``contact_id`` ``WC-<id>``).

``contact_id`` is the contact's business-visible code and the Connector can
search it (``GET contactapi?contact_id=``), but as a LIKE search OR-combined
with the other filters [V]: ``WC-1`` also finds ``WC-12``, so the match is
made exactly here.  A guest (no WooCommerce customer id) gets
``WC-G-<8 hex of the e-mail>``.  Ultimate POS requires a mobile number [Vd];
a customer without a phone follows ``mobile_policy``: a placeholder number,
or the order is held with the reason.
"""

from __future__ import annotations

import hashlib

from engine.backends.aurpos.api import AurposApi, unwrap
from engine.errors import ConfigError, ValidationError
from engine.model import Customer

__all__ = ["ContactBook", "contact_code"]


def contact_code(customer: Customer) -> str:
    if customer.woo_id:
        return f"WC-{customer.woo_id}"
    digest = hashlib.sha256(customer.email.strip().lower().encode()).hexdigest()[:8]
    return f"WC-G-{digest}"


class ContactBook:
    """Finds or creates the contact of an order's customer; remembers ids per run."""

    def __init__(self, api: AurposApi) -> None:
        self.api = api
        self._ids: dict[str, int] = {}

    def mobile(self, customer: Customer, order_number: str) -> str:
        phone = customer.phone.strip()
        if phone:
            return phone
        if self.api.settings.mobile_policy == "hold":
            raise ConfigError(
                f"order {order_number}: the customer has no phone number, and AurPOS requires "
                'a mobile number (mobile_policy = "hold")',
                hint='Add a phone number to the order, or set mobile_policy = "placeholder".',
            )
        return self.api.settings.mobile_placeholder

    async def contact_id(self, customer: Customer, order_number: str) -> int:
        """The contact's numeric id (what ``sell.contact_id`` takes)."""
        code = contact_code(customer)
        if code in self._ids:
            return self._ids[code]
        mobile = self.mobile(customer, order_number)
        found = await self._find(code)
        if found is None:
            found = await self._create(customer, code, mobile)
        self._ids[code] = found
        return found

    async def _find(self, code: str) -> int | None:
        params = {"type": "customer", "contact_id": code}
        async for rows in self.api.rows("contactapi", params):
            for row in rows:
                if str(row.get("contact_id")) == code:
                    return int(row["id"])
        return None

    async def _create(self, customer: Customer, code: str, mobile: str) -> int:
        body = {
            "type": "customer", "contact_id": code, "mobile": mobile,
            "first_name": customer.first_name or customer.company or customer.email or code,
            "last_name": customer.last_name, "email": customer.email,
            "supplier_business_name": customer.company, "tax_number": customer.vat_id,
            "address_line_1": customer.address_1, "address_line_2": customer.address_2,
            "city": customer.city, "state": customer.state, "country": customer.country,
            "zip_code": customer.postcode,
        }  # fmt: skip
        async with self.api.write_lock:
            answer = unwrap(await self.api.send("POST", "contactapi", body))
        if not isinstance(answer, dict) or answer.get("id") is None:
            raise ValidationError(f"AurPOS did not create contact {code}")
        return int(answer["id"])
