"""Generic REST handlers shared by every collection: list, read, write, batch.

They follow ``WC_REST_CRUD_Controller``: single writes are schema-validated
first, batches are not (items go straight to the handlers and fail one by
one inside a 200), a batch above 100 items is a 413, DELETE answers with the
object as it was and trashes unless ``force=true``.  Each write fires the
resource's webhook event.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sandbox.woocommerce.call import ApiCall, Reply
from sandbox.woocommerce.collection import Collection, Record
from sandbox.woocommerce.errors import WooError, missing_params
from sandbox.woocommerce.hostmodel import Operation
from sandbox.woocommerce.links import api_url
from sandbox.woocommerce.query import page_headers, page_request, paginate
from sandbox.woocommerce.schema import coerce_body, validate_body

__all__ = [
    "BATCH_LIMIT",
    "batch_items",
    "create_item",
    "delete_item",
    "get_item",
    "list_items",
    "update_item",
]

BATCH_LIMIT = 100
CollectionFactory = Callable[[ApiCall], Collection]


def list_items(call: ApiCall, col: Collection) -> Reply:
    pr = page_request(call.args, col.orderby, col.default_orderby)
    if call.args.text("order") is None and col.default_order != "desc":
        pr = type(pr)(pr.page, pr.per_page, pr.offset, col.default_order, pr.orderby)
    selected = col.select(call.args, pr)
    if not col.paginated:
        return Reply(
            [col.render(r) for r in selected], operation=Operation.READ_PAGE, items=len(selected)
        )
    page, total, pages = paginate(selected, pr)
    body = [col.render(r) for r in page]
    headers = page_headers(call.url, call.args.params, pr, total, pages)
    return Reply(body, headers=headers, operation=Operation.READ_PAGE, items=len(body))


def get_item(call: ApiCall, col: Collection) -> Reply:
    return Reply(col.render(col.find(call.path.get("id"))))


def _require(col: Collection, body: dict[str, Any]) -> None:
    missing = [name for name in col.required if body.get(name) in (None, "")]
    if missing:
        raise missing_params(missing)


def _created(call: ApiCall, col: Collection, body: dict[str, Any]) -> Record:
    _require(col, body)
    rec = col.create(body)
    call.sb.stats.add("items_created")
    call.sb.emit(col.resource, "created", rec["id"])
    return rec


def create_item(call: ApiCall, col: Collection) -> Reply:
    body = call.body if isinstance(call.body, dict) else {}
    _require(col, body)
    rec = _created(call, col, validate_body(body, col.schema))
    location = api_url(call.site, f"{col.route}/{rec['id']}")
    reply = Reply(col.render(rec), 201, [("Location", location)], Operation.CREATE)
    _after_create(col, rec, reply)
    return reply


def _after_create(col: Collection, rec: Record, reply: Reply) -> None:
    hook = getattr(col, "after_create", None)
    pending = hook(rec) if hook else None
    if pending is not None:
        reply.after.append(pending)


def _updated(call: ApiCall, col: Collection, rec: Record, body: dict[str, Any]) -> Record:
    was_trashed = rec.get("status") == "trash"
    new = col.update(rec, body)
    call.sb.stats.add("items_updated")
    restored = was_trashed and new.get("status") != "trash"
    call.sb.emit(col.resource, "restored" if restored else "updated", new["id"])
    return new


def update_item(call: ApiCall, col: Collection) -> Reply:
    rec = col.find(call.path.get("id"), 400)
    new = _updated(call, col, rec, validate_body(call.body, col.schema))
    return Reply(col.render(new), operation=Operation.UPDATE)


def _deleted(call: ApiCall, col: Collection, rec: Record, force: bool) -> dict[str, Any]:
    rendered = col.delete(rec, force)
    call.sb.stats.add("items_deleted")
    call.sb.emit(col.resource, "deleted", rec["id"])
    return rendered


def delete_item(call: ApiCall, col: Collection) -> Reply:
    rec = col.find(call.path.get("id"), 404)
    rendered = _deleted(call, col, rec, call.args.boolean("force"))
    return Reply(rendered, operation=Operation.DELETE)


def _item_error(item_id: Any, error: WooError) -> dict[str, Any]:
    return {
        "id": item_id,
        "error": {
            "code": error.code,
            "message": error.message,
            "data": {"status": error.status, **error.extra},
        },
    }


def batch_items(call: ApiCall, col: Collection) -> Reply:
    body = call.body if isinstance(call.body, dict) else {}
    ops = {op: body.get(op) or [] for op in ("create", "update", "delete")}
    if sum(len(items) for items in ops.values() if isinstance(items, list)) > BATCH_LIMIT:
        raise WooError(
            "woocommerce_rest_request_entity_too_large",
            f"Unable to accept more than {BATCH_LIMIT} items for this request.",
            413,
        )
    out: dict[str, list[Any]] = {}
    reply = Reply(out, operation=Operation.BATCH)
    if ops["create"]:
        out["create"] = [_batch_create(call, col, item, reply) for item in ops["create"]]
    if ops["update"]:
        out["update"] = [_batch_update(call, col, item) for item in ops["update"]]
    if ops["delete"]:
        out["delete"] = [_batch_delete(call, col, item) for item in ops["delete"]]
    reply.batch = (len(ops["create"]), len(ops["update"]), len(ops["delete"]))
    return reply


def _batch_create(call: ApiCall, col: Collection, item: Any, reply: Reply) -> dict[str, Any]:
    try:
        rec = _created(call, col, coerce_body(item, col.schema))
    except WooError as error:
        return _item_error(0, error)
    _after_create(col, rec, reply)
    return col.render(rec)


def _batch_update(call: ApiCall, col: Collection, item: Any) -> dict[str, Any]:
    item_id = item.get("id", 0) if isinstance(item, dict) else 0
    try:
        rec = col.find(item_id, 400)
        return col.render(_updated(call, col, rec, coerce_body(item, col.schema)))
    except WooError as error:
        return _item_error(item_id, error)


def _batch_delete(call: ApiCall, col: Collection, item: Any) -> dict[str, Any]:
    item_id = item.get("id", 0) if isinstance(item, dict) else item
    try:
        rec = col.find(item_id, 404)
        return _deleted(call, col, rec, force=True)
    except WooError as error:
        return _item_error(_as_int(item_id), error)


def _as_int(value: Any) -> Any:
    try:
        return int(value)
    except (TypeError, ValueError):
        return value
