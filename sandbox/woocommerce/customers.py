"""``/customers`` (WordPress users with the customer role) and ``/coupons``.

Customers: ``email`` is required and unique (``registration-error-email-exists``),
the username is derived from the email when not given, there is no trash.
Coupons: codes are stored lower-case and must be unique.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Iterable
from typing import Any, ClassVar

from sandbox.woocommerce.collection import Collection, Record
from sandbox.woocommerce.errors import WooError
from sandbox.woocommerce.links import resource_links
from sandbox.woocommerce.order_schema import ADDRESS_KEYS
from sandbox.woocommerce.prices import format_decimal
from sandbox.woocommerce.product_fields import merge_meta
from sandbox.woocommerce.query import QueryArgs
from sandbox.woocommerce.schema import Field, Schema

__all__ = ["CouponCollection", "CustomerCollection"]

_STR, _INT, _BOOL = Field("string"), Field("integer"), Field("boolean")
_ADDRESS = Field("object", props={key: _STR for key in ADDRESS_KEYS})
_META = Field("array", items={"key": _STR})


class _DatedCollection(Collection):
    """Customers and coupons: an update applies the body to a copy and stamps it."""

    @abstractmethod
    def _apply(self, rec: Record, body: dict[str, Any]) -> None: ...

    def update(self, rec: Record, body: dict[str, Any]) -> Record:
        new = dict(rec)
        self._apply(new, body)
        new["modified"] = self.sb.clock.now()
        self.records[rec["id"]] = new
        return new


class CustomerCollection(_DatedCollection):
    kind = "customer"
    resource = "customer"
    schema: ClassVar[Schema] = {
        "email": _STR,
        "first_name": _STR,
        "last_name": _STR,
        "username": _STR,
        "password": _STR,
        "billing": _ADDRESS,
        "shipping": _ADDRESS,
        "meta_data": _META,
    }
    required = ("email",)
    orderby = ("id", "include", "name", "registered_date")
    default_orderby = "name"
    default_order = "asc"
    trash_message = "Customers do not support trashing."
    searchable = ("email", "first_name", "last_name", "username")
    title_field = "username"

    @property
    def records(self) -> dict[int, Record]:
        return self.sb.customers

    @property
    def route(self) -> str:
        return "customers"

    def render(self, rec: Record) -> dict[str, Any]:
        clock = self.sb.clock
        paying = any(
            o.get("customer_id") == rec["id"] and o.get("paid") for o in self.sb.orders.values()
        )
        return {
            "id": rec["id"],
            **clock.pair("date_created", rec["created"]),
            **clock.pair("date_modified", rec["modified"]),
            "email": rec["email"],
            "first_name": rec.get("first_name", ""),
            "last_name": rec.get("last_name", ""),
            "role": rec.get("role", "customer"),
            "username": rec["username"],
            "billing": {k: rec.get("billing", {}).get(k, "") for k in ADDRESS_KEYS},
            "shipping": {
                k: rec.get("shipping", {}).get(k, "") for k in ADDRESS_KEYS if k != "email"
            },
            "is_paying_customer": paying,
            "avatar_url": "https://secure.gravatar.com/avatar/?s=96&d=mm&r=g",
            "meta_data": rec.get("meta_data", []),
            "_links": resource_links(self.site, f"customers/{rec['id']}", "customers"),
        }

    def not_found(self, status: int) -> WooError:
        return WooError("woocommerce_rest_invalid_id", "Invalid resource ID.", status)

    def filter(self, args: QueryArgs, recs: Iterable[Record]) -> Iterable[Record]:
        recs = super().filter(args, recs)
        role = args.text("role") or "customer"  # WC_REST_Customers_Controller's default
        if role != "all":
            recs = (r for r in recs if r.get("role", "customer") == role)
        email = args.text("email")
        if email:
            recs = (r for r in recs if r["email"].lower() == email.lower())
        return recs

    def sort_key(self, orderby: str, args: QueryArgs):  # type: ignore[override]
        if orderby == "registered_date":
            return lambda r: (r["created"], r["id"])
        return super().sort_key(orderby, args)

    def create(self, body: dict[str, Any]) -> Record:
        now = self.sb.clock.now()
        rec: Record = {"id": self.sb.ids.take("user"), "created": now, "modified": now, "email": ""}
        self._apply(rec, body)
        rec.setdefault("username", rec["email"].split("@")[0])
        self.records[rec["id"]] = rec
        return rec

    def _apply(self, rec: Record, body: dict[str, Any]) -> None:
        if "email" in body:
            email = body["email"].strip()
            if "@" not in email:
                raise WooError("rest_invalid_param", "Invalid parameter(s): email", 400)
            taken = any(
                c["email"].lower() == email.lower() and c["id"] != rec["id"]
                for c in self.records.values()
            )
            if taken:
                raise WooError(
                    "registration-error-email-exists",
                    "An account is already registered with your email address. "
                    '<a href="#" class="showlogin">Please log in.</a>',
                    400,
                )
            rec["email"] = email
        for key in ("first_name", "last_name", "username"):
            if key in body:
                rec[key] = body[key]
        for key in ("billing", "shipping"):
            if key in body:
                rec[key] = {**rec.get(key, {}), **body[key]}
        if "meta_data" in body:
            rec["meta_data"] = merge_meta(self.sb, rec.get("meta_data", []), body["meta_data"])


class CouponCollection(_DatedCollection):
    kind = "shop_coupon"
    resource = "coupon"
    schema: ClassVar[Schema] = {
        "code": _STR,
        "amount": _STR,
        "discount_type": Field("string", ("percent", "fixed_cart", "fixed_product")),
        "description": _STR,
        "date_expires": Field("string", nullable=True),
        "date_expires_gmt": Field("string", nullable=True),
        "individual_use": _BOOL,
        "product_ids": Field("array"),
        "excluded_product_ids": Field("array"),
        "usage_limit": Field("integer", nullable=True),
        "usage_limit_per_user": Field("integer", nullable=True),
        "free_shipping": _BOOL,
        "exclude_sale_items": _BOOL,
        "minimum_amount": _STR,
        "maximum_amount": _STR,
        "email_restrictions": Field("array"),
        "meta_data": _META,
    }
    required = ("code",)
    title_field = "code"
    searchable = ("code",)

    @property
    def records(self) -> dict[int, Record]:
        return self.sb.coupons

    @property
    def route(self) -> str:
        return "coupons"

    def render(self, rec: Record) -> dict[str, Any]:
        clock = self.sb.clock
        defaults = {
            key: None if spec.nullable else _empty(spec) for key, spec in self.schema.items()
        }
        out = {**defaults, **{k: v for k, v in rec.items() if k in self.schema}}
        out.update(
            id=rec["id"],
            amount=format_decimal(rec.get("amount", "0")) or "0",
            discount_type=rec.get("discount_type", "fixed_cart"),
            status=rec.get("status", "publish"),
            usage_count=rec.get("usage_count", 0),
            used_by=[],
            **clock.pair("date_created", rec["created"]),
            **clock.pair("date_modified", rec["modified"]),
            **clock.pair("date_expires", rec.get("expires")),
            _links=resource_links(self.site, f"coupons/{rec['id']}", "coupons"),
        )
        return out

    def filter(self, args: QueryArgs, recs: Iterable[Record]) -> Iterable[Record]:
        recs = (r for r in super().filter(args, recs) if r.get("status") != "trash")
        code = args.text("code")
        return (r for r in recs if r["code"] == code.lower()) if code else recs

    def create(self, body: dict[str, Any]) -> Record:
        now = self.sb.clock.now()
        rec: Record = {"id": self.sb.ids.take("post"), "created": now, "modified": now, "code": ""}
        self._apply(rec, body)
        self.records[rec["id"]] = rec
        return rec

    def _apply(self, rec: Record, body: dict[str, Any]) -> None:
        if "code" in body:
            code = body["code"].strip().lower()
            if any(c["code"] == code and c["id"] != rec["id"] for c in self.records.values()):
                raise WooError(
                    "woocommerce_rest_coupon_code_already_exists",
                    "The coupon code already exists",
                    400,
                )
            rec["code"] = code
        for gmt, key in ((False, "date_expires"), (True, "date_expires_gmt")):
            if key in body:  # one expiry, written in site time or GMT, shown in both
                rec["expires"] = self.sb.clock.parse_body_date(body[key], gmt)
        for key in self.schema:
            if key in body and key not in ("code", "date_expires", "date_expires_gmt"):
                rec[key] = body[key]


def _empty(spec: Field) -> Any:
    return {"string": "", "boolean": False, "array": [], "integer": 0}.get(spec.kind)
