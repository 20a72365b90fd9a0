"""The ``GET /products`` filters (``WC_REST_Products_Controller::prepare_objects_query``).

``status`` defaults to ``any`` (everything but trash); ``sku`` takes a
comma-separated list and matches products only, never variations; dates
compare against the local or GMT column per ``dates_are_gmt`` and are
exclusive, with one-second resolution, like ``WP_Date_Query``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from sandbox.woocommerce.collection import Record
from sandbox.woocommerce.phpquery import flatten
from sandbox.woocommerce.prices import to_decimal
from sandbox.woocommerce.product_view import is_on_sale, price_of, stock_status_of
from sandbox.woocommerce.query import PageRequest, QueryArgs
from sandbox.woocommerce.schema import Field

if TYPE_CHECKING:
    from sandbox.woocommerce.state import WooSandbox

__all__ = ["DateWindow", "ProductFilters"]

PRODUCT_STATUSES = ("any", "future", "trash", "draft", "pending", "private", "publish")
_NOT_CACHE_KEYS = ("page", "per_page", "offset", "_fields", "_jsonp", "consumer_key")


class DateWindow:
    """after/before and modified_after/modified_before of one list request."""

    def __init__(self, sb: WooSandbox, args: QueryArgs) -> None:
        self.clock = sb.clock
        self.gmt = args.boolean("dates_are_gmt")
        self.bounds: list[tuple[str, str, int]] = []
        for param, column, side in (
            ("after", "created", ">"),
            ("before", "created", "<"),
            ("modified_after", "modified", ">"),
            ("modified_before", "modified", "<"),
        ):
            value = args.text(param)
            if value is not None:
                self.bounds.append((column, side, self.clock.query_wall_clock(param, value)))

    def apply(self, recs: Iterable[Record]) -> Iterable[Record]:
        for column, side, limit in self.bounds:
            recs = self._bound(recs, column, side, limit)
        return recs

    def _bound(self, recs: Iterable[Record], column: str, side: str, limit: int):
        wall = self.clock.column_wall_clock
        if side == ">":
            return (r for r in recs if wall(r.get(column, 0), self.gmt) > limit)
        return (r for r in recs if wall(r.get(column, 0), self.gmt) < limit)


class ProductFilters:
    """Applies every supported product filter of one request, lazily."""

    def __init__(self, sb: WooSandbox, args: QueryArgs) -> None:
        self.sb = sb
        self.args = args

    @staticmethod
    def cache_key(args: QueryArgs, pr: PageRequest) -> tuple:
        pairs = sorted(
            (k, v)
            for k, v in flatten(args.params)
            if k not in _NOT_CACHE_KEYS and not k.startswith(("oauth_", "consumer_"))
        )
        return ("products", tuple(pairs), pr.orderby, pr.order)

    @staticmethod
    def skus(args: QueryArgs) -> list[str] | None:
        raw = args.text("sku")
        if raw is None:
            return None
        parts = [s.strip() for s in raw.split(",") if s.strip()]
        return [*parts, raw] if len(parts) > 1 else parts

    def apply(self, recs: Iterable[Record]) -> Iterable[Record]:
        for predicate in self._predicates():
            recs = filter(predicate, recs)
        return DateWindow(self.sb, self.args).apply(recs)

    def _predicates(self) -> list[Callable[[Record], bool]]:
        args = self.args
        status = args.get("status", Field("string", PRODUCT_STATUSES), "any")
        preds: list[Callable[[Record], bool]] = [_status_predicate(status)]
        exact = {
            "type": Field("string", ("simple", "grouped", "external", "variable")),
            "slug": Field("string"),
            "stock_status": Field("string", ("instock", "outofstock", "onbackorder")),
        }
        for name, spec in exact.items():
            wanted = args.get(name, spec)
            if wanted is not None:
                preds.append(self._equals(name, wanted))
        skus = self.skus(args)
        if skus is not None:
            wanted_skus = set(skus)
            preds.append(lambda r: r.get("sku", "") in wanted_skus)
        preds.extend(self._relations())
        preds.extend(self._flags())
        return preds

    def _equals(self, name: str, wanted: str) -> Callable[[Record], bool]:
        if name == "stock_status":
            return lambda r: stock_status_of(self.sb, r) == wanted
        default = {"type": "simple", "slug": ""}[name]
        return lambda r: r.get(name, default) == wanted

    def _relations(self) -> list[Callable[[Record], bool]]:
        preds: list[Callable[[Record], bool]] = []
        category = self.args.text("category")
        if category:
            cats = {int(c) for c in category.split(",") if c.strip().isdigit()}
            preds.append(lambda r: bool(cats.intersection(r.get("categories", ()))))
        parents = self.args.ids("parent")
        if parents is not None:
            wanted = set(parents)
            preds.append(lambda r: r.get("parent_id", 0) in wanted)
        tax_class = self.args.text("tax_class")
        if tax_class is not None:
            slug = "" if tax_class == "standard" else tax_class
            preds.append(lambda r: r.get("tax_class", "") == slug)
        return preds

    def _flags(self) -> list[Callable[[Record], bool]]:
        preds: list[Callable[[Record], bool]] = []
        now = self.sb.clock.now()
        featured = self.args.get("featured", Field("boolean"))
        if featured is not None:
            preds.append(lambda r: r.get("featured", False) == featured)
        on_sale = self.args.get("on_sale", Field("boolean"))
        if on_sale is not None:
            preds.append(lambda r: is_on_sale(r, now) == on_sale)
        low, high = self.args.text("min_price"), self.args.text("max_price")
        if low is not None:
            floor = to_decimal(low)
            preds.append(lambda r: to_decimal(price_of(self.sb, r, now)) >= floor)
        if high is not None:
            ceiling = to_decimal(high)
            preds.append(lambda r: to_decimal(price_of(self.sb, r, now)) <= ceiling)
        return preds


def _status_predicate(status: str) -> Callable[[Record], bool]:
    if status == "any":
        return lambda r: r.get("status", "publish") != "trash"
    return lambda r: r.get("status", "publish") == status
