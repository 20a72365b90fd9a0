"""The Sitoo connection test behind doctor and "Test connection".

Each step is a sentence an admin can act on: which mode (test or live) is
in use; are the credentials accepted — or is this server's IP missing from
the account's allow-list (a different fix); does the site exist; is the
warehouse chosen, and of which type; does the chosen price list exist; how
much request quota is left, when the account reports it [I].
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Any

from engine.backends.base import Capability, CheckItem, CheckResult
from engine.backends.budget import RequestBudget
from engine.backends.records import MissingSetting
from engine.backends.sitoo.api import SitooApi
from engine.backends.sitoo.catalog import warehouse_kind
from engine.backends.sitoo.errors import IP_HINT
from engine.errors import AuthError, RemoteError

__all__ = ["check_connection", "missing_settings", "request_budget", "setting_choices"]

# config key -> (the capability that needs it, the settings field, what it is for)
_NEEDED = {
    "warehouse": (Capability.STOCK_READ, "warehouse_id", "reading stock"),
}


def missing_settings(api: SitooApi, needs: Collection[Capability]) -> tuple[MissingSetting, ...]:
    return tuple(
        MissingSetting(key, purpose)
        for key, (capability, field, purpose) in _NEEDED.items()
        if capability in needs and not getattr(api.settings, field)
    )


def _listed(rows: Iterable[Mapping[str, Any]], key: str, name: str) -> str:
    named = [f"{r.get(key)} {r.get(name) or ''}".strip() for r in rows]
    return ", ".join(named) or "none in this account"


async def setting_choices(api: SitooApi, key: str) -> str:
    """'1 Webshop (virtual), 2 Store Stockholm (FIFO)': the values that work for ``key``."""
    if key == "warehouse":
        rows = await api.all_items(api.site("warehouses"))
        return ", ".join(
            f"{r['warehouseid']} {r.get('name', '')} ({warehouse_kind(r)})" for r in rows
        )
    if key == "pricelist":
        return _listed(await api.all_items(api.site("pricelists")), "pricelistid", "pricelistname")
    if key == "eshopid":
        return _listed(await api.all_items("sites.json"), "eshopid", "siteurl")
    return ""


async def _credentials(api: SitooApi) -> tuple[CheckItem, list[dict]]:
    try:
        sites = await api.all_items("sites.json")
    except AuthError as error:
        if error.hint == IP_HINT:
            return CheckItem("ip allow-list", False, f"{error.message}. {IP_HINT}"), []
        return CheckItem("credentials", False, "Sitoo refused the API id or password."), []
    except RemoteError as error:
        return CheckItem("connection", False, f"Cannot reach Sitoo: {error.message}"), []
    account = api.settings.account_id
    return CheckItem("credentials", True, f"Connected to Sitoo account {account}."), sites


def _site(api: SitooApi, sites: list[dict]) -> CheckItem:
    eshopid = api.settings.eshopid
    if any(s.get("eshopid") == eshopid for s in sites):
        return CheckItem("site", True, f"Site (eshopid) {eshopid} exists.")
    choices = _listed(sites, "eshopid", "siteurl")
    return CheckItem("site", False, f"No site with eshopid {eshopid}; choose one of: {choices}")


async def _warehouse(api: SitooApi) -> CheckItem:
    rows = await api.all_items(api.site("warehouses"))
    chosen = api.settings.warehouse_id
    choices = ", ".join(f"{r['warehouseid']} {r.get('name', '')}" for r in rows)
    if not chosen:
        return CheckItem("warehouse", False, f"No warehouse chosen; choose one of: {choices}")
    row = next((r for r in rows if str(r.get("warehouseid")) == chosen), None)
    if row is None:
        return CheckItem("warehouse", False, f"No warehouse {chosen}; choose one of: {choices}")
    return CheckItem(
        "warehouse", True, f"Stock is read from {row.get('name')} ({warehouse_kind(row)})."
    )


async def _pricelist(api: SitooApi) -> CheckItem:
    chosen = api.settings.pricelist_id
    if not chosen:
        return CheckItem("price list", True, "Shop prices come from the Default price list.")
    rows = await api.all_items(api.site("pricelists"))
    row = next((r for r in rows if str(r.get("pricelistid")) == chosen), None)
    if row is None:
        choices = _listed(rows, "pricelistid", "pricelistname")
        return CheckItem("price list", False, f"No price list {chosen}; choose one of: {choices}")
    return CheckItem("price list", True, f"Shop prices come from {row.get('pricelistname')}.")


def _quota(api: SitooApi) -> CheckItem:
    if api.remaining is None:
        return CheckItem("quota", True, "Sitoo does not report a request quota for this account.")
    return CheckItem("quota", True, f"{api.remaining} requests left in the current window.")


async def _count(api: SitooApi, path: str, params: dict[str, Any] | None = None) -> int:
    body = await api.get(path, {**(params or {}), "start": 0, "num": 1})
    return int(body.get("totalcount") or 0)


async def request_budget(api: SitooApi) -> RequestBudget:
    """At least: the product, price-list and stock pages and the reference lists.

    One ``productvariants`` read per variant family comes on top; how many
    families there are is only known by reading the products, so the figure is
    a lower bound and a refusal on it is never wrong.  ``remaining`` is the
    quota Sitoo reported with these counts [I], None when it reports none.
    """
    settings, pages = api.settings, 0
    products = await _count(api, api.site("products"), {"includeinactive": "true"})
    pages += -(-products // settings.page_size)
    if settings.pricelist_id:
        items = await _count(api, api.site("pricelists", settings.pricelist_id, "pricelistitems"))
        pages += -(-items // settings.page_size)
    if settings.warehouse_id:
        path = api.site("warehouses", settings.warehouse_id, "warehouseitems")
        pages += -(-(await _count(api, path)) // settings.page_size)
    return RequestBudget(needed=pages + 3, remaining=api.remaining)


async def check_connection(api: SitooApi) -> CheckResult:
    """Every step; later ones are skipped when the account can't be reached."""
    mode = CheckItem("mode", True, f"{api.settings.mode} mode ({api.settings.base_url})")
    first, sites = await _credentials(api)
    if not first.ok:
        return CheckResult((mode, first))
    items = [mode, first, _site(api, sites)]
    if items[-1].ok:
        try:
            items += [await _warehouse(api), await _pricelist(api)]
        except RemoteError as error:
            items.append(CheckItem("connection", False, f"Sitoo failed mid-check: {error.message}"))
    items.append(_quota(api))
    return CheckResult(tuple(items))
