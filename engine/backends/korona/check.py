"""The KORONA connection test behind the "Test connection" button.

It reports every step with a sentence an admin can act on, rather than
stopping at a status code: reachable? password accepted? does the selected
POS exist and is it External? is the warehouse a warehouse? is a price
group chosen, and does it exist?  Numbers from the config are resolved to
uuids by object type before any path is built.  Later steps are skipped
when the account itself is unreachable.
"""

from __future__ import annotations

from engine.backends.base import CheckItem, CheckResult
from engine.backends.korona.api import KoronaApi
from engine.backends.korona.catalog import is_external_pos
from engine.backends.korona.choices import POINTS_OF_SALE, WAREHOUSES, Choices
from engine.backends.korona.errors import UnknownHandle
from engine.errors import AuthError, ConfigError, NotFoundError, RemoteError

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


async def _point_of_sale(api: KoronaApi, handle: str) -> CheckItem:
    """The POS named in the config (uuid or number), read at its uuid."""
    try:
        pos_id = await api.resolve_id(POINTS_OF_SALE, handle)
        data = await api.get(api.path(POINTS_OF_SALE, pos_id))
    except (NotFoundError, UnknownHandle):
        return CheckItem("point of sale", False, f"Point of sale {handle} does not exist.")
    name = data.get("name") or handle
    if not is_external_pos(data):
        kind = data.get("type") or "unknown"
        message = f"{name} is of type {kind}; only an External POS can take web orders."
        return CheckItem("point of sale", False, message)
    state = "coupled" if data.get("coupled") else "not coupled yet (coupled on first use)"
    return CheckItem("point of sale", True, f"{name} is an External POS, {state}.")


async def _warehouse(api: KoronaApi, handle: str) -> CheckItem:
    """The warehouse named in the config (uuid or number): an org unit holding stock."""
    try:
        unit_id = await api.resolve_id(WAREHOUSES, handle)
        data = await api.get(api.path(WAREHOUSES, unit_id))
    except (NotFoundError, UnknownHandle):
        return CheckItem("warehouse", False, f"Organizational unit {handle} does not exist.")
    name = data.get("name") or handle
    if not data.get("warehouse"):
        return CheckItem("warehouse", False, f"{name} has no warehouse: it holds no stock.")
    return CheckItem("warehouse", True, f"Stock is read from {name}.")


async def _price_group(choices: Choices) -> CheckItem:
    """A chosen, existing group: without one, no shop price can be right."""
    try:
        group = await choices.price_group()
    except ConfigError as error:
        return CheckItem("price group", False, f"{error.message}. {error.hint}")
    kind = "net prices, converted with each sector's rate" if group.net_prices else "gross"
    return CheckItem("price group", True, f"Shop prices come from {group.name} ({kind}).")


async def check_connection(api: KoronaApi, choices: Choices, pos_id: str | None) -> CheckResult:
    """Run every configured step; a failing step never hides the others.

    The price group is always checked: none chosen is a failure, so doctor
    refuses a connection that would publish guessed prices.
    """
    first = await _account(api)
    if not first.ok:
        return CheckResult((first,))
    items = [first]
    try:
        if pos_id:
            items.append(await _point_of_sale(api, pos_id))
        if choices.warehouse:
            items.append(await _warehouse(api, choices.warehouse))
        items.append(await _price_group(choices))
    except RemoteError as error:
        items.append(CheckItem("connection", False, f"KORONA failed mid-check: {error.message}"))
    return CheckResult(tuple(items))
