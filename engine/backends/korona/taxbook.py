"""Taxes as KORONA knows them: sector -> sales tax -> dated rate, product -> sector.

A receipt line must carry the rate of the product's sales tax (with a
reference to that sales tax), not one recomputed from the shop's rounded
amounts, and a net price group is converted with the same rate.  Sectors
and sales taxes are small lists: they are read whole, kept for a few
minutes, and read again when an unknown sector turns up.  Rates stay dated,
so a rate change is applied from its ``validFrom`` on, not from the read.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from engine.backends.korona.api import KoronaApi
from engine.backends.korona.catalog import current_rate
from engine.backends.korona.wire import ref_id

__all__ = ["SectorTax", "TaxBook", "sector_taxes_from_wire"]


@dataclass(frozen=True)
class SectorTax:
    """A sector's first sales tax (lowest index), with that tax's dated rates."""

    sector_id: str
    sales_tax_id: str
    rates: tuple[Mapping[str, Any], ...]

    def rate_at(self, moment: datetime) -> Decimal | None:
        return current_rate(self.rates, moment)


def sector_taxes_from_wire(sectors: list[dict], sales_taxes: list[dict]) -> dict[str, SectorTax]:
    """Sector id -> its sales tax; sectors without a known sales tax are left out."""
    taxes = {str(t["id"]): tuple(t.get("rates") or ()) for t in sales_taxes if t.get("id")}
    book: dict[str, SectorTax] = {}
    for sector in sectors:
        entries = sorted(sector.get("salesTaxes") or (), key=lambda e: e.get("index") or 0)
        tax_id = next((t for e in entries if (t := ref_id(e.get("salesTax"))) in taxes), None)
        if tax_id is not None and sector.get("id"):
            book[str(sector["id"])] = SectorTax(str(sector["id"]), tax_id, taxes[tax_id])
    return book


class TaxBook:
    """The account's sectors and their sales taxes, re-read when older than ``max_age``."""

    def __init__(self, api: KoronaApi, max_age: float = 600.0) -> None:
        self._api = api
        self._max_age = max_age
        self._book: dict[str, SectorTax] = {}
        self._read_at: float | None = None

    async def _read(self) -> dict[str, SectorTax]:
        api = self._api
        sectors = await api.all_rows(api.path("sectors"))
        sales_taxes = await api.all_rows(api.path("salesTaxes"))
        self._book = sector_taxes_from_wire(sectors, sales_taxes)
        self._read_at = time.monotonic()
        return self._book

    async def sectors(self) -> dict[str, SectorTax]:
        stale = self._read_at is None or time.monotonic() - self._read_at > self._max_age
        return await self._read() if stale else self._book

    async def sector(self, sector_id: str) -> SectorTax | None:
        """One sector's tax; a sector created since the last read triggers one re-read."""
        found = (await self.sectors()).get(sector_id)
        if found is None:
            found = (await self._read()).get(sector_id)
        return found

    async def rates_at(self, moment: datetime) -> dict[str, Decimal]:
        """Sector id -> percent valid at ``moment`` (for converting net price groups)."""
        rates = {sid: tax.rate_at(moment) for sid, tax in (await self.sectors()).items()}
        return {sid: rate for sid, rate in rates.items() if rate is not None}
