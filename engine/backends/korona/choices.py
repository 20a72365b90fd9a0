"""The connection's chosen warehouse and price group, as KORONA uuids.

Admins copy numbers (and a price group's name) from KORONA Studio; KORONA
wants uuids in paths and in ``{"id": …}`` references.  Each handle is
resolved against its own object type - warehouse "2" is an organizational
unit, point of sale "2" a different object - once, and reused.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from engine.backends.korona.api import KoronaApi
from engine.backends.korona.errors import UnknownHandle
from engine.errors import ConfigError

__all__ = [
    "POINTS_OF_SALE",
    "WAREHOUSES",
    "Choices",
    "ChosenPriceGroup",
    "list_choices",
    "match_price_group",
]

WAREHOUSES = "organizationalUnits"
POINTS_OF_SALE = "pointsOfSale"
PRICE_GROUPS = "priceGroups"


@dataclass(frozen=True)
class ChosenPriceGroup:
    """The price group whose prices become shop prices; ``net_prices`` as KORONA says."""

    id: str
    name: str
    net_prices: bool


def list_choices(rows: Sequence[Mapping[str, Any]]) -> str:
    """'1 Retail, 2 Webshop': what an admin can copy into the config."""
    named = (f"{r.get('number') or r.get('id')} {r.get('name') or ''}".strip() for r in rows)
    return ", ".join(named) or "none"


def match_price_group(rows: Sequence[Mapping[str, Any]], wanted: str) -> ChosenPriceGroup:
    """The one group whose id, else number, else name is ``wanted``.

    Raises UnknownHandle when none matches and ConfigError when a name is
    shared by several groups (a number or the uuid then says which).
    """
    for field in ("id", "number", "name"):
        found = [r for r in rows if r.get("active") is not False and r.get(field) == wanted]
        if len(found) > 1:
            raise ConfigError(
                f"{len(found)} KORONA price groups are called {wanted!r}",
                hint=f"Set price_group to the number of one of them: {list_choices(found)}.",
            )
        if found:
            row = found[0]
            return ChosenPriceGroup(
                str(row["id"]), str(row.get("name") or ""), bool(row.get("netPrices"))
            )
    raise UnknownHandle(f"KORONA has no price group {wanted!r}")


class Choices:
    """Where stock is read and which prices are published, resolved lazily and cached."""

    def __init__(self, api: KoronaApi) -> None:
        self._api = api
        self.warehouse: str | None = api.settings.warehouse_id
        self._price_group: ChosenPriceGroup | None = None

    async def warehouse_id(self) -> str | None:
        """The warehouse's uuid (an organizational unit), or None when none is chosen."""
        if not self.warehouse:
            return None
        return await self._api.resolve_id(WAREHOUSES, self.warehouse)

    async def price_groups(self) -> list[dict]:
        return await self._api.all_rows(self._api.path(PRICE_GROUPS))

    async def price_group(self) -> ChosenPriceGroup:
        """The chosen group; ConfigError when none is chosen or it does not exist.

        Publishing "some" group's price when none is chosen would put a wrong
        price in the shop, so there is no fallback.
        """
        if self._price_group is not None:
            return self._price_group
        wanted = self._api.settings.price_group
        groups = await self.price_groups()
        if not wanted:
            raise ConfigError(
                "no KORONA price group chosen: shop prices would be guessed",
                hint=f"Set price_group to one of: {list_choices(groups)}.",
            )
        try:
            self._price_group = match_price_group(groups, wanted)
        except UnknownHandle:
            raise ConfigError(
                f"KORONA has no price group {wanted!r}",
                hint=f"Set price_group to one of: {list_choices(groups)}.",
            ) from None
        return self._price_group
