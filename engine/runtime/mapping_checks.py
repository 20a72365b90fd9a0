"""A mappings file checked against what both sides report, before anything is imported.

A gateway id typed as ``paypall`` or a payment method that the back office
does not have is the classic held order: the import looked fine, and every
order paid that way waits.  So ``mappings import`` reads both systems and
refuses the file, naming every line that names something neither side has
and listing what they do have.  Tax classes are checked by
:mod:`engine.runtime.tax_classes`.  *Network*: reads WooCommerce and the
back office.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import Any

from engine.backends import Capability, Page
from engine.errors import ConfigError, RemoteError
from engine.runtime.connection import ConnectionRuntime
from engine.store.mappings import MappingKind

__all__ = ["WOO_ORDER_STATUSES", "check_mapping_values"]

# WooCommerce's own order statuses (a "wc-" prefix is how they are stored in the database).
WOO_ORDER_STATUSES = (
    "pending",
    "processing",
    "on-hold",
    "completed",
    "cancelled",
    "refunded",
    "failed",
    "checkout-draft",
)

Parsed = Mapping[MappingKind, Mapping[str, str]]


async def check_mapping_values(conn: ConnectionRuntime, parsed: Parsed, source: str) -> None:
    """Raise one ConfigError naming every line whose key or value neither side reports."""
    try:
        problems = [
            *await _payments(conn, parsed.get(MappingKind.PAYMENT, {})),
            *_statuses(parsed.get(MappingKind.ORDER_STATUS, {})),
            *await _locations(conn, parsed.get(MappingKind.LOCATION, {})),
        ]
    except RemoteError as exc:
        raise ConfigError(
            f"{source}: cannot check the mappings against both sides: {exc.message}",
            hint="nothing was imported; run the import again when both answer",
        ) from None
    if problems:
        raise ConfigError(
            f"{source}: nothing was imported:\n  " + "\n  ".join(problems),
            hint="fix these lines (`tillsync mappings export` writes what is mapped now)",
        )


async def _payments(conn: ConnectionRuntime, pairs: Mapping[str, str]) -> list[str]:
    if not pairs:
        return []
    gateways = {str(g["id"]): str(g.get("title") or g["id"]) for g in await _gateways(conn)}
    methods = await _collect(conn, Capability.PAYMENT_METHODS, "read_payment_methods")
    handles = {h for m in methods or () for h in (m.id, m.number) if h}
    offered = _listing((m.number or m.id, m.name) for m in methods or ())
    problems = []
    for gateway, method in pairs.items():
        if gateway not in gateways:
            shop_has = _listing(gateways.items())
            problems.append(
                f"[payment] {gateway!r}: WooCommerce has no such gateway (it has: {shop_has})"
            )
        if methods is not None and method not in handles:
            problems.append(
                f"[payment] {gateway} = {method!r}: the back office has no such payment "
                f"method (it has: {offered})"
            )
    return problems


async def _gateways(conn: ConnectionRuntime) -> list[dict[str, Any]]:
    return await conn.woo.list_payment_gateways()


def _statuses(pairs: Mapping[str, str]) -> list[str]:
    known = ", ".join(WOO_ORDER_STATUSES)
    return [
        f"[order_status] {status!r}: not a WooCommerce order status (they are: {known})"
        for status in pairs
        if status.removeprefix("wc-") not in WOO_ORDER_STATUSES
    ]


async def _locations(conn: ConnectionRuntime, pairs: Mapping[str, str]) -> list[str]:
    if not pairs:
        return []
    places = await _collect(conn, Capability.LOCATIONS, "read_locations")
    if places is None:
        return []
    handles = {h for p in places for h in (p.id, p.name)}
    offered = _listing((p.id, p.name) for p in places if p.selectable)
    return [
        f"[location] {key} = {value!r}: the back office has no such place (it has: {offered})"
        for key, value in pairs.items()
        if value not in handles
    ]


async def _collect(
    conn: ConnectionRuntime, capability: Capability, reader: str
) -> list[Any] | None:
    """Everything one back-office list reports; None when the adapter has no such list."""
    if capability not in conn.backend.capabilities:
        return None
    stream: AsyncIterator[Page[Any]] = getattr(conn.backend, reader)()
    return [item async for page in stream for item in page.items]


def _listing(pairs: Any) -> str:
    listed = [f"{handle} {name}".strip() if name != handle else handle for handle, name in pairs]
    return ", ".join(listed) or "none"
