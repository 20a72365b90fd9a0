"""Per-field fingerprints of what tillsync last wrote to WooCommerce.

A link keeps one short hash per written field (stored as compact JSON in the
link's hash column) instead of one hash for the whole product.  That lets an
update send only the fields that changed: re-sending ``images`` on a price
change would make WooCommerce download every image again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

__all__ = ["FieldHashes", "changed_fields", "decode", "encode", "fingerprint"]

FieldHashes = dict[str, str]


def _canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str).encode()


def fingerprint(fields: Mapping[str, Any]) -> FieldHashes:
    """Short, stable hash of each field's value."""
    return {
        name: hashlib.blake2b(_canonical(value), digest_size=6).hexdigest()
        for name, value in fields.items()
    }


def encode(hashes: FieldHashes) -> str:
    return json.dumps(hashes, sort_keys=True, separators=(",", ":"))


def decode(text: str | None) -> FieldHashes:
    """Tolerates an empty or legacy (non-JSON) hash: everything counts as changed."""
    if not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def changed_fields(previous: FieldHashes, fields: Mapping[str, Any]) -> dict[str, Any]:
    """The subset of ``fields`` whose value differs from what was last written."""
    current = fingerprint(fields)
    return {name: fields[name] for name, digest in current.items() if previous.get(name) != digest}
