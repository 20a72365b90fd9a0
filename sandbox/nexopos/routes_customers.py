"""Customer routes: list (only customers with a group), search, create.

``POST /api/customers`` stores what it is given: without ``username`` the
insert fails with MySQL's ``Field 'username' doesn't have a default value``
and a username or e-mail already held by another user (an administrator)
fails on the unique key [V-run: SQL errors leak as 500; I: the duplicate
wording].  An e-mail of another *customer* is refused first (403) [V: source].
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from sandbox.nexopos.state import NexoSandbox, now_text
from sandbox.nexopos.wire import body_of, error_500, forbidden, json_response, paginate, success

__all__ = ["customer_routes"]

_SEARCHED = ("email", "first_name", "last_name", "phone")
_FIELDS = ("first_name", "last_name", "username", "password", "description", "gender", "phone",
           "email", "pobox", "group_id", "active")  # fmt: skip


def _public(user: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in user.items() if k not in ("password", "role")}


async def list_customers(sb: NexoSandbox, request: Request) -> Response:
    with sb.lock:
        rows = [_public(c) for c in sb.customers() if c.get("group_id")]
    return json_response(sorted(rows, key=lambda c: -c["id"]))


async def search(sb: NexoSandbox, request: Request) -> Response:
    body = await body_of(request)
    needle = str((body or {}).get("search") or "").lower() if isinstance(body, dict) else ""
    with sb.lock:
        found = [
            _public(c) for c in sb.customers()
            if needle and any(needle in str(c.get(k) or "").lower() for k in _SEARCHED)
        ]  # fmt: skip
    return json_response(found)


def _duplicate(sb: NexoSandbox, fields: dict[str, Any], request: Request) -> None:
    for user in sb.users.values():
        for column in ("email", "username"):
            if fields.get(column) and user.get(column) == fields[column]:
                if column == "email" and user.get("role") == "customer":
                    raise forbidden(
                        f'The email "{fields["email"]}" is already used for another customer.'
                    )
                raise error_500(
                    "SQLSTATE[23000]: Integrity constraint violation: 1062 Duplicate entry "
                    f"'{fields[column]}' for key 'nexopos_users_{column}_unique'",
                    request,
                )


async def create(sb: NexoSandbox, request: Request) -> Response:
    body = await body_of(request)
    body = body if isinstance(body, dict) else {}
    fields = {k: body[k] for k in _FIELDS if k in body}
    if not fields.get("first_name"):
        raise error_500("The first name field is required.", request)
    with sb.lock:
        _duplicate(sb, fields, request)
        if not fields.get("username"):
            raise error_500(
                "SQLSTATE[HY000]: General error: 1364 "
                "Field 'username' doesn't have a default value",
                request,
            )
        user_id = sb.next_id("users")
        address = body.get("address") if isinstance(body.get("address"), dict) else {}
        customer = fields | {
            "id": user_id, "role": "customer", "created_at": now_text(),
            "billing": address.get("billing"), "shipping": address.get("shipping"),
        }  # fmt: skip
        sb.users[user_id] = customer
    return success("The customer has been created.", {"customer": _public(customer)})


async def update(sb: NexoSandbox, request: Request) -> Response:
    body = await body_of(request)
    body = body if isinstance(body, dict) else {}
    key = request.path_params["customer"]
    with sb.lock:
        customer = sb.users.get(int(key)) if key.isdigit() else None
        if customer is None or customer.get("role") != "customer":
            raise error_500("Unable to find the customer using the provided ID.", request)
        fields = {k: body[k] for k in _FIELDS if k in body}
        others = {u["email"] for u in sb.users.values() if u["id"] != customer["id"]}
        if fields.get("email") in others:
            raise forbidden(f'The email "{fields["email"]}" is already used for another customer.')
        customer.update(fields)
        address = body.get("address") if isinstance(body.get("address"), dict) else {}
        customer.update({k: address[k] for k in ("billing", "shipping") if k in address})
    return success("The customer has been edited.", {"customer": _public(customer)})


async def crud_users(sb: NexoSandbox, request: Request) -> Response:
    """``ns.users``: every user (staff and customers) through the CRUD paginator [I: the
    namespace and its columns are not in the reference's observed answers]."""
    with sb.lock:
        rows = sorted(sb.users.values(), key=lambda u: u["id"])
        page = paginate([_user_row(u) for u in rows], request)
    return json_response(page)


def _user_row(user: dict[str, Any]) -> dict[str, Any]:
    keys = ("id", "username", "email", "first_name", "last_name", "group_id")
    return {k: user.get(k) for k in keys} | {"active": True, "$id": user["id"], "$actions": []}


def customer_routes() -> list[tuple[str, Any, str, str | None]]:
    return [
        ("/crud/ns.users", crud_users, "GET", "nexopos.read.users"),
        ("/customers", list_customers, "GET", "nexopos.read.customers"),
        ("/customers", create, "POST", "nexopos.create.customers"),
        ("/customers/search", search, "POST", "nexopos.read.customers"),
        ("/customers/{customer}", update, "PUT", "nexopos.update.customers"),
    ]
