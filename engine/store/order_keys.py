"""Idempotency keys of orders: derived from the store and the order, never from us.

WHY: the key is how the back office recognises a sale it already holds.  If it
came from something this install made up (the old random ``install_id``), a
lost or emptied state database would change every key, the back-office
look-up would find nothing, and every order would be booked again.  So the
scope is a hash of the WooCommerce store's URL and the connection name — both
live in the config, which survives the database — and the key is
``woo-<order>-<8 hex of that scope>``, the same shape as before, so the
back-office key (``WC-<scope>-<order>-<revision>``) keeps fitting narrow
receipt-number fields.

Keys written before this change (``woo-<order>-<8 hex of install id and
connection>``) stay on their outbox rows; :func:`legacy_scope` rebuilds such a
scope from a remembered install id so a look-up can try the old format too.
"""

from __future__ import annotations

import hashlib
from urllib.parse import urlsplit

__all__ = ["legacy_scope", "order_key", "store_scope"]


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


def order_key(scope: str, woo_order_id: int) -> str:
    """The outbox key of one order: ``woo-<order>-<scope>``."""
    return f"woo-{int(woo_order_id)}-{scope}"
