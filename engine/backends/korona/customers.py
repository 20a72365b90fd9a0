"""WooCommerce customers as KORONA customers.

KORONA has no look-up by external id, so the customer ``number`` is derived
from the WooCommerce id (``WC<id>``) and written with
``writeMode=ADD_OR_UPDATE``: a retry or a second run updates the same
customer instead of creating another.  ``externalId`` carries the Woo id too,
for people reading KORONA Studio.  [inferred: KORONA matches ADD_OR_UPDATE
by ``number``, as the contract summary describes for products]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from engine.backends.base import ItemResult
from engine.model import Customer

__all__ = ["customer_number", "customer_to_wire", "number_for", "results_from_wire"]


def number_for(woo_id: int) -> str:
    """The KORONA customer number of WooCommerce customer ``woo_id``."""
    return f"WC{woo_id}"


def customer_number(customer: Customer) -> str:
    return number_for(customer.woo_id or 0)


def customer_to_wire(customer: Customer) -> dict[str, Any]:
    address = {
        "addressLine1": customer.address_1,
        "addressLine2": customer.address_2,
        "city": customer.city,
        "zipCode": customer.postcode,
        "state": customer.state,
        "country": customer.country,
        "company": customer.company,
    }
    body: dict[str, Any] = {
        "number": customer_number(customer),
        "externalId": str(customer.woo_id),
        "firstname": customer.first_name,
        "lastname": customer.last_name,
        "company": customer.company,
        "email": customer.email,
        "phone": customer.phone,
        "address": {k: v for k, v in address.items() if v},
    }
    return {k: v for k, v in body.items() if v not in ("", {}, None)}


def results_from_wire(
    customers: Sequence[Customer], results: Sequence[Mapping[str, Any]] | None
) -> list[ItemResult]:
    """One ItemResult per customer, in order; a missing answer is a failure, not a success."""
    answers = list(results or [])
    out = []
    for i, customer in enumerate(customers):
        ref = customer_number(customer)
        answer = answers[i] if i < len(answers) else None
        if answer is None:
            out.append(ItemResult(ref, False, message="KORONA returned no result for it"))
        elif answer.get("status") == "ERROR":
            out.append(ItemResult(ref, False, message=str(answer.get("message") or "refused")))
        else:
            out.append(ItemResult(ref, True, remote_id=str(answer.get("id") or "")))
    return out
