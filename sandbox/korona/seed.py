"""The master data every sandbox account starts with.

Shaped like a small Austrian shop: 20 / 10 / 0 % VAT (tax included in
prices), a store and a central warehouse plus an office without stock, a
Retail and a Webshop price group, a three-level commodity-group tree, an
external webshop POS (the one receipts are posted through) and a normal
till that must be refused.
"""

from __future__ import annotations

from typing import Any

from sandbox.korona import ids
from sandbox.korona.masterdata import MasterData
from sandbox.korona.wire import reference

__all__ = ["GROUP_TREE", "LeafGroup", "leaf_groups", "seed_master_data"]

# top level -> second level -> leaves (name, sector)
GROUP_TREE: dict[str, dict[str, tuple[tuple[str, str], ...]]] = {
    "Food": {
        "Beverages": (("Coffee", "reduced"), ("Tea", "reduced"), ("Juices", "reduced")),
        "Snacks": (("Chocolate", "reduced"), ("Crisps", "reduced")),
        "Pantry": (("Pasta", "reduced"), ("Sauces", "reduced")),
    },
    "Household": {
        "Kitchen": (("Cookware", "standard"), ("Utensils", "standard")),
        "Cleaning": (("Detergents", "standard"),),
    },
    "Books & Stationery": {
        "Books": (("Fiction", "reduced"), ("Cookbooks", "reduced")),
        "Stationery": (("Notebooks", "standard"), ("Pens", "standard")),
    },
    "Vouchers": {"Gift cards": (("Gift cards", "free"),)},
}
_SECTORS = {
    "standard": ids.SECTOR_STANDARD_ID,
    "reduced": ids.SECTOR_REDUCED_ID,
    "free": ids.SECTOR_FREE_ID,
}

LeafGroup = tuple[str, str, str]  # (commodity group id, leaf name, sector id)


def leaf_groups() -> list[LeafGroup]:
    """The leaves of :data:`GROUP_TREE`, the groups products are filed under."""
    return [
        (ids.stable_id(f"commodityGroup:{top}/{mid}/{leaf}"), leaf, _SECTORS[sector])
        for top, mids in GROUP_TREE.items()
        for mid, leaves in mids.items()
        for leaf, sector in leaves
    ]


def seed_master_data(master: MasterData) -> None:
    _money(master)
    _taxes(master)
    _org_units(master)
    _points_of_sale(master)
    _commodity_groups(master)


def _money(master: MasterData) -> None:
    master.add("currencies", ids.CURRENCY_EUR_ID, "1", {"name": "Euro", "isoCode": "EUR"})
    master.add("economicZones", ids.ECONOMIC_ZONE_ID, "1", {"name": "Domestic"})
    eur = master.reference("currencies", ids.CURRENCY_EUR_ID)
    for gid, number, name in (
        (ids.PRICE_GROUP_RETAIL_ID, "1", "Retail"),
        (ids.PRICE_GROUP_WEBSHOP_ID, "2", "Webshop"),
    ):
        master.add("priceGroups", gid, number, {"name": name, "currency": eur, "netPrices": False})
    for pid, number, name in (
        (ids.PAYMENT_CASH_ID, "1", "Cash"),
        (ids.PAYMENT_CARD_ID, "2", "Card"),
        (ids.PAYMENT_WEBSHOP_ID, "3", "Webshop prepaid"),
        (ids.PAYMENT_PAYPAL_ID, "4", "PayPal"),
    ):
        master.add("paymentMethods", pid, number, {"name": name, "currency": eur})


def _taxes(master: MasterData) -> None:
    zone = master.reference("economicZones", ids.ECONOMIC_ZONE_ID)
    rows = (
        (ids.SALES_TAX_STANDARD_ID, ids.SECTOR_STANDARD_ID, "1", "20", "Standard", "FULL"),
        (ids.SALES_TAX_REDUCED_ID, ids.SECTOR_REDUCED_ID, "2", "10", "Reduced", "REDUCED"),
        (ids.SALES_TAX_FREE_ID, ids.SECTOR_FREE_ID, "3", "0", "Tax free", "TAX_FREE"),
    )
    for tax_id, sector_id, number, rate, name, key in rows:
        master.add(
            "salesTaxes",
            tax_id,
            number,
            {
                "name": f"VAT {rate} %",
                "included": True,
                "rates": [{"rate": int(rate), "validFrom": "2016-01-01T00:00:00Z"}],
                "economicZone": zone,
                "dsfinvkTaxKey": key,
            },
        )
        tax_ref = master.reference("salesTaxes", tax_id)
        body = {"name": f"{name} {rate} %", "salesTaxes": [{"index": 0, "salesTax": tax_ref}]}
        master.add("sectors", sector_id, number, body)


def _org_units(master: MasterData) -> None:
    zone = master.reference("economicZones", ids.ECONOMIC_ZONE_ID)
    office = master.add("organizationalUnits", ids.ORG_OFFICE_ID, "1", _org("Head office", zone))
    parent = reference(office.id, office.number, "Head office")
    for oid, number, name in (
        (ids.ORG_STORE_ID, "2", "Store Vienna"),
        (ids.ORG_WAREHOUSE_ID, "3", "Central warehouse"),
    ):
        body = _org(name, zone) | {"warehouse": True, "parentOrganizationalUnit": parent}
        master.add("organizationalUnits", oid, number, body)


def _org(name: str, zone: dict[str, str]) -> dict[str, Any]:
    retail = reference(ids.PRICE_GROUP_RETAIL_ID, "1", "Retail")
    return {"name": name, "warehouse": False, "economicZone": zone, "priceGroup": retail}


def _points_of_sale(master: MasterData) -> None:
    units = "organizationalUnits"
    for pos_id, number, name, pos_type, org, prefix in (
        (ids.POS_WEBSHOP_ID, "1", "Webshop", "EXTERNAL", ids.ORG_WAREHOUSE_ID, "WEB-"),
        (ids.POS_TILL_ID, "2", "Till 1", "STANDARD", ids.ORG_STORE_ID, "K1-"),
    ):
        body = {
            "name": name,
            "type": pos_type,
            "external": pos_type == "EXTERNAL",
            "organizationalUnit": master.reference(units, org),
            "warehouse": master.reference(units, org),
            "receiptNumberPrefix": prefix,
            "fiscalServiceType": "NONE",
            "defaultPaymentMethod": master.reference("paymentMethods", ids.PAYMENT_CASH_ID),
        }
        master.add("pointsOfSale", pos_id, number, body)


def _commodity_groups(master: MasterData) -> None:
    numbers = iter(range(1, 1000))

    def add(path: str, name: str, parent: str | None) -> str:
        gid = ids.stable_id(f"commodityGroup:{path}")
        body: dict[str, Any] = {"name": name, "key": path.upper().replace(" ", "_")[:40]}
        if parent:
            body["parentCommodityGroup"] = master.reference("commodityGroups", parent)
        master.add("commodityGroups", gid, str(next(numbers)), body)
        return gid

    for top, mids in GROUP_TREE.items():
        top_id = add(top, top, None)
        for mid, leaves in mids.items():
            mid_id = add(f"{top}/{mid}", mid, top_id)
            for leaf, _sector in leaves:
                add(f"{top}/{mid}/{leaf}", leaf, mid_id)
