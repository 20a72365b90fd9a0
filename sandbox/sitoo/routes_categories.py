"""Category writes: ``POST categories.json`` (one object, answers the new id) and
``PUT categories/{categoryid}.json`` (answers ``true``) [V: paths and the
``category-write`` schema].  ``title`` is required [V]; a write naming a parent
that does not exist, or a field outside ``category-write``, is refused with a
400 [I: the behaviour is not documented, the schema is].  A category cannot be
its own parent.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from sandbox.sitoo.account import SitooSandbox
from sandbox.sitoo.gate import empty_ok, not_found, site_of
from sandbox.sitoo.wire import SitooError, json_body

__all__ = ["category_routes"]

S = "/sites/{siteid}"
_WRITABLE = frozenset(
    {"categoryparentid", "visible", "sortorder", "custom1", "custom2", "friendly",
     "seo_title", "seo_keywords", "seo_description", "title"}
)  # fmt: skip


def _checked(sb: SitooSandbox, body: Any, current: dict[str, Any] | None) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise SitooError(400, "category must be an object")
    unknown = sorted(set(body) - _WRITABLE)
    if unknown:
        raise SitooError(400, f"read-only or unknown fields: {', '.join(unknown)}")
    title = body.get("title", current["title"] if current else None)
    if not isinstance(title, str) or not title.strip():
        raise SitooError(400, "title: required")
    parent = body.get("categoryparentid")
    if parent is not None and (parent not in sb.categories or (
        current is not None and parent == current["categoryid"]
    )):  # fmt: skip
        raise SitooError(400, f"categoryparentid: no category {parent}")
    return body


async def post_category(sb: SitooSandbox, request: Request) -> Response:
    site_of(sb, request)
    body = await json_body(request)
    with sb.lock:
        fields = _checked(sb, body, None)
        cid = sb.next_id("category")
        sb.categories[cid] = {"categoryid": cid, "visible": True, "sortorder": cid, **fields,
                              "datecreated": sb.now(), "datemodified": sb.now()}  # fmt: skip
    return JSONResponse(cid)


async def put_category(sb: SitooSandbox, request: Request) -> Response:
    site_of(sb, request)
    body = await json_body(request)
    raw = request.path_params["categoryid"]
    with sb.lock:
        current = sb.categories.get(int(raw)) if raw.isdigit() else None
        if current is None:
            raise not_found(f"category {raw}")
        current.update(_checked(sb, body, current), datemodified=sb.now())
    return empty_ok()


def category_routes() -> list[tuple[str, Any, str]]:
    return [
        (f"{S}/categories.json", post_category, "POST"),
        (f"{S}/categories/{{categoryid}}.json", put_category, "PUT"),
    ]
