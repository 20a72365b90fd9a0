"""What every REST resource of the sandbox has in common.

A resource (products, orders, webhooks…) is a :class:`Collection`: records
in a dict keyed by id, a render function producing the REST shape, a schema
for writes and its filters.  The generic handlers in ``handlers.py`` do the
HTTP side (pagination, batch, trash, webhooks events) once for all of them.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from sandbox.woocommerce.errors import WooError, invalid_id
from sandbox.woocommerce.query import PageRequest, QueryArgs
from sandbox.woocommerce.schema import Schema

if TYPE_CHECKING:
    from sandbox.woocommerce.state import WooSandbox

__all__ = ["Collection", "IdView", "Record"]

Record = dict[str, Any]


class IdView(Sequence[Record]):
    """Sorted ids that turn into records only when a page is sliced out."""

    def __init__(self, records: dict[int, Record], ids: list[int]) -> None:
        self._records = records
        self._ids = ids

    def __len__(self) -> int:
        return len(self._ids)

    def __getitem__(self, index):  # type: ignore[override]
        if isinstance(index, slice):
            return [self._records[i] for i in self._ids[index] if i in self._records]
        return self._records[self._ids[index]]


class Collection(ABC):
    """One REST resource type bound to a sandbox, a site URL and path params."""

    kind: ClassVar[str]
    resource: ClassVar[str | None] = None
    schema: ClassVar[Schema]
    required: ClassVar[tuple[str, ...]] = ()
    orderby: ClassVar[tuple[str, ...]] = ("date", "id", "include", "title", "slug")
    default_orderby: ClassVar[str] = "date"
    default_order: ClassVar[str] = "desc"
    trash_message: ClassVar[str | None] = None
    title_field: ClassVar[str] = "name"
    searchable: ClassVar[tuple[str, ...]] = ("name",)
    paginated: ClassVar[bool] = True

    def __init__(self, sb: WooSandbox, site: str, path: dict[str, str] | None = None) -> None:
        self.sb = sb
        self.site = site
        self.path = path or {}

    @property
    @abstractmethod
    def records(self) -> dict[int, Record]: ...

    @property
    @abstractmethod
    def route(self) -> str:
        """The collection route under wc/v3, e.g. ``products/12/variations``."""

    @abstractmethod
    def render(self, rec: Record) -> dict[str, Any]: ...

    @abstractmethod
    def create(self, body: dict[str, Any]) -> Record: ...

    @abstractmethod
    def update(self, rec: Record, body: dict[str, Any]) -> Record: ...

    def find(self, rid: Any, status: int = 404) -> Record:
        """The record with id ``rid`` or the resource's ``invalid_id`` error."""
        try:
            rec = self.records.get(int(rid))
        except (TypeError, ValueError):
            rec = None
        if rec is None:
            raise self.not_found(status)
        return rec

    def not_found(self, status: int) -> WooError:
        """The error for an unknown id: 404 on read/delete, 400 on update."""
        return invalid_id(self.kind, status)

    def filter(self, args: QueryArgs, recs: Iterable[Record]) -> Iterable[Record]:
        """Resource-specific filters; the base handles include/exclude/search."""
        include, exclude = args.ids("include"), args.ids("exclude")
        if include is not None:
            wanted = set(include)
            recs = (r for r in recs if r["id"] in wanted)
        if exclude:
            unwanted = set(exclude)
            recs = (r for r in recs if r["id"] not in unwanted)
        search = args.text("search")
        if search and self.searchable:
            needle = search.lower()
            fields = self.searchable
            recs = (r for r in recs if any(needle in str(r.get(f, "")).lower() for f in fields))
        return recs

    def sort_key(self, orderby: str, args: QueryArgs) -> Callable[[Record], Any]:
        if orderby == "include":
            positions = {rid: i for i, rid in enumerate(args.ids("include") or [])}
            return lambda r: positions.get(r["id"], len(positions))
        if orderby in ("title", "name"):
            return lambda r: (str(r.get(self.title_field, "")).lower(), r["id"])
        if orderby == "slug":
            return lambda r: (r.get("slug", ""), r["id"])
        if orderby == "modified":
            return lambda r: (r.get("modified", 0), r["id"])
        if orderby == "date":
            return lambda r: (r.get("created", 0), r["id"])
        return lambda r: r["id"]

    def select(self, args: QueryArgs, pr: PageRequest) -> Sequence[Record]:
        """Filtered and sorted records of a list request (before paging)."""
        matched = self.filter(args, self.records.values())
        return sorted(matched, key=self.sort_key(pr.orderby, args), reverse=pr.order == "desc")

    def delete(self, rec: Record, force: bool) -> dict[str, Any]:
        """DELETE: the response is the record as it was before deletion."""
        rendered = self.render(rec)
        if force:
            self.remove(rec)
            return rendered
        if self.trash_message is not None:
            raise WooError("woocommerce_rest_trash_not_supported", self.trash_message, 501)
        if rec.get("status") == "trash":
            raise WooError(
                "woocommerce_rest_already_trashed",
                f"The {self.kind} has already been deleted.",
                410,
            )
        self.trash(rec)
        return rendered

    def remove(self, rec: Record) -> None:
        """Permanent deletion."""
        del self.records[rec["id"]]

    def trash(self, rec: Record) -> None:
        rec["trashed_from"] = rec.get("status", "publish")
        rec["status"] = "trash"
        rec["modified"] = self.sb.clock.now()
