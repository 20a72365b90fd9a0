"""The idempotency keys of orders: the ONE place that formats and parses them.

An order has two keys, one per purpose, and both are built and read here only:

* the **outbox key** (:class:`OrderKey`), ``woo-<order>-<scope>``, fixed on the
  outbox row when the order is first seen (``outbox.idempotency_key``);
* the **back-office key** (:class:`IdempotencyKey`),
  ``WC-<scope>-<order>-<revision>[-V]``, what adapters store in a receipt
  number or external reference and look up before creating.  It is never
  stored by us: :func:`sale_key_of` derives it from the outbox key, so the two
  never disagree.

WHY the scope comes from the store: the back-office key is how the back office
recognises a sale it already holds.  If it came from something this install
made up (the old random ``install_id``), a lost or emptied state database would
change every key, the look-up would find nothing, and every order would be
booked again.  So the scope is 8 hex of a hash of the WooCommerce store's URL
and the connection name (both in the config, which survives the database).

DATA SAFETY: both formats are on disk and in back offices already (rows keyed
``woo-<order>-<8 hex of install id and connection>`` before the store-derived
scope, receipts named ``WC-…`` since the first release).  Neither format may
change; :func:`legacy_scope` rebuilds an old scope so a look-up can try it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

__all__ = [
    "IdempotencyKey",
    "OrderKey",
    "is_sale_key",
    "legacy_scope",
    "sale_key_of",
    "store_scope",
]

_SAFE_TOKEN = re.compile(r"[A-Za-z0-9]{1,8}")
_OUTBOX_KEY = re.compile(r"woo-(\d+)-([A-Za-z0-9]{1,8})")
_WIRE_PREFIX = "WC-"
_WIRE_KEY = re.compile(r"WC-([A-Za-z0-9]{1,8})-(\d+)-(\d+)(-V)?")


def _normalised(url: str) -> str:
    """Scheme and host in lower case, no trailing slash, no ``/wp-json`` tail."""
    parts = urlsplit(url.strip())
    path = parts.path.rstrip("/")
    path = path.split("/wp-json", 1)[0]
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}{path}"


def _hash8(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:8]


def store_scope(store_url: str, connection: str) -> str:
    """8 hex chars naming one store and connection; the same on every install."""
    return _hash8(f"store:{_normalised(store_url)}|{connection}")


def legacy_scope(install_id: str, connection: str) -> str:
    """The scope tillsync used before keys came from the store (random install id)."""
    return _hash8(f"{install_id}:{connection}")


@dataclass(frozen=True)
class IdempotencyKey:
    """Identifies one booking of one WooCommerce order revision in a back office.

    ``value`` is short and limited to ``[A-Za-z0-9-]`` because the back offices
    store it in narrow fields (an external id of 40 chars, a receipt
    number).  A void gets its own key (``for_void()``) derived from the sale's,
    so a retried void finds its reversal instead of the original sale.
    """

    store: str
    order_id: int
    revision: int = 0
    void: bool = False

    @property
    def value(self) -> str:
        token = self.store
        if not _SAFE_TOKEN.fullmatch(token):
            token = _hash8(token)
        text = f"{_WIRE_PREFIX}{token}-{self.order_id}-{self.revision}"
        return f"{text}-V" if self.void else text

    @classmethod
    def parse(cls, text: str) -> IdempotencyKey | None:
        """The key a back office holds, or None when ``text`` is not one of ours."""
        match = _WIRE_KEY.fullmatch(text)
        if match is None:
            return None
        store, order, revision, void = match.groups()
        return cls(store, int(order), int(revision), void=void is not None)

    def for_void(self) -> IdempotencyKey:
        return IdempotencyKey(self.store, self.order_id, self.revision, void=True)

    def for_sale(self) -> IdempotencyKey:
        return IdempotencyKey(self.store, self.order_id, self.revision, void=False)

    def __str__(self) -> str:
        return self.value


def is_sale_key(text: str) -> bool:
    """Does a back-office reference look like one tillsync wrote?

    A prefix test, not :meth:`IdempotencyKey.parse`: adapters use it to tell
    tillsync's documents from the till's own, and a reference an earlier
    release or a back office shortened must still count as ours.
    """
    return text.startswith(_WIRE_PREFIX)


@dataclass(frozen=True)
class OrderKey:
    """The outbox key of one order: ``woo-<order>-<scope>``."""

    order_id: int
    scope: str

    @property
    def value(self) -> str:
        return f"woo-{int(self.order_id)}-{self.scope}"

    @classmethod
    def parse(cls, text: str) -> OrderKey | None:
        """The key of an outbox row, or None for a key of another shape (imported)."""
        match = _OUTBOX_KEY.fullmatch(text)
        return None if match is None else cls(int(match.group(1)), match.group(2))

    def sale_key(self, revision: int = 0) -> IdempotencyKey:
        return IdempotencyKey(self.scope, self.order_id, revision)

    def __str__(self) -> str:
        return self.value


def sale_key_of(stored: str, woo_order_id: int, revision: int = 0) -> IdempotencyKey:
    """The back-office key of an outbox row, from the outbox key it carries.

    A row's key fixed when the order was first seen means a retry, a restart
    or a fresh store connection always asks the back office for the same key.
    A stored key of another shape keeps the rule it always had: its last part
    is the scope when that is a short alphanumeric word, else the whole key
    (which ``IdempotencyKey.value`` hashes).
    """
    parsed = OrderKey.parse(stored)
    if parsed is not None and parsed.order_id == woo_order_id:
        return parsed.sale_key(revision)
    scope = stored.rsplit("-", 1)[-1]
    if not (scope.isalnum() and 0 < len(scope) <= 8):
        scope = stored
    return IdempotencyKey(scope, woo_order_id, revision)
