"""The shop's categories written to Sitoo (``categories.write``).

``POST categories.json`` takes one category and answers its id; ``PUT
categories/{id}.json`` updates one [V: paths, ``category-write`` with
``title`` required].  An unlinked category is matched by title under the same
parent (case-insensitive) before one is created, so the POS's tree is never
duplicated.  Moving a category to the top level is not sent: whether a null
``categoryparentid`` clears the parent is not documented [I].
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from engine.backends.records import ItemResult
from engine.backends.sitoo.api import SitooApi
from engine.errors import RemoteError
from engine.model import Category

__all__ = ["write_categories"]


def _key(title: str, parent: Any) -> tuple[str, str]:
    return title.strip().casefold(), str(parent or "")


def _body(category: Category) -> dict[str, Any]:
    body: dict[str, Any] = {"title": category.name}
    if category.parent_id:
        body["categoryparentid"] = int(category.parent_id)
    return body


async def write_categories(api: SitooApi, categories: Sequence[Category]) -> list[ItemResult]:
    rows = await api.all_items(api.site("categories"))
    known = {_key(str(r.get("title", "")), r.get("categoryparentid")): r for r in rows}
    return [await _one(api, category, known) for category in categories]


async def _one(api: SitooApi, category: Category, known: dict) -> ItemResult:
    found = known.get(_key(category.name, category.parent_id))
    try:
        if category.id:
            await api.write("PUT", api.site("categories", category.id), _body(category))
            cid = category.id
        elif found is not None:
            cid = str(found["categoryid"])  # the POS has it: linked, not created again
        else:
            cid = str(await api.write("POST", api.site("categories"), _body(category)))
    except RemoteError as error:
        return ItemResult(category.name, False, message=error.message)
    return ItemResult(category.name, True, cid)
