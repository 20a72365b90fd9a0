"""A believable account: one site, a category tree, VAT groups, price lists,
two warehouses (one Virtual, one FIFO), products with variants, vouchers.

Deterministic for a given ``rng_seed``.  Every ``variant_every``-th product is
a main variant with three sizes (``variantparentid`` on each, the main one
pointing at itself [V]).
"""

from __future__ import annotations

import random
from decimal import Decimal

from sandbox.sitoo.account import (
    ESHOP_ID,
    WAREHOUSE_FIFO,
    WAREHOUSE_VIRTUAL,
    SitooSandbox,
)
from sandbox.sitoo.stock import set_total
from sandbox.sitoo.wire import money

__all__ = ["PRICELIST_OUTLET", "PRICELIST_WEBSHOP", "WAREHOUSE_STORE", "WAREHOUSE_WEB", "seed"]

PRICELIST_WEBSHOP, PRICELIST_OUTLET = 1, 2
WAREHOUSE_WEB, WAREHOUSE_STORE = 1, 2
_TREE = {"Clothing": ("Shirts", "Trousers"), "Home": ("Kitchen", "Bedroom"), "Gifts": ()}
_SIZES = ("S", "M", "L")


def _reference(sb: SitooSandbox) -> None:
    sb.sites[ESHOP_ID] = {
        "eshopid": ESHOP_ID,
        "protocol": "https",
        "server": "shop.example",
        "abspath": "/",
        "siteurl": "https://shop.example/",
    }
    for vatid, (name, value) in enumerate((("Standard", 25), ("Food", 12), ("Books", 6)), 1):
        sb.productgroups[vatid] = {
            "vatid": vatid,
            "value": value,
            "productgrouptype": 0,
            "productgroupname": name,
            "comment": "",
        }
    for mid, name in enumerate(("Nordic Wear", "Hemma AB", "Gåvan"), 1):
        sb.manufacturers[mid] = {"externalcompanyid": mid, "name": name}
    for pid, name in ((PRICELIST_WEBSHOP, "Webshop"), (PRICELIST_OUTLET, "Outlet")):
        sb.pricelists[pid] = {
            "pricelistid": pid,
            "pricelistname": name,
            "active": True,
            "currencycode": "SEK",
            "pricelistdescription": "",
            "tags": [],
        }
        sb.pricelist_items[pid] = {}
    for wid, name, kind in (
        (WAREHOUSE_WEB, "Webshop (virtual)", WAREHOUSE_VIRTUAL),
        (WAREHOUSE_STORE, "Store Stockholm", WAREHOUSE_FIFO),
    ):
        sb.warehouses[wid] = {
            "warehouseid": wid,
            "warehousetype": kind,
            "usetype": 10,
            "sellable": True,
            "currencycode": "SEK",
            "name": name,
        }


def _categories(sb: SitooSandbox) -> list[int]:
    leaves = []
    for title, children in _TREE.items():
        top = sb.next_id("category")
        sb.categories[top] = {
            "categoryid": top,
            "title": title,
            "visible": True,
            "sortorder": top,
            "datemodified": sb.now(),
        }
        leaves.append(top) if not children else None
        for child in children:
            cid = sb.next_id("category")
            sb.categories[cid] = {
                "categoryid": cid,
                "categoryparentid": top,
                "title": child,
                "visible": True,
                "sortorder": cid,
                "datemodified": sb.now(),
            }
            leaves.append(cid)
    return leaves


def add_product(
    sb: SitooSandbox,
    sku: str,
    title: str,
    price: Decimal,
    *,
    category: int,
    vatid: int = 1,
    manufacturer: int | None = None,
    parent: int | None = None,
    attributes: tuple[str, ...] = (),
) -> int:
    """One product straight into the account (and its Webshop price and stock)."""
    pid = sb.next_id("product")
    sb.products[pid] = {
        "productid": pid,
        "sku": sku,
        "title": title,
        "active": True,
        "activepos": True,
        "descriptionshort": f"{title}.",
        "description": f"<p>{title}, made to last.</p>",
        "moneyprice": money(price),
        "vatid": vatid,
        "categories": [str(category)],
        "defaultcategoryid": category,
        "stockcountenable": True,
        "barcode": f"73{pid:011d}",
        "variantparentid": pid if parent == 0 else parent,
        "datecreated": sb.now(),
        "datemodified": sb.now(),
        "_attributes": list(attributes),
    }
    if manufacturer is not None:
        sb.products[pid]["manufacturerid"] = manufacturer
    sb.images[pid] = [{"resourceid": f"images/{sku.lower()}.jpg", "mimetype": "image/jpeg",
                       "width": 800, "height": 800, "datecreated": sb.now()}]  # fmt: skip
    sb.pricelist_items[PRICELIST_WEBSHOP][pid] = {
        "productid": pid,
        "sku": sku,
        "moneyprice": money(price),
    }
    return pid


def _variants(sb: SitooSandbox, main: int, price: Decimal, category: int) -> None:
    sku = sb.products[main]["sku"]
    sb.variant_groups[main] = [{"name": "Size", "options": list(_SIZES)}]
    for size in _SIZES[1:]:
        add_product(
            sb,
            f"{sku}-{size}",
            f"{sb.products[main]['title']} {size}",
            price,
            category=category,
            parent=main,
            attributes=(size,),
        )
    sb.products[main]["_attributes"] = [_SIZES[0]]


def seed(sb: SitooSandbox, products: int = 60, rng_seed: int = 1, variant_every: int = 5) -> None:
    """Fill an empty account (under its lock)."""
    rng = random.Random(rng_seed)
    with sb.lock:
        _reference(sb)
        leaves = _categories(sb)
        for n in range(1, products + 1):
            price = Decimal(rng.randrange(4900, 99900, 100)) / 100
            category = leaves[n % len(leaves)]
            main = variant_every and n % variant_every == 0
            pid = add_product(
                sb,
                f"SIT-{1000 + n}",
                f"Article {1000 + n}",
                price,
                category=category,
                vatid=1 + n % 3,
                manufacturer=1 + n % 3,
                parent=0 if main else None,
            )
            if main:
                _variants(sb, pid, price, category)
        for row in list(sb.products.values()):
            set_total(sb, WAREHOUSE_WEB, row["sku"], Decimal(rng.randrange(0, 40)))
            set_total(sb, WAREHOUSE_STORE, row["sku"], Decimal(rng.randrange(0, 15)))
        for code, value in (("WELCOME10", 10), ("SUMMER", 20)):
            vid = sb.next_id("voucher")
            sb.vouchers[vid] = {
                "voucherid": vid,
                "vouchername": f"{code} campaign",
                "vouchercode": code,
                "vouchertype": 200,
                "value_x": value,
                "activepos": True,
                "datecreated": sb.now(),
            }
