"""Stream a WooCommerce collection page by page.

A catalog of 100,000 products must never sit in one list: callers get one
page at a time (``per_page`` 100, WordPress's maximum) and decide what to
keep.  Iteration stops on ``X-WP-TotalPages``, on an empty page (WooCommerce
answers 200 ``[]`` past the end) or, without headers, on a short page.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from engine.errors import TransientError

__all__ = ["MAX_PER_PAGE", "Page", "PageFetcher", "iter_pages"]

MAX_PER_PAGE = 100


@dataclass(frozen=True)
class Page:
    """One page of a collection, with the totals the server reported."""

    items: list[dict[str, Any]]
    number: int
    total: int | None
    total_pages: int | None

    @property
    def is_last(self) -> bool:
        if not self.items:
            return True
        if self.total_pages is not None:
            return self.number >= self.total_pages
        return False

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


class PageFetcher(Protocol):
    async def __call__(
        self, path: str, params: Mapping[str, Any]
    ) -> tuple[Any, Mapping[str, str]]: ...


def _int_header(headers: Mapping[str, str], name: str) -> int | None:
    try:
        return int(headers[name])
    except (KeyError, ValueError):
        return None


async def iter_pages(
    fetch: PageFetcher,
    path: str,
    params: Mapping[str, Any] | None = None,
    *,
    per_page: int = MAX_PER_PAGE,
    start_page: int = 1,
) -> AsyncIterator[Page]:
    """Yield pages of ``path`` until the collection is exhausted."""
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise ValueError(f"per_page must be between 1 and {MAX_PER_PAGE}")
    query = {**(params or {}), "per_page": per_page}
    number = start_page
    while True:
        body, headers = await fetch(path, {**query, "page": number})
        if not isinstance(body, list):
            raise TransientError(
                f"woocommerce: expected a JSON list from {path}, got {type(body).__name__}"
            )
        items = body
        page = Page(
            items=items,
            number=number,
            total=_int_header(headers, "X-WP-Total"),
            total_pages=_int_header(headers, "X-WP-TotalPages"),
        )
        if items:
            yield page
        if page.is_last or (page.total_pages is None and len(items) < per_page):
            return
        number += 1
