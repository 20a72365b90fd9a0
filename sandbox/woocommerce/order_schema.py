"""Request schema of ``/orders`` (writable fields only; read-only ones are ignored)."""

from __future__ import annotations

from sandbox.woocommerce.order_flow import ORDER_STATUSES
from sandbox.woocommerce.schema import Field, Schema

__all__ = ["ADDRESS_KEYS", "ORDER_SCHEMA"]

_STR, _INT, _BOOL = Field("string"), Field("integer"), Field("boolean")
ADDRESS_KEYS = (
    "first_name",
    "last_name",
    "company",
    "address_1",
    "address_2",
    "city",
    "state",
    "postcode",
    "country",
    "email",
    "phone",
)
_ADDRESS = Field("object", props={key: _STR for key in ADDRESS_KEYS})
_META = Field("array", items={"key": _STR})

ORDER_SCHEMA: Schema = {
    "parent_id": _INT,
    "status": Field("string", ORDER_STATUSES),
    "currency": _STR,
    "customer_id": _INT,
    "customer_note": _STR,
    "billing": _ADDRESS,
    "shipping": _ADDRESS,
    "payment_method": _STR,
    "payment_method_title": _STR,
    "transaction_id": _STR,
    "meta_data": _META,
    "line_items": Field(
        "array",
        items={
            "id": _INT,
            "name": _STR,
            "product_id": _INT,
            "variation_id": _INT,
            "quantity": _INT,
            "tax_class": _STR,
            "subtotal": _STR,
            "total": _STR,
            "sku": _STR,
            "meta_data": _META,
        },
    ),
    "shipping_lines": Field(
        "array",
        items={
            "id": _INT,
            "method_title": _STR,
            "method_id": _STR,
            "instance_id": _STR,
            "total": _STR,
        },
    ),
    "fee_lines": Field(
        "array",
        items={
            "id": _INT,
            "name": _STR,
            "tax_class": _STR,
            "tax_status": Field("string", ("taxable", "none")),
            "total": _STR,
        },
    ),
    "coupon_lines": Field("array", items={"id": _INT, "code": _STR}),
    "set_paid": _BOOL,
}
