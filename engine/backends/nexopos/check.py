"""``tillsync doctor`` for NexoPOS: the token, each permission the jobs need, the version,
and every configured default checked against what NexoPOS reports.

The version is not served by any JSON route [V: it is in ``config/nexopos.php``
and the About page only]; the major is told by the wire instead: v6 renamed
the unit prices to ``sale_price_gross``/``_net`` (migration
``2026_03_04_000000``) [V], so a ``sale_price_with_tax`` column means a 5.x
store, refused.  A store with no unit quantities yet cannot be told apart
and passes with that said [I].
"""

from __future__ import annotations

from collections.abc import Collection

from engine.backends.base import Capability, CheckItem, CheckResult, MissingSetting
from engine.backends.nexopos.api import NexoApi
from engine.backends.nexopos.settings import SUPPORTED_MAJOR, NexoSettings
from engine.errors import AuthError, RemoteError

__all__ = [
    "DEFAULTS",
    "check_connection",
    "missing_settings",
    "needed_permissions",
    "setting_choices",
    "setting_options",
]

# setting -> (NexoPOS list to choose from, id field, label field, what it is for)
DEFAULTS = {
    "default_category_id": ("categories", "id", "name", "products arriving without a category"),
    "default_unit_group_id": ("units-groups", "id", "name", "products arriving without units"),
    "default_unit_id": ("units", "id", "name", "products arriving without units"),
    "default_tax_group_id": ("taxes/groups", "id", "name", "products arriving without tax"),
    "customer_group_id": ("customers-groups", "id", "name", "new customers from WooCommerce"),
    "default_customer_id": ("customers", "id", "email", "orders without an e-mail"),
    "unit_id": ("units", "id", "name", "the unit whose price and stock are published"),
    # staff only: users without a customer group [I: the CRUD namespace ns.users]
    "user_id": ("crud/ns.users", "id", "username", "the author of web orders"),
}
_READS = ("nexopos.read.products", "nexopos.read.categories", "nexopos.read.products-units",
          "nexopos.read.taxes")  # fmt: skip
# an order creates its customer when NexoPOS has none with the e-mail
_ORDERS = ("nexopos.read.orders", "nexopos.create.orders", "nexopos.read.customers",
           "nexopos.create.customers")  # fmt: skip
# what each direction that writes to NexoPOS asks of the token's role [V: update.products,
# make.products-adjustments; I: create.products, create/update.customers, by the same
# naming as the verified ones, as the sandbox enforces them]
_BY_USE = {
    Capability.PRODUCTS_WRITE: ("nexopos.update.products",),
    Capability.PRODUCTS_CREATE: ("nexopos.create.products", "nexopos.make.products-adjustments"),
    Capability.CUSTOMERS_WRITE: ("nexopos.create.customers", "nexopos.update.customers"),
}


def needed_permissions(
    settings: NexoSettings, in_use: Collection[Capability] | None = None
) -> tuple[str, ...]:
    """The permissions the configured work needs; ``in_use`` None (not told): all of it."""
    cancel = "nexopos.void.orders" if settings.cancel_action == "void" else "nexopos.refund.orders"
    users = ("nexopos.read.users",) if settings.user_id is not None else ()  # to check it
    uses = [c for c in _BY_USE if in_use is None or c in in_use]
    writes = (p for c in uses for p in _BY_USE[c])
    base = (*_READS, *_ORDERS, cancel, "nexopos.read.customers-groups", *users)
    return tuple(dict.fromkeys((*base, *writes)))


async def _token(api: NexoApi) -> tuple[CheckItem, set[str]]:
    try:
        rows = await api.get("user/permissions")
    except AuthError:
        return CheckItem("token", False, "NexoPOS refused the token (401 Unauthenticated)."), set()
    except RemoteError as error:
        return CheckItem("connection", False, f"Cannot reach NexoPOS: {error.message}"), set()
    granted = {str(r.get("namespace")) for r in rows or [] if isinstance(r, dict)}
    return CheckItem("token", True, "NexoPOS accepted the token."), granted


def _permissions(
    settings: NexoSettings, granted: set[str], in_use: Collection[Capability] | None
) -> CheckItem:
    missing = [p for p in needed_permissions(settings, in_use) if p not in granted]
    if missing:
        return CheckItem("permissions", False, "the token's role lacks: " + ", ".join(missing))
    return CheckItem("permissions", True, "every permission the jobs need is granted.")


async def _version(api: NexoApi) -> CheckItem:
    page = await api.get("crud/ns.products-units", {"per_page": 1, "page": 1})
    rows = page.get("data") if isinstance(page, dict) else None
    if not rows:
        return CheckItem("version", True, "no unit quantities yet: the version is not told.")
    keys = set(rows[0])
    if "sale_price_with_tax" in keys and "sale_price_gross" not in keys:
        return CheckItem(
            "version", False,
            f"this store answers like NexoPOS 5.x (sale_price_with_tax); tillsync supports "
            f"NexoPOS {SUPPORTED_MAJOR}.x (tested with 6.2.1): upgrade NexoPOS first.",
        )  # fmt: skip
    return CheckItem("version", True, f"NexoPOS {SUPPORTED_MAJOR}.x API (tested with 6.2.1).")


async def _rows(api: NexoApi, key: str) -> list[dict]:
    """The rows NexoPOS reports for a setting: a plain list, or a CRUD page's data."""
    path, *_ = DEFAULTS[key]
    body = await api.get(path, {"per_page": 1000} if path.startswith("crud/") else None)
    rows = body.get("data") if isinstance(body, dict) else body
    if key == "user_id":
        rows = [r for r in rows or [] if r.get("group_id") in (None, "", 0)]
    return [r for r in rows or [] if isinstance(r, dict)]


async def setting_options(api: NexoApi, key: str) -> tuple[tuple[str, str], ...]:
    """(id, "id label") of every value NexoPOS reports for ``key`` (the mappings view)."""
    if key not in DEFAULTS:
        return ()
    _, id_field, label, _ = DEFAULTS[key]
    return tuple(
        (str(r[id_field]), f"{r[id_field]} {r.get(label) or ''}".strip())
        for r in await _rows(api, key)
    )


async def setting_choices(api: NexoApi, key: str) -> str:
    return ", ".join(label for _, label in await setting_options(api, key))


async def _default(api: NexoApi, key: str) -> CheckItem | None:
    value = getattr(api.settings, key)
    if value is None:
        return None
    _, id_field, _, purpose = DEFAULTS[key]
    if any(str(r.get(id_field)) == str(value) for r in await _rows(api, key)):
        return CheckItem(key, True, f"{value} exists ({purpose}).")
    choices = await setting_choices(api, key)
    return CheckItem(key, False, f"NexoPOS has no {value} for {key}; choose one of: {choices}")


def missing_settings(
    settings: NexoSettings, needs: Collection[Capability]
) -> tuple[MissingSetting, ...]:
    if Capability.SALES_CREATE in needs and settings.customer_group_id is None:
        return (MissingSetting("customer_group_id", "new customers of WooCommerce orders"),)
    return ()


async def check_connection(
    api: NexoApi, in_use: Collection[Capability] | None = None
) -> CheckResult:
    """Every check; ``in_use`` is what the connection's directions use (None: not told)."""
    first, granted = await _token(api)
    if not first.ok:
        return CheckResult((first,))
    items = [first, _permissions(api.settings, granted, in_use)]
    try:
        items.append(await _version(api))
        for key in DEFAULTS:
            item = await _default(api, key)
            if item is not None:
                items.append(item)
    except RemoteError as error:
        items.append(CheckItem("connection", False, f"NexoPOS failed mid-check: {error.message}"))
    return CheckResult(tuple(items))
