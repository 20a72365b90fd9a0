"""Tax-class mappings checked against the shop's own classes.

WooCommerce slugs a product's ``tax_class`` as it stores it and quietly
stores an unknown class as ``""`` (standard rate) with a 200: a mapping to
``zero_rate`` (the class is ``zero-rate``) sold 0 % goods at 20 %.  So a
mapping is accepted only when its class is one of ``GET /taxes/classes``;
it is stored as the slug the shop uses (``Reduced rate`` -> ``reduced-rate``).
``mappings import`` refuses a file with an unknown class, ``doctor`` names
any saved one, and the catalog job never writes one (it sets the product
aside with the reason).
"""

from __future__ import annotations

from collections.abc import Mapping

from engine.errors import ConfigError, RemoteError
from engine.runtime.connection import ConnectionRuntime
from engine.runtime.doctor import CheckStatus, DoctorCheck
from engine.store import StateStore
from engine.store.mappings import MappingKind
from engine.sync.shop_values import shop_tax_class_slugs, tax_class_slug

__all__ = ["checked_tax_classes", "tax_class_check", "unknown_tax_classes"]


def unknown_tax_classes(pairs: Mapping[str, str], known: frozenset[str]) -> dict[str, str]:
    """``{back-office code: class}`` of the mappings whose class the shop lacks."""
    return {code: cls for code, cls in pairs.items() if tax_class_slug(cls) not in known}


def _listing(known: frozenset[str]) -> str:
    return ", ".join(sorted(c or "standard" for c in known))


async def checked_tax_classes(
    conn: ConnectionRuntime, pairs: Mapping[str, str], source: str
) -> dict[str, str]:
    """``pairs`` with each class as the shop's slug; ConfigError if one is unknown."""
    try:
        known = shop_tax_class_slugs(await conn.woo.list_tax_classes())
    except RemoteError as exc:
        raise ConfigError(
            f"{source}: cannot check the tax classes against WooCommerce: {exc.message}",
            hint="nothing was imported; run the import again when the shop answers",
        ) from None
    unknown = unknown_tax_classes(pairs, known)
    if unknown:
        listed = ", ".join(f"{code} = {cls!r}" for code, cls in unknown.items())
        raise ConfigError(
            f"{source}: WooCommerce has no tax class {listed}; nothing was imported",
            hint=f"the shop's tax classes are: {_listing(known)}",
        )
    return {code: tax_class_slug(cls) for code, cls in pairs.items()}


async def tax_class_check(conn: ConnectionRuntime, store: StateStore) -> DoctorCheck:
    """Doctor: every saved tax-class mapping names a class the shop has."""
    name = conn.name
    saved = await store.mappings.of_kind(MappingKind.TAX_CLASS, connection=name)
    try:
        known = shop_tax_class_slugs(await conn.woo.list_tax_classes())
    except RemoteError as exc:
        return DoctorCheck("tax classes", CheckStatus.WARN, f"cannot list: {exc.message}", "", name)
    unknown = unknown_tax_classes(saved, known)
    if unknown:
        listed = ", ".join(f"{code} -> {cls!r}" for code, cls in unknown.items())
        hint = (
            f"the shop's tax classes are: {_listing(known)}; fix the mapping (Mappings "
            "screen or `tillsync mappings import`); products using it are set aside"
        )
        return DoctorCheck(
            "tax classes", CheckStatus.FAIL, f"unknown in WooCommerce: {listed}", hint, name
        )
    text = f"{len(saved)} tax class mapping(s), all known to WooCommerce"
    return DoctorCheck("tax classes", CheckStatus.OK, text, connection=name)
