"""Echo suppression: our own writes must not come back as changes.

When records flow both ways, every write tillsync makes on one side shows
up again as a change on that side (a WooCommerce ``product.updated`` poll
or webhook, a back office's bumped revision).  Written back, it would bounce
between the two systems forever.  So tillsync remembers, per record and per
side, the per-field digests (:mod:`engine.sync.fieldhash`) of what it wrote
there, and a change whose fields all match that memory is dropped: it is
our own write coming back.

- WooCommerce side: the product link's hash (``links`` kind ``product``)
  already holds the digests of the fields last written to, or agreed with,
  the shop; the push compares the shop's product with it.
- Back-office side: links of kind ``wrote.<entity>.backoffice`` hold the
  digests (in the shop's form) of what the push wrote to the back office;
  the pull drops a back-office change that only repeats them.

Both memories are saved in the same transaction as the write's link, so a
crash cannot leave one side remembering a write the other never saw.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from engine.store.links import Link
from engine.sync.directions import Entity, Side
from engine.sync.fieldhash import FieldHashes, decode, encode, fingerprint

__all__ = ["EchoMemory", "changed_since", "echo_kind"]

_EMPTY = (None, "", [], {})


def echo_kind(entity: Entity, side: Side) -> str:
    """The link kind holding what tillsync last wrote to ``side`` for ``entity``."""
    return f"wrote.{entity.value}.{side.value}"


def changed_since(
    remembered: FieldHashes, view: Mapping[str, Any], names: Collection[str]
) -> dict[str, Any]:
    """The fields of ``view`` (among ``names``) that differ from ``remembered``.

    A field never written and empty on this side is not a change (WooCommerce
    answers ``weight: ""`` for a product that never had one).
    """
    current = fingerprint({name: view[name] for name in names if name in view})
    out = {}
    for name, digest in current.items():
        if name not in remembered and view[name] in _EMPTY:
            continue
        if remembered.get(name) != digest:
            out[name] = view[name]
    return out


class EchoMemory:
    """What tillsync wrote to the back office, per record (see the module docstring)."""

    def __init__(self, store: Any, connection: str, entity: Entity) -> None:
        self._links = store.links
        self._connection = connection
        self.kind = echo_kind(entity, Side.BACKOFFICE)

    async def written(self, ids: Collection[str]) -> dict[str, FieldHashes]:
        found = await self._links.get_many(self.kind, list(ids), connection=self._connection)
        return {backoffice_id: decode(link.hash) for backoffice_id, link in found.items()}

    def link(
        self, backoffice_id: str, woo_id: int, sku: str | None, before: FieldHashes,
        wrote: Mapping[str, Any],
    ) -> Link:  # fmt: skip
        """The memory after writing ``wrote`` (shop-form fields) to the back office."""
        return Link(self.kind, backoffice_id, woo_id, sku, encode({**before, **fingerprint(wrote)}))

    @staticmethod
    def echoed(written: FieldHashes, send: Mapping[str, Any]) -> bool:
        """Every field a pull would send is one the push wrote there: our own echo."""
        if not send or not written:
            return False
        digests = fingerprint(send)
        return all(written.get(name) == digest for name, digest in digests.items())
