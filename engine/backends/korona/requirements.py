"""Which KORONA choices each operation needs, and what the admin can choose from.

A catalog run without a price group would publish guessed prices; a stock
read needs the warehouse it reads; a booking needs the External POS it books
on.  Asked before a job writes anything (and by doctor), so a missing
choice is reported with the values to pick from - numbers and names as
KORONA Studio shows them - instead of surfacing after the first writes.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Any

from engine.backends.base import Capability
from engine.backends.korona.api import KoronaApi
from engine.backends.korona.catalog import is_external_pos
from engine.backends.korona.settings import KoronaSettings
from engine.backends.records import MissingSetting

__all__ = ["MissingSetting", "missing_settings", "setting_choices"]

# The two optional adapter hooks the jobs and doctor ask for (engine/runtime/jobs.py):
#   backend.missing_settings(needs) -> tuple[MissingSetting, ...]
#   await backend.setting_choices(key) -> str

# config key -> (the capability that needs it, the settings field, what it is for)
_NEEDED = {
    "price_group": (Capability.PRODUCTS_READ, "price_group", "publishing shop prices"),
    "warehouse": (Capability.STOCK_READ, "warehouse_id", "reading stock"),
    "point_of_sale": (Capability.SALES_CREATE, "point_of_sale_id", "booking web orders"),
}


def missing_settings(
    settings: KoronaSettings, needs: Collection[Capability]
) -> tuple[MissingSetting, ...]:
    return tuple(
        MissingSetting(key, purpose)
        for key, (capability, field, purpose) in _NEEDED.items()
        if capability in needs and not getattr(settings, field)
    )


async def setting_choices(api: KoronaApi, key: str) -> str:
    """'90 Webshop, 91 Marketplace': the values that would work for ``key``."""
    if key == "price_group":
        rows = await api.all_rows(api.path("priceGroups"))
        return _listed(r for r in rows if r.get("active") is not False)
    if key == "warehouse":
        rows = await api.all_rows(api.path("organizationalUnits"))
        return _listed(r for r in rows if r.get("warehouse") and r.get("active") is not False)
    if key == "point_of_sale":
        rows = await api.all_rows(api.path("pointsOfSale"))
        return _listed(r for r in rows if is_external_pos(r) and r.get("active") is not False)
    return ""


def _listed(rows: Iterable[Mapping[str, Any]]) -> str:
    named = [f"{r.get('number') or r.get('id')} {r.get('name') or ''}".strip() for r in rows]
    return ", ".join(named) or "none in this account"
