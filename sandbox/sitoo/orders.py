"""Order rules: what an order POST must hold, totals, states, deliveries.

[V] ``ordertypeid`` required; items need ``productname`` and an integer
``quantity``; ``externalid`` is unique per system, ``[A-Za-z0-9_-]``, 1-40
chars; a Discount item must follow the Product item it belongs to and uses
``moneyrowdiscount``; an order can't be deleted, its state is set to
cancelled instead; a delivery needs ``warehouseid`` and items
``{orderitemid, quantity}``.
[I] the codes: ``orderstateid`` 0 Open, 10 Closed, 20 Cancelled (v2.8 docs);
``orderitemtype`` 10 Product, 20 Discount, 30 Shipping (undocumented: the
sandbox picks these and the adapter keeps them in one table); a second order
with a used ``externalid`` is refused with 400; a cancelled order can't be
changed; a Closed order on a warehouse takes its stock at once, an Open one
reserves it until delivered or cancelled.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from sandbox.sitoo import stock
from sandbox.sitoo.account import SitooSandbox
from sandbox.sitoo.wire import SitooError, money, require_money

__all__ = ["CANCELLED", "CLOSED", "OPEN", "create_order", "deliver", "update_order"]

OPEN, CLOSED, CANCELLED = 0, 10, 20
ITEM_PRODUCT, ITEM_DISCOUNT, ITEM_SHIPPING = 10, 20, 30
_STATES = {OPEN, CLOSED, CANCELLED, -1}
_EXTERNAL_ID = re.compile(r"[A-Za-z0-9_-]{1,40}")


def _check_item(item: Any, n: int, previous: int | None) -> dict[str, Any]:
    where = f"orderitems[{n}]"
    if not isinstance(item, dict) or not item.get("productname"):
        raise SitooError(400, f"{where}.productname: required")
    if not isinstance(item.get("quantity"), int) or isinstance(item["quantity"], bool):
        raise SitooError(400, f"{where}.quantity: required integer")
    kind = item.get("orderitemtype", ITEM_PRODUCT)
    if kind not in (ITEM_PRODUCT, ITEM_DISCOUNT, ITEM_SHIPPING):
        raise SitooError(400, f"{where}.orderitemtype: unknown type {kind}")
    if kind == ITEM_DISCOUNT and previous != ITEM_PRODUCT:
        raise SitooError(400, f"{where}: a Discount item must follow its Product item")
    for name in ("moneyrowprice", "moneyrowdiscount", "moneypriceorg"):
        if name in item:
            require_money(item[name], f"{where}.{name}")
    return dict(item, orderitemtype=kind)


def _check_order(sb: SitooSandbox, body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise SitooError(400, "order must be an object")
    if not isinstance(body.get("ordertypeid"), int):
        raise SitooError(400, "ordertypeid: required")
    external = body.get("externalid")
    if external is not None:
        if not isinstance(external, str) or not _EXTERNAL_ID.fullmatch(external):
            raise SitooError(400, "externalid: only [A-Za-z0-9_-], 1-40 characters")
        if sb.order_by_externalid(external) is not None:
            raise SitooError(400, f"externalid: {external} already exists")
    if body.get("orderstateid", OPEN) not in _STATES:
        raise SitooError(400, "orderstateid: unknown state")
    if "warehouseid" in body:
        stock.warehouse(sb, str(body["warehouseid"]))
    for n, payment in enumerate(body.get("payments") or []):
        if not isinstance(payment, dict) or not payment.get("name"):
            raise SitooError(400, f"payments[{n}].name: required")
        require_money(payment.get("moneyamount"), f"payments[{n}].moneyamount")
    return body


def _items(body: dict[str, Any], sb: SitooSandbox) -> list[dict[str, Any]]:
    items, previous = [], None
    for n, raw in enumerate(body.get("orderitems") or []):
        item = _check_item(raw, n, previous)
        previous = item["orderitemtype"]
        product = sb.product_by_sku(str(item.get("sku", "")))
        item["orderitemid"] = sb.next_id("orderitem")
        if product is not None:
            item["productid"] = product["productid"]
        items.append(item)
    return items


def _totals(items: list[dict[str, Any]]) -> dict[str, str]:
    gross = vat = Decimal(0)
    for item in items:
        row = Decimal(item.get("moneyrowprice", "0.00")) - Decimal(
            item.get("moneyrowdiscount", "0.00")
        )
        rate = Decimal(str(item.get("vatvalue") or 0))
        gross += row
        vat += row * rate / (100 + rate)
    return {
        "moneytotal_gross_all": money(gross),
        "moneyfinal_vat": money(vat),
        "moneyfinal_net": money(gross - vat),
    }


def _stock_effect(sb: SitooSandbox, order: dict[str, Any], sign: int) -> None:
    """Closed: stock leaves now; Open: it is reserved (``sign`` -1 releases)."""
    wid = order.get("warehouseid")
    if wid is None:
        return
    for item in order["orderitems"]:
        if item["orderitemtype"] != ITEM_PRODUCT or "productid" not in item:
            continue
        qty = Decimal(item["quantity"]) * sign
        if order["orderstateid"] == CLOSED:
            stock.adjust(sb, wid, item["sku"], -qty, kind="sales")
        else:
            stock.adjust(sb, wid, item["sku"], reserve=qty)


def create_order(sb: SitooSandbox, eshopid: int, body: Any) -> int:
    """Store one order (caller holds the lock); returns its ``orderid``."""
    body = _check_order(sb, body)
    items = _items(body, sb)
    oid = sb.next_id("order")
    order = {
        **{k: v for k, v in body.items() if k != "orderitems"},
        "orderid": oid,
        "eshopid": eshopid,
        "orderitems": items,
        "orderstateid": body.get("orderstateid", OPEN),
        "paymentstateid": body.get("paymentstateid", 0),
        "orderdate": body.get("orderdate", sb.now()),
        **_totals(items),
    }
    sb.orders[oid] = order
    _stock_effect(sb, order, 1)
    return oid


def update_order(sb: SitooSandbox, order: dict[str, Any], body: Any) -> None:
    if not isinstance(body, dict) or not isinstance(body.get("ordertypeid"), int):
        raise SitooError(400, "ordertypeid: required")
    if order["orderstateid"] == CANCELLED:
        raise SitooError(400, "a cancelled order cannot be changed")
    if "orderitems" in body or "externalid" in body:
        raise SitooError(400, "orderitems and externalid cannot be changed")
    state = body.get("orderstateid", order["orderstateid"])
    if state not in _STATES:
        raise SitooError(400, "orderstateid: unknown state")
    if state == CANCELLED and order["orderstateid"] == OPEN:
        _stock_effect(sb, order, -1)
    order.update(body)


def _delivery_lines(sb: SitooSandbox, order: dict[str, Any], body: Any) -> tuple[int, list]:
    """The warehouse and the lines of a delivery POST, or a 400."""
    if not isinstance(body, dict) or not isinstance(body.get("orderdeliveryitems"), list):
        raise SitooError(400, "warehouseid and orderdeliveryitems: required")
    wid = stock.warehouse(sb, str(body.get("warehouseid")))["warehouseid"]
    items = {i["orderitemid"]: i for i in order["orderitems"]}
    done = delivered(sb, order["orderid"])
    for line in body["orderdeliveryitems"]:
        item = items.get(line.get("orderitemid")) if isinstance(line, dict) else None
        if item is None or not isinstance(line.get("quantity"), int):
            raise SitooError(400, "orderdeliveryitems: orderitemid and quantity required")
        if done.get(item["orderitemid"], 0) + line["quantity"] > item["quantity"]:
            raise SitooError(400, f"orderitem {item['orderitemid']}: more than ordered")
    return wid, body["orderdeliveryitems"]


def deliver(sb: SitooSandbox, order: dict[str, Any], body: Any) -> int:
    """One order delivery: stock leaves the warehouse for the delivered items."""
    wid, lines = _delivery_lines(sb, order, body)
    items = {i["orderitemid"]: i for i in order["orderitems"]}
    did = sb.next_id("orderdelivery")
    rows = [
        {"orderdeliveryitemid": sb.next_id("orderdeliveryitem"), "orderdeliveryid": did,
         "orderitemid": line["orderitemid"], "quantity": line["quantity"]}
        for line in lines
    ]  # fmt: skip
    for line in rows:
        sku, qty = items[line["orderitemid"]].get("sku", ""), Decimal(line["quantity"])
        if sku and order["orderstateid"] == OPEN:
            stock.adjust(sb, wid, sku, -qty, -qty, kind="delivery")
    sb.deliveries.setdefault(order["orderid"], []).append({
        "orderdeliveryid": did, "orderid": order["orderid"], "warehouseid": wid,
        "orderdeliveryref": str(body.get("orderdeliveryref", "")),
        "datedelivery": sb.now(), "orderdeliveryitems": rows,
    })  # fmt: skip
    return did


def delivered(sb: SitooSandbox, orderid: int) -> dict[int, int]:
    """Quantity delivered so far per order item."""
    done: dict[int, int] = {}
    for delivery in sb.deliveries.get(orderid, []):
        for line in delivery["orderdeliveryitems"]:
            done[line["orderitemid"]] = done.get(line["orderitemid"], 0) + line["quantity"]
    return done
