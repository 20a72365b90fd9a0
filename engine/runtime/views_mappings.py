"""Mapping editors' read model: every value offered comes from what a side reports.

WHY offered values and not free text: a payment method id typed by hand is
the classic cause of a held order.  Each section lists the sources (what
WooCommerce or the back office has) and, per source, the targets the other
side actually offers, so the editor can only produce mappings that exist.
*Network*: :func:`mapping_sections` reads both systems; call it from a worker.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Mapping
from dataclasses import dataclass
from typing import Any

from engine.backends import Capability, Page
from engine.errors import TillsyncError
from engine.model import LocationKind
from engine.runtime.engine import Engine
from engine.store.mappings import MappingKind

__all__ = ["Choice", "MappingRow", "MappingSection", "mapping_sections"]

WOO_ORDER_STATUSES = (
    "pending",
    "processing",
    "on-hold",
    "completed",
    "cancelled",
    "refunded",
    "failed",
)
ORDER_ACTIONS = ("book", "void", "ignore")


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True)
class MappingRow:
    source: str
    label: str
    options: tuple[Choice, ...]
    current: str | None
    required: bool = False


@dataclass(frozen=True)
class MappingSection:
    kind: MappingKind
    title: str
    help: str
    rows: tuple[MappingRow, ...]
    error: str = ""  # a side could not be read: the rows may be incomplete

    def problems(self, values: Mapping[str, str | None]) -> tuple[str, ...]:
        """What blocks saving ``values`` ({source: chosen target or None})."""
        found = []
        for row in self.rows:
            value = values.get(row.source)
            if value is None:
                if row.required:
                    found.append(f"{row.label}: choose a value")
            elif value not in {o.value for o in row.options}:
                found.append(f"{row.label}: {value!r} is not offered by the other side")
        return tuple(found)


async def _collect(stream: AsyncIterator[Page[Any]]) -> list[Any]:
    return [item async for page in stream for item in page.items]


async def _read(what: str, call: Awaitable[list[Any]], errors: list[str]) -> list[Any]:
    try:
        return await call
    except TillsyncError as error:
        errors.append(f"{what}: {error.message}")
        return []


@dataclass(frozen=True)
class _Sides:
    """Everything both systems report, read once for all sections."""

    tax_codes: list[Any]
    payment_methods: list[Any]
    locations: list[Any]
    price_groups: list[Any]
    woo_tax_classes: list[dict[str, Any]]
    woo_gateways: list[dict[str, Any]]
    errors: tuple[str, ...]


async def _read_sides(engine: Engine, connection: str) -> _Sides:
    conn = engine.connection(connection)
    backend, woo, errors = conn.backend, conn.woo, []
    caps = backend.capabilities

    async def optional(cap: Capability, what: str, stream: Any) -> list[Any]:
        return await _read(what, _collect(stream()), errors) if cap in caps else []

    results = await asyncio.gather(
        optional(Capability.TAX_CODES, "back-office tax codes", backend.read_tax_codes),
        optional(Capability.PAYMENT_METHODS, "payment methods", backend.read_payment_methods),
        optional(Capability.LOCATIONS, "locations", backend.read_locations),
        optional(Capability.PRICE_GROUPS, "price groups", backend.read_price_groups),
        _read("WooCommerce tax classes", woo.list_tax_classes(), errors),
        _read("WooCommerce payment gateways", woo.list_payment_gateways(), errors),
    )
    return _Sides(*results, errors=tuple(errors))


def _tax_section(sides: _Sides, current: Mapping[str, str]) -> MappingSection:
    options = tuple(
        Choice("" if c.get("slug") == "standard" else str(c.get("slug")), str(c.get("name")))
        for c in sides.woo_tax_classes
    )
    rows = tuple(
        MappingRow(
            t.id,
            f"{t.name} ({t.rate}%)" if t.rate is not None else t.name,
            options,
            current.get(t.id),
            required=True,
        )
        for t in sides.tax_codes
    )
    return MappingSection(
        MappingKind.TAX_CLASS,
        "Taxes",
        "Back-office sector / VAT rate → WooCommerce tax class",
        rows,
    )


def _payment_section(
    sides: _Sides, current: Mapping[str, str], has_default: bool
) -> MappingSection:
    options = tuple(Choice(m.id, m.name) for m in sides.payment_methods)
    rows = tuple(
        MappingRow(
            str(g["id"]),
            str(g.get("title") or g["id"]),
            options,
            current.get(str(g["id"])),
            required=bool(g.get("enabled")) and not has_default,
        )
        for g in sides.woo_gateways
    )
    return MappingSection(
        MappingKind.PAYMENT,
        "Payments",
        "WooCommerce payment gateway → back-office payment method",
        rows,
    )


def _status_section(engine: Engine, connection: str, current: Mapping[str, str]) -> MappingSection:
    rules = engine.config.connections[connection].orders
    options = tuple(Choice(a, f"{a} sale" if a != "ignore" else a) for a in ORDER_ACTIONS)

    def configured(status: str) -> str:
        if status == rules.trigger_status:
            return "book"
        return "void" if status in rules.void_on else "ignore"

    rows = tuple(
        MappingRow(s, s, options, current.get(s, configured(s))) for s in WOO_ORDER_STATUSES
    )
    return MappingSection(
        MappingKind.ORDER_STATUS, "Order statuses", "WooCommerce order status → action", rows
    )


def _location_section(
    sides: _Sides, current: Mapping[str, str], backend_settings: Any
) -> MappingSection:
    def choices(*kinds: LocationKind) -> tuple[Choice, ...]:
        return tuple(
            Choice(loc.id, f"{loc.name} ({loc.kind.value.replace('_', ' ')})")
            for loc in sides.locations
            if loc.kind in kinds and loc.selectable
        )

    def now(key: str, setting: str) -> str | None:
        return current.get(key) or getattr(backend_settings, setting, None)

    pos = choices(LocationKind.POINT_OF_SALE)
    stock = choices(LocationKind.WAREHOUSE, LocationKind.BRANCH)
    groups = tuple(Choice(g.id, g.name) for g in sides.price_groups if g.active)
    rows = [
        MappingRow(
            "point_of_sale",
            "Orders are booked on",
            pos,
            now("point_of_sale", "point_of_sale"),
            required=bool(pos),
        ),
        MappingRow(
            "warehouse",
            "Stock is read from",
            stock,
            now("warehouse", "warehouse"),
            required=bool(stock),
        ),
    ]
    if groups:
        rows.append(
            MappingRow("price_group", "Shop prices from", groups, now("price_group", "price_group"))
        )
    return MappingSection(
        MappingKind.LOCATION, "Locations", "Point of sale, warehouse and price list", tuple(rows)
    )


def _default_section(
    sides: _Sides, current: Mapping[str, str], backend_settings: Any
) -> MappingSection:
    methods = tuple(Choice(m.id, m.name) for m in sides.payment_methods)
    sectors = tuple(Choice(t.id, t.name) for t in sides.tax_codes)
    configured = getattr(backend_settings, "default_payment_method", None)
    rows = (
        MappingRow(
            "payment_method",
            "Payment method for unmapped gateways",
            methods,
            current.get("payment_method") or configured,
        ),
        MappingRow("tax_code", "Sector for products without one", sectors, current.get("tax_code")),
    )
    return MappingSection(MappingKind.DEFAULT, "Defaults", "Used when nothing else matches", rows)


async def mapping_sections(engine: Engine, connection: str) -> tuple[MappingSection, ...]:
    """*Network.*  Every editable mapping with the values both sides offer."""
    sides = await _read_sides(engine, connection)
    saved = await engine.store.mappings.export_all(connection=connection)
    settings = engine.config.connections[connection].backend
    defaults = saved[MappingKind.DEFAULT]
    configured_payments = dict(getattr(settings, "payment_methods", None) or {})
    has_default = bool(
        defaults.get("payment_method") or getattr(settings, "default_payment_method", None)
    )
    sections = (
        _tax_section(sides, saved[MappingKind.TAX_CLASS]),
        _payment_section(sides, configured_payments | saved[MappingKind.PAYMENT], has_default),
        _status_section(engine, connection, saved[MappingKind.ORDER_STATUS]),
        _location_section(sides, saved[MappingKind.LOCATION], settings),
        _default_section(sides, defaults, settings),
    )
    error = "; ".join(sides.errors)
    return tuple(
        MappingSection(s.kind, s.title, s.help, s.rows, error) if error else s for s in sections
    )
