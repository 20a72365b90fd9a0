"""Small readers for KORONA's JSON: Decimal numbers, references, list envelopes.

KORONA sends amounts as JSON numbers.  They are parsed straight into
``Decimal`` (never float) so a price read here is the price written to
WooCommerce to the cent.  Outgoing amounts go back through :func:`number`,
which is exact for money because a quantized Decimal with few digits
round-trips through float's shortest repr unchanged.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from engine.errors import ValidationError

__all__ = [
    "ResultList",
    "decimal_or_none",
    "decode_json",
    "encode_json",
    "is_uuid",
    "number",
    "parse_time",
    "ref",
    "ref_id",
    "ref_key",
]

Json = dict[str, Any]
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def is_uuid(handle: str) -> bool:
    """A KORONA object id, as opposed to a back-office number ("90") or a name."""
    return bool(_UUID.fullmatch(handle))


def decode_json(content: bytes) -> Any:
    """Parse a KORONA body with every non-integer number as Decimal."""
    if not content:
        return None
    try:
        return json.loads(content, parse_float=Decimal)
    except ValueError as exc:
        raise ValidationError(f"KORONA sent a body that is not JSON: {exc}") from exc


def _json_number(value: object) -> int | float:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"not JSON serializable: {type(value).__name__}")


def encode_json(payload: Any) -> bytes:
    """Serialize a request body; Decimals become JSON numbers with the same digits."""
    return json.dumps(payload, separators=(",", ":"), default=_json_number).encode()


def decimal_or_none(value: object) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    return value if isinstance(value, Decimal) else Decimal(str(value))


def number(value: Decimal, places: int = 2) -> Decimal:
    """An amount for the wire, rounded half-up explicitly (as a till does)."""
    return value.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)


def parse_time(value: object) -> datetime | None:
    """An ISO date-time from KORONA (``Z`` or offset); naive ones are UTC."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def ref_id(reference: object) -> str | None:
    """The id of a ``ModelReference`` (or None when absent)."""
    if isinstance(reference, Mapping):
        value = reference.get("id")
        return str(value) if value else None
    return None


def ref_key(reference: object) -> str | None:
    """id if present, else number: the best handle KORONA gave us."""
    if isinstance(reference, Mapping):
        value = reference.get("id") or reference.get("number")
        return str(value) if value else None
    return None


def ref(handle: str, *, by_number: bool = False) -> dict[str, str]:
    """A ``ModelReference`` by id (uuid) or by back-office number."""
    return {"number": handle} if by_number else {"id": handle}


@dataclass(frozen=True)
class ResultList:
    """KORONA's ``ResultList<T>`` envelope; an HTTP 204 is an empty one."""

    results: tuple[Json, ...]
    max_revision: int | None = None
    pages_total: int = 0
    results_total: int = 0
    current_page: int = 1
    next_link: str | None = None

    @property
    def more_follow(self) -> bool:
        """KORONA says another page exists (``links.next`` or ``pagesTotal``).

        A short page proves nothing: the server may cap ``size`` below what we
        asked for, so only the envelope decides when a list has ended.
        """
        return bool(self.next_link) or self.current_page < self.pages_total

    @classmethod
    def empty(cls) -> ResultList:
        return cls(())

    @classmethod
    def parse(cls, body: object) -> ResultList:
        if body is None:
            return cls.empty()
        if not isinstance(body, Mapping) or not isinstance(body.get("results", []), list):
            raise ValidationError("KORONA list response is not a ResultList envelope")
        results = tuple(item for item in body.get("results") or [] if isinstance(item, Mapping))
        max_rev = body.get("maxRevision")
        links = body.get("links")
        next_link = links.get("next") if isinstance(links, Mapping) else None
        return cls(
            results=results,
            max_revision=int(max_rev) if max_rev is not None else None,
            pages_total=int(body.get("pagesTotal") or 0),
            results_total=int(body.get("resultsTotal") or len(results)),
            current_page=int(body.get("currentPage") or 1),
            next_link=str(next_link) if next_link else None,
        )
