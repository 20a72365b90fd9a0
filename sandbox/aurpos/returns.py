"""Sell returns as the Connector books them: ``POST sell-return``, ``GET list-sell-return``.

``POST sell-return`` ``{transaction_id*, transaction_date, invoice_no,
discount_amount, discount_type, products: [{sell_line_id*, quantity*,
unit_price_inc_tax*}]}`` [Vd] stores a ``sell_return`` transaction whose
``return_parent_id`` is the sale, and puts the returned quantities back in
stock at the sale's location [I].  Refused here: a sale that does not exist
(404), a line that is not one of the sale's, a quantity of 0 or more than
what is left to return of the line (422 [I: the POS's validation]).  Once a
sale has a return it can no longer be deleted [V] (``AurposSandbox.returns``).
The answer is the stored return [I: its exact shape].  ``GET
list-sell-return`` lists the returns, paged [V: route; I: fields].
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from starlette.requests import Request

from sandbox.aurpos.routes_sells import need
from sandbox.aurpos.state import AurposSandbox, Row, User
from sandbox.aurpos.wire import ApiError, page_of

__all__ = ["RETURN_ROUTES", "SellReturns"]


def _invalid(field: str, message: str) -> ApiError:
    return ApiError(422, "The given data was invalid.", {field: [message]})


def _dec(value: Any, field: str) -> Decimal:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise _invalid(field, f"The {field} must be a number.") from None


def _id(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


class SellReturns:
    """The returns of one sandbox: booked against a final sale, listed."""

    def __init__(self, sb: AurposSandbox) -> None:
        self.sb = sb

    def returned(self, sell_id: int) -> dict[int, Decimal]:
        """Sell line id -> quantity its returns took back so far."""
        done: dict[int, Decimal] = {}
        for row in self.sb.sell_returns.values():
            if row["return_parent_id"] == sell_id:
                for line in row["return_lines"]:
                    key = line["sell_line_id"]
                    done[key] = done.get(key, Decimal(0)) + Decimal(line["quantity"])
        return done

    def create(self, data: Any) -> Row:
        data = data if isinstance(data, dict) else {}
        with self.sb.lock:
            sell = self.sb.sells.get(_id(data.get("transaction_id")))
            if sell is None:
                raise ApiError(404, "No query results for model [App\\Transaction].")
            lines = self._lines(sell, data.get("products"))
            return_id = self.sb.next_id("sell")
            total = sum((line["quantity_d"] * line["price_d"] for line in lines), Decimal(0))
            row = {
                "id": return_id, "type": "sell_return", "return_parent_id": sell["id"],
                "location_id": sell["location_id"], "contact_id": sell["contact_id"],
                "invoice_no": data.get("invoice_no") or f"CN{return_id:04d}",
                "transaction_date": data.get("transaction_date")
                or datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S"),
                "final_total": f"{total:.4f}",
                "return_lines": [
                    {k: v for k, v in line.items() if not k.endswith("_d")} for line in lines
                ],
            }  # fmt: skip
            self._put_back(sell, lines)
            self.sb.sell_returns[return_id] = row
            self.sb.returns.add(sell["id"])
            return dict(row)

    def _lines(self, sell: Row, products: Any) -> list[Row]:
        if not isinstance(products, list) or not products:
            raise _invalid("products", "The products field is required.")
        sold = {line["id"]: line for line in sell["sell_lines"]}
        done = self.returned(sell["id"])
        lines = []
        for item in products:
            item = item if isinstance(item, dict) else {}
            line = sold.get(_id(item.get("sell_line_id")))
            if line is None:
                raise _invalid("sell_line_id", "The selected sell line id is invalid.")
            quantity = _dec(item.get("quantity"), "quantity")
            left = Decimal(line["quantity"]) - done.get(line["id"], Decimal(0))
            if quantity <= 0 or quantity > left:
                raise _invalid("quantity", f"The quantity must be between 0 and {left}.")
            price = _dec(item.get("unit_price_inc_tax"), "unit_price_inc_tax")
            lines.append({
                "sell_line_id": line["id"], "variation_id": line["variation_id"],
                "quantity": f"{quantity:.4f}", "unit_price_inc_tax": f"{price:.4f}",
                "quantity_d": quantity, "price_d": price,
            })  # fmt: skip
        return lines

    def _put_back(self, sell: Row, lines: list[Row]) -> None:
        variations = self.sb.variations()
        for line in lines:
            product, _ = variations[line["variation_id"]]
            if product["enable_stock"] and sell["status"] == "final":
                self.sb.add_stock(line["variation_id"], sell["location_id"], line["quantity_d"])


async def list_returns(sb: AurposSandbox, user: User, request: Request) -> Any:
    need(user, "sell.view", "direct_sell.access")
    with sb.lock:
        rows = [dict(r) for r in sb.sell_returns.values()]
    rows.sort(key=lambda r: r["id"], reverse=True)
    return page_of(request, rows)


RETURN_ROUTES = (("GET", "/list-sell-return", list_returns),)
