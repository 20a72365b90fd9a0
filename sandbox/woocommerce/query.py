"""Collection parameters and pagination headers of the WP REST API.

``per_page`` is bounded 1..100 (``rest_out_of_bounds``), a page past the end
is an empty 200, and the ``Link`` header carries ``prev``/``next`` built from
*all* the request's query parameters (OAuth ones included) like WooCommerce's
``add_query_arg`` does; ``first``/``last`` are not sent.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from sandbox.woocommerce.errors import invalid_params
from sandbox.woocommerce.phpquery import PhpParams, flatten
from sandbox.woocommerce.schema import Field, validate_value

__all__ = [
    "PageRequest",
    "QueryArgs",
    "page_headers",
    "page_request",
    "paginate",
]


class QueryArgs:
    """Typed access to PHP-parsed query parameters; every getter validates like WP."""

    def __init__(self, params: PhpParams) -> None:
        self.params = params

    def has(self, name: str) -> bool:
        return name in self.params and self.params[name] not in ("", [], {})

    def get(self, name: str, spec: Field, default: Any = None) -> Any:
        if not self.has(name):
            return default
        value, problem = validate_value(name, spec, self.params[name])
        if problem:
            raise invalid_params({name: problem})
        return value

    def integer(self, name: str, default: int | None = None) -> int | None:
        return self.get(name, Field("integer"), default)

    def boolean(self, name: str, default: bool = False) -> bool:
        return bool(self.get(name, Field("boolean"), default))

    def text(self, name: str, default: str | None = None) -> str | None:
        value = self.params.get(name)
        return value if isinstance(value, str) and value != "" else default

    def ids(self, name: str) -> list[int] | None:
        """An array-of-integers filter (``include=1,2`` or ``include[]=1``)."""
        values = self.get(name, Field("array"))
        if values is None:
            return None
        out = []
        for index, item in enumerate(values):
            clean, problem = validate_value(f"{name}[{index}]", Field("integer"), item)
            if problem:
                raise invalid_params({name: problem})
            out.append(clean)
        return out

    def choices(self, name: str, allowed: tuple[str, ...]) -> list[str] | None:
        """An array-of-enum filter such as orders' ``status``."""
        values = self.get(name, Field("array"))
        if values is None:
            return None
        for index, item in enumerate(values):
            _, problem = validate_value(f"{name}[{index}]", Field("string", allowed), item)
            if problem:
                raise invalid_params({name: problem})
        return list(values)


@dataclass(frozen=True)
class PageRequest:
    page: int
    per_page: int
    offset: int | None
    order: str
    orderby: str


def _bounded(args: QueryArgs, name: str, default: int, low: int, high: int | None) -> int:
    value = args.integer(name, default)
    assert value is not None
    if value < low or (high is not None and value > high):
        message = (
            f"{name} must be between {low} (inclusive) and {high} (inclusive)"
            if high is not None
            else f"{name} must be greater than or equal to {low}"
        )
        raise invalid_params({name: ("rest_out_of_bounds", message)})
    return value


def page_request(args: QueryArgs, orderby: tuple[str, ...], default_orderby: str) -> PageRequest:
    """Validate page, per_page, offset, order and orderby."""
    order = args.get("order", Field("string", ("asc", "desc")), "desc")
    sort = args.get("orderby", Field("string", orderby), default_orderby)
    return PageRequest(
        page=_bounded(args, "page", 1, 1, None),
        per_page=_bounded(args, "per_page", 10, 1, 100),
        offset=args.integer("offset"),
        order=order,
        orderby=sort,
    )


def paginate(items: Sequence[Any], pr: PageRequest) -> tuple[Sequence[Any], int, int]:
    """(page slice, total, total pages) exactly as WP_Query computes them."""
    total = len(items)
    start = pr.offset if pr.offset is not None else (pr.page - 1) * pr.per_page
    pages = math.ceil(total / pr.per_page) if total else 0
    return items[max(start, 0) : max(start, 0) + pr.per_page], total, pages


def page_headers(
    collection_url: str, params: PhpParams, pr: PageRequest, total: int, pages: int
) -> list[tuple[str, str]]:
    """X-WP-Total, X-WP-TotalPages and the prev/next Link headers."""
    headers = [("X-WP-Total", str(total)), ("X-WP-TotalPages", str(pages))]
    pairs = [(k, v) for k, v in flatten(params) if k != "page"]
    if pr.page > 1:
        prev = min(pr.page - 1, pages) if pages else pr.page - 1
        query = urlencode([*pairs, ("page", str(prev))])
        headers.append(("Link", f'<{collection_url}?{query}>; rel="prev"'))
    if pages > pr.page:
        query = urlencode([*pairs, ("page", str(pr.page + 1))])
        headers.append(("Link", f'<{collection_url}?{query}>; rel="next"'))
    return headers
