"""``tillsync doctor`` for AurPOS: each step with a sentence an admin can act on.

Token (the OAuth client and the POS user; an HTML answer names the URL),
the Connector API itself (a server that answers otherwise is said plainly),
the business location among those the user may use (none chosen: the
valid values are listed), the permissions orders need (``sell.view``,
``customer.view``: 403 otherwise), and the selling price group.
"""

from __future__ import annotations

from engine.backends.aurpos.api import AurposApi, unwrap
from engine.backends.base import CheckItem, CheckResult
from engine.errors import AuthError, ConfigError, RemoteError, TillsyncError

__all__ = ["check_connection", "listed"]


def listed(rows: list[dict]) -> str:
    return ", ".join(f"{r.get('id')} {r.get('name') or ''}".strip() for r in rows) or "none"


async def _token(api: AurposApi) -> CheckItem:
    try:
        await api.token()
    except (ConfigError, AuthError) as error:
        return CheckItem("credentials", False, f"{error.message}. {error.hint}")
    except TillsyncError as error:
        return CheckItem("connection", False, f"Cannot reach AurPOS: {error.message}")
    return CheckItem("credentials", True, f"OAuth token obtained at {api.token_url_used}.")


async def _connector(api: AurposApi) -> tuple[CheckItem, list[dict]]:
    try:
        rows = unwrap(await api.get("business-location", {"per_page": -1}))
    except RemoteError as error:
        message = (f"{api.api_url} does not answer like the Ultimate POS Connector API "
                   f"({error.message}); check base_path and api_path.")  # fmt: skip
        return CheckItem("connector api", False, message), []
    if not isinstance(rows, list):
        message = f"{api.api_url}/business-location did not answer a list of locations."
        return CheckItem("connector api", False, message), []
    return CheckItem("connector api", True, f"Connector API at {api.api_url}."), rows


def _location(api: AurposApi, rows: list[dict]) -> CheckItem:
    chosen = api.settings.location
    if not chosen:
        return CheckItem(
            "location", False, f"No business location chosen; pick one of: {listed(rows)}."
        )
    match = next((r for r in rows if str(r.get("id")) == chosen), None)
    if match is None:
        message = f"Location {chosen} is not one this user may use ({listed(rows)})."
        return CheckItem("location", False, message)
    return CheckItem("location", True, f"Products, stock and sells of {match.get('name')}.")


async def _permissions(api: AurposApi) -> CheckItem:
    missing = []
    for path, permission in (("sell", "sell.view"), ("contactapi", "customer.view")):
        try:
            await api.get(path, {"per_page": 1})
        except AuthError as error:
            if error.status != 403:
                raise
            missing.append(permission)
    if missing:
        message = f"The POS user lacks {', '.join(missing)} (its role in AurPOS)."
        return CheckItem("permissions", False, message)
    return CheckItem("permissions", True, "The user may read sells and customers.")


async def _price_group(api: AurposApi) -> CheckItem | None:
    chosen = api.settings.price_group
    if not chosen:
        return None
    rows = unwrap(await api.get("selling-price-group"))
    rows = rows if isinstance(rows, list) else []
    if any(str(r.get("id")) == chosen for r in rows):
        return CheckItem("price group", True, f"Shop prices from selling price group {chosen}.")
    return CheckItem(
        "price group", False, f"No selling price group {chosen}; pick one of: {listed(rows)}."
    )


async def check_connection(api: AurposApi) -> CheckResult:
    first = await _token(api)
    if not first.ok:
        return CheckResult((first,))
    connector, locations = await _connector(api)
    items = [first, connector]
    if not connector.ok:
        return CheckResult(tuple(items))
    items.append(_location(api, locations))
    try:
        items.append(await _permissions(api))
        group = await _price_group(api)
        if group is not None:
            items.append(group)
    except RemoteError as error:
        items.append(CheckItem("connection", False, f"AurPOS failed mid-check: {error.message}"))
    return CheckResult(tuple(items))
