"""The KORONA connection test behind the "Test connection" button.

It reports every step with a sentence an admin can act on, rather than
stopping at a status code: reachable? password accepted? does the selected
POS exist and is it External? is the warehouse a warehouse? does the price
group exist?  Later steps are skipped when the account itself is unreachable.
"""

from __future__ import annotations

from engine.backends.base import CheckItem, CheckResult
from engine.backends.korona.api import KoronaApi
from engine.backends.korona.catalog import is_external_pos
from engine.errors import AuthError, NotFoundError, RemoteError

__all__ = ["check_connection"]


async def _account(api: KoronaApi) -> CheckItem:
    """Probe with the smallest list every KORONA package has (one org unit).

    It proves the host, the account id (404 ACCOUNT_NOT_FOUND) and the
    credentials (401) in one cheap request.
    """
    try:
        await api.get(api.path("organizationalUnits"), {"size": 1})
    except AuthError as error:
        if error.status == 401:
            return CheckItem("credentials", False, "KORONA refused the API user or password.")
        return CheckItem("credentials", False, f"KORONA denied access: {error.message}")
    except NotFoundError:
        return CheckItem("account", False, "No KORONA account with this account id.")
    except RemoteError as error:
        return CheckItem("connection", False, f"Cannot reach KORONA: {error.message}")
    account = api.settings.account_id
    return CheckItem("credentials", True, f"Connected to KORONA account {account}.")


async def _point_of_sale(api: KoronaApi, pos_id: str) -> CheckItem:
    try:
        data = await api.get(api.path("pointsOfSale", pos_id))
    except NotFoundError:
        return CheckItem("point of sale", False, f"Point of sale {pos_id} does not exist.")
    name = data.get("name") or pos_id
    if not is_external_pos(data):
        kind = data.get("type") or "unknown"
        message = f"{name} is of type {kind}; only an External POS can take web orders."
        return CheckItem("point of sale", False, message)
    state = "coupled" if data.get("coupled") else "not coupled yet (coupled on first use)"
    return CheckItem("point of sale", True, f"{name} is an External POS, {state}.")


async def _warehouse(api: KoronaApi, unit_id: str) -> CheckItem:
    try:
        data = await api.get(api.path("organizationalUnits", unit_id))
    except NotFoundError:
        return CheckItem("warehouse", False, f"Organizational unit {unit_id} does not exist.")
    name = data.get("name") or unit_id
    if not data.get("warehouse"):
        return CheckItem("warehouse", False, f"{name} has no warehouse: it holds no stock.")
    return CheckItem("warehouse", True, f"Stock is read from {name}.")


async def _price_group(api: KoronaApi, wanted: str) -> CheckItem:
    for group in await api.all_rows(api.path("priceGroups")):
        if wanted in (group.get("id"), group.get("name"), group.get("number")):
            return CheckItem("price group", True, f"Shop prices come from {group.get('name')}.")
    return CheckItem("price group", False, f"No KORONA price group called {wanted!r}.")


async def check_connection(api: KoronaApi, pos_id: str | None) -> CheckResult:
    """Run every configured step; a failing step never hides the others."""
    first = await _account(api)
    if not first.ok:
        return CheckResult((first,))
    items = [first]
    settings = api.settings
    try:
        if pos_id:
            items.append(await _point_of_sale(api, pos_id))
        if settings.warehouse_id:
            items.append(await _warehouse(api, settings.warehouse_id))
        if settings.price_group:
            items.append(await _price_group(api, settings.price_group))
    except RemoteError as error:
        items.append(CheckItem("connection", False, f"KORONA failed mid-check: {error.message}"))
    return CheckResult(tuple(items))
