"""Sell and contact routes of the Connector.

``GET sell`` filters [V]: ``location_id``, ``contact_id``, ``status``,
``start_date``/``end_date`` (dates of ``transaction_date``), ``source`` —
where ``source=woocommerce`` means ``woocommerce_order_id IS NOT NULL`` (the
POS's own WooCommerce module), so it never finds sells posted through the
API — and ``per_page``.  There is no filter by ``invoice_no`` [V].
Permissions [V]: ``sell.view`` or ``direct_sell.access`` to list,
``customer.view`` for contacts; a refusal is 403.

``GET contactapi`` filters ``name``, ``mobile_num``, ``contact_id`` as
OR-combined LIKE searches [V], so ``contact_id=WC-1`` also finds ``WC-12``.
``POST contactapi`` needs ``type``, ``first_name`` and ``mobile`` (422
otherwise [I: Laravel validation]); a ``contact_id`` already used is refused
[I]; the new contact answers 201 ``{data}`` (a freshly created resource).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from sandbox.aurpos.routes_catalog import Reader
from sandbox.aurpos.state import AurposSandbox, Row, User
from sandbox.aurpos.wire import ApiError, page_of

__all__ = ["SELL_LIST_ROUTES", "create_contact", "need"]


def need(user: User, *permissions: str) -> None:
    if not user.permissions & set(permissions):
        raise ApiError(403, "Unauthorized action.")


def _sell_matches(sell: Row, query: Any) -> bool:
    for name in ("location_id", "contact_id"):
        if query.get(name) and str(sell[name]) != query[name]:
            return False
    if query.get("status") and sell["status"] != query["status"]:
        return False
    day = sell["transaction_date"][:10]
    if query.get("start_date") and day < query["start_date"]:
        return False
    if query.get("end_date") and day > query["end_date"]:
        return False
    source = query.get("source")
    if source == "woocommerce":
        return sell["woocommerce_order_id"] is not None
    return not source or sell["source"] == source


async def list_sells(sb: AurposSandbox, user: User, request: Request) -> Any:
    need(user, "sell.view", "direct_sell.access")
    rows = [s for s in sb.sell_list() if _sell_matches(s, request.query_params)]
    rows.sort(key=lambda s: (s["transaction_date"], s["id"]), reverse=True)
    return page_of(request, rows)


async def show_sell(sb: AurposSandbox, user: User, request: Request) -> Any:
    need(user, "sell.view", "direct_sell.access")
    ids = {int(x) for x in request.path_params["ids"].split(",") if x.isdigit()}
    rows = [s for s in sb.sell_list() if s["id"] in ids]
    if not rows:
        raise ApiError(404, "No query results for model [App\\Transaction].")
    return {"data": rows}


def _contact_matches(contact: Row, query: Any) -> bool:
    if query.get("type") and contact["type"] != query["type"]:
        return False
    needles = [
        (query.get("name"), contact["name"]),
        (query.get("mobile_num"), contact["mobile"]),
        (query.get("contact_id"), contact["contact_id"]),
    ]
    asked = [(n.lower(), (v or "").lower()) for n, v in needles if n]
    return not asked or any(n in v for n, v in asked)


async def list_contacts(sb: AurposSandbox, user: User, request: Request) -> Any:
    need(user, "customer.view", "supplier.view")
    with sb.lock:
        rows = [dict(c) for c in sb.contacts.values() if _contact_matches(c, request.query_params)]
    return page_of(request, rows)


def create_contact(sb: AurposSandbox, user: User, data: Any) -> Row:
    need(user, "customer.create")
    data = data if isinstance(data, dict) else {}
    errors = {
        name: [f"The {name.replace('_', ' ')} field is required."]
        for name in ("type", "first_name", "mobile")
        if not str(data.get(name) or "").strip()
    }
    with sb.lock:
        code = str(data.get("contact_id") or "")
        if code and any(c["contact_id"] == code for c in sb.contacts.values()):
            errors["contact_id"] = ["The contact id has already been taken."]
        if errors:
            raise ApiError(422, "The given data was invalid.", errors)
        contact_id = sb.next_id("contact")
        names = (data.get("prefix"), data.get("first_name"), data.get("last_name"))
        contact = {
            "id": contact_id, "business_id": sb.business_id, "type": data["type"],
            "contact_id": code or f"CO{contact_id:04d}",
            "name": " ".join(str(n) for n in names if n),
            "first_name": data["first_name"], "last_name": data.get("last_name") or "",
            "email": data.get("email") or "", "mobile": data["mobile"],
            "city": data.get("city") or "", "country": data.get("country") or "",
            "zip_code": data.get("zip_code") or "", "is_default": 0,
        }  # fmt: skip
        sb.contacts[contact_id] = contact
        return dict(contact)


SELL_LIST_ROUTES: tuple[tuple[str, str, Reader], ...] = (
    ("GET", "/sell", list_sells),
    ("GET", "/sell/{ids}", show_sell),
    ("GET", "/contactapi", list_contacts),
)
