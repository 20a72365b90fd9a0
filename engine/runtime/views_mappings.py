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
from dataclasses import dataclass, field, replace
from typing import Any

from engine.backends import BackendEntry, Capability, Page, Pick, backend_entry
from engine.backends.entry import SetupField
from engine.errors import TillsyncError
from engine.model import LocationKind
from engine.runtime.engine import Engine
from engine.store.mappings import MappingKind
from engine.sync.orders.booking import FALLBACK_PRODUCT

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
_FALLBACK_CHOICES = 2_000  # linked products offered as the fallback (a long list is no use)


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
    editable: bool = True  # False: shown for checking only
    error: str = ""  # a side could not be read: the rows may be incomplete
    saved_to: str = "store"  # "store": the mappings table; "config": keys in config.toml
    key: str = ""  # a back office's own mapping (BackendEntry.config_mappings): its settings key

    @property
    def name(self) -> str:
        """Unique among the sections (the screen's tab): the settings key, else the kind."""
        return self.key or self.kind.value

    def problems(self, values: Mapping[str, str | None]) -> tuple[str, ...]:
        """What blocks saving ``values`` ({source: chosen target or None})."""
        found = []
        if self.kind is MappingKind.ORDER_STATUS and not self.key:
            booking = [s for s, action in values.items() if action == "book"]
            if len(booking) != 1:
                found.append(f"Order statuses: exactly one status books (now {len(booking)})")
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
    # setting key -> (value, label) the back office reports for it (Pick.REPORTED)
    reported: Mapping[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)


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


def _tax_label(tax: Any) -> str:
    rate = format(tax.rate.normalize(), "f") if tax.rate is not None else ""
    shown = rate and rate in tax.name.replace(" ", "")
    return tax.name if not rate or shown else f"{tax.name} ({rate} %)"


def _tax_section(sides: _Sides, current: Mapping[str, str], help_text: str) -> MappingSection:
    options = tuple(
        Choice("" if c.get("slug") == "standard" else str(c.get("slug")), str(c.get("name")))
        for c in sides.woo_tax_classes
    )
    rows = tuple(
        MappingRow(
            t.id,
            _tax_label(t),
            options,
            current.get(t.id),
            required=True,
        )
        for t in sides.tax_codes
    )
    return MappingSection(
        MappingKind.TAX_CLASS,
        "Taxes",
        help_text,
        rows,
    )


def _payment_section(sides: _Sides, current: Mapping[str, str], help_text: str) -> MappingSection:
    """Every gateway the shop has enabled must map: an unmapped one holds its orders."""
    options = tuple(Choice(m.id, m.name) for m in sides.payment_methods)
    rows = tuple(
        MappingRow(
            str(g["id"]),
            str(g.get("title") or g["id"]),
            options,
            current.get(str(g["id"])),
            required=bool(g.get("enabled")),
        )
        for g in sides.woo_gateways
    )
    return MappingSection(
        MappingKind.PAYMENT,
        "Payments",
        help_text,
        rows,
    )


def _status_section(engine: Engine, connection: str) -> MappingSection:
    """Read-only: which statuses book and which void is set in config.toml ([orders])."""
    rules = engine.config.connections[connection].orders
    options = tuple(Choice(a, f"{a} the sale" if a != "ignore" else a) for a in ORDER_ACTIONS)

    def action(status: str) -> str:
        if status == rules.trigger_status:
            return "book"
        return "void" if status in rules.void_on else "ignore"

    rows = tuple(MappingRow(s, s, options, action(s), required=True) for s in WOO_ORDER_STATUSES)
    return MappingSection(
        MappingKind.ORDER_STATUS,
        "Order statuses",
        "One status books the sale, the void ones reverse it. Saved to config.toml: "
        f"[connections.{connection}.orders] trigger_status / void_on (reopen to apply)",
        rows,
        saved_to="config",
    )


_PLACE_KINDS = {
    Pick.POINT_OF_SALE: LocationKind.POINT_OF_SALE,
    Pick.WAREHOUSE: LocationKind.WAREHOUSE,
}


def _offered(sides: _Sides, setting: SetupField) -> tuple[Choice, ...]:
    """What the back office offers for a picked setting (selectable places, active groups,
    the values it reports for the key)."""
    pick = setting.pick
    if pick is Pick.REPORTED:
        return tuple(Choice(v, label) for v, label in sides.reported.get(setting.key, ()))
    if pick is Pick.PRICE_GROUP:
        return tuple(Choice(g.id, g.name) for g in sides.price_groups if g.active)
    if pick is Pick.PAYMENT_METHOD:
        return tuple(Choice(m.id, m.name) for m in sides.payment_methods)
    kind = _PLACE_KINDS[pick]
    return tuple(
        Choice(loc.id, f"{loc.name} ({loc.detail})" if loc.detail else loc.name)
        for loc in sides.locations
        if loc.kind is kind and loc.selectable
    )


def _config_section(
    sides: _Sides, connection: str, settings: Any, entry: BackendEntry
) -> MappingSection:
    """Read-only: the back-office places and defaults chosen in config.toml, checked
    against what the back office offers (a wrong id is what holds every order).
    Which settings are places is the back office's entry's word (its picked fields)."""
    rows = tuple(
        MappingRow(f.key, f.place_label or f.label, _offered(sides, f), _current(settings, f.key))
        for f in entry.picked_fields
        if f.pick is not None
    )
    defaults = any(f.pick is Pick.REPORTED for f in entry.picked_fields)
    return MappingSection(
        MappingKind.LOCATION,
        "Locations and defaults" if defaults else "Locations",
        f"Saved to config.toml: [connections.{connection}.backend] (reopen to apply)",
        tuple(r for r in rows if r.options or r.current),
        saved_to="config",
    )


def _current(settings: Any, key: str) -> str | None:
    """The configured value as the options name it (an id may be a number in TOML)."""
    value = getattr(settings, key, None)
    return None if value is None else str(value)


async def _with_reported(
    engine: Engine, connection: str, entry: BackendEntry, sides: _Sides
) -> _Sides:
    """The values the back office reports for each ``Pick.REPORTED`` setting of its entry."""
    backend, errors = engine.connection(connection).backend, list(sides.errors)
    reported = {
        f.key: tuple(await _read(f"values for {f.key}", backend.setting_options(f.key), errors))
        for f in entry.picked_fields
        if f.pick is Pick.REPORTED
    }
    return replace(sides, reported=reported, errors=tuple(errors))


async def _defaults_section(
    engine: Engine, connection: str, current: Mapping[str, str]
) -> MappingSection:
    """The fallback product: books a line whose own product the back office no longer has.

    Offered: the linked products the back office still has (local, no network).
    """
    options = []
    async for link in engine.store.links.iterate("product", connection=connection):
        if link.gone_at is None and len(options) < _FALLBACK_CHOICES:
            label = f"{link.sku or link.backoffice_id} {link.name or ''}".strip()
            options.append(Choice(link.backoffice_id, label))
    row = MappingRow(
        FALLBACK_PRODUCT,
        "Fallback product",
        tuple(sorted(options, key=lambda c: c.label)),  # by SKU, as the admin looks them up
        current.get(FALLBACK_PRODUCT),
    )
    return MappingSection(
        MappingKind.DEFAULT,
        "Defaults",
        "Books a line whose product the back office no longer has (the line keeps its "
        "name and price); not set: such an order is held.",
        (row,),
    )


async def mapping_sections(engine: Engine, connection: str) -> tuple[MappingSection, ...]:
    """*Network.*  Every mapping with the values both sides offer.

    Taxes and payments are the admin's (the store's mappings table, editable);
    order statuses and locations come from config.toml and are shown checked.
    Payments and order statuses are offered only where the back office books
    orders (its capabilities decide, not its name).
    """
    from engine.runtime.backend_mappings import backend_mapping_sections  # it builds on ours

    sides = await _read_sides(engine, connection)
    saved = await engine.store.mappings.export_all(connection=connection)
    settings = engine.config.connections[connection].backend
    entry = backend_entry(settings.type)
    sides = await _with_reported(engine, connection, entry, sides)
    books = Capability.SALES_CREATE in engine.connection(connection).backend.capabilities
    sections = (
        _tax_section(sides, saved[MappingKind.TAX_CLASS], entry.vocabulary.tax),
        *(
            # payments, order statuses and the fallback product only matter to a
            # back office that books orders
            (
                _payment_section(sides, saved[MappingKind.PAYMENT], entry.vocabulary.payment),
                _status_section(engine, connection),
            )
            if books
            else ()
        ),
        *backend_mapping_sections(entry.config_mappings, connection, settings),
        _config_section(sides, connection, settings, entry),
        *(
            (await _defaults_section(engine, connection, saved[MappingKind.DEFAULT]),)
            if books
            else ()
        ),
    )
    error = "; ".join(sides.errors)
    return tuple(replace(s, error=error) if error else s for s in sections)
