"""KORONA list paging: the envelope, not the page length, says when a list ends.

A server may answer fewer rows than ``size`` asked for (a cap below ours);
the sandbox can't be made to do that on demand, so httpx.MockTransport plays
KORONA here.
"""

from __future__ import annotations

import httpx
import pytest

from engine.backends.korona.api import KoronaApi
from engine.transport import RetryPolicy
from tests.unit.test_backend_korona_receipts import SETTINGS

FAST = RetryPolicy(max_attempts=2, base_delay=0.001, max_delay=0.002, jitter=False)


def _row(revision: int) -> dict:
    return {"id": f"00000000-0000-4000-8000-{revision:012d}", "revision": revision}


def _envelope(rows: list[dict], pages_total: int, links: dict[str, str]) -> dict:
    return {
        "currentPage": 1, "pagesTotal": pages_total, "resultsOfPage": len(rows),
        "resultsTotal": len(rows), "links": links, "maxRevision": 9, "results": rows,
    }  # fmt: skip


def _capped_server(signal: str) -> tuple[httpx.MockTransport, list[httpx.Request]]:
    """Nine rows, at most three per answer whatever ``size`` says; more told by ``signal``."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        after = int(request.url.params.get("revision", 0))
        rest = [_row(rev) for rev in range(after + 1, 10)]
        chunk, more = rest[:3], len(rest) > 3
        pages = -(-len(rest) // 3)
        links = {"next": str(request.url.copy_merge_params({"page": 2}))} if more else {}
        if signal == "pagesTotal":
            links = {}
        elif signal == "links":
            pages = 1
        return httpx.Response(200, json=_envelope(chunk, pages, links))

    return httpx.MockTransport(handler), seen


@pytest.mark.parametrize("signal", ["pagesTotal", "links"])
async def test_a_short_page_does_not_end_the_list_when_more_follow(signal: str) -> None:
    transport, seen = _capped_server(signal)
    api = KoronaApi(SETTINGS, transport=transport, retry=FAST)
    try:
        pages = [page async for page in api.pages(api.path("products"))]
    finally:
        await api.aclose()
    revisions = [row["revision"] for page in pages for row in page.rows.results]
    assert revisions == list(range(1, 10))
    assert [page.last_revision for page in pages] == [3, 6, 9]
    assert len(seen) == 3 and all(r.url.params["size"] == "100" for r in seen)


async def test_a_list_ends_when_the_envelope_says_so() -> None:
    answers = [_envelope([_row(1), _row(2)], 1, {})]

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=answers.pop(0))

    api = KoronaApi(SETTINGS, transport=httpx.MockTransport(handler), retry=FAST)
    try:
        rows = await api.all_rows(api.path("salesTaxes"))
    finally:
        await api.aclose()
    assert [row["revision"] for row in rows] == [1, 2] and answers == []
