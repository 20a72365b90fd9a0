"""A small Slovak company: warehouses, numbering sequences and stock cards.

Field names of stock cards and warehouses are inferred [I] (see company.py).
Prices are kept both net and with VAT, as KROS's price list shows both [I].
"""

from __future__ import annotations

import random
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sandbox.kros.company import KrosSandbox

__all__ = ["SEQUENCES", "WAREHOUSES", "seed_company"]

WAREHOUSES = (
    {"id": 1, "code": "HS", "name": "Hlavný sklad"},
    {"id": 2, "code": "PR", "name": "Predajňa"},
)
SEQUENCES = (
    {"id": 1, "numberingSequence": "OF", "name": "Odberateľské faktúry",
     "documentType": "IssuedInvoice"},
    {"id": 2, "numberingSequence": "ZF", "name": "Zálohové faktúry",
     "documentType": "ProformaInvoice"},
    {"id": 3, "numberingSequence": "PO", "name": "Prijaté objednávky",
     "documentType": "ReceivedOrder"},
    {"id": 4, "numberingSequence": "DB", "name": "Dobropisy", "documentType": "IssuedInvoice"},
)  # fmt: skip
_NAMES = ("Hrnček", "Šálka", "Tanier", "Miska", "Podšálka", "Džbán", "Váza", "Kanvica")
_VAT = (Decimal("23"), Decimal("19"), Decimal("5"))


def _item(index: int, rng: random.Random, changed: str) -> dict:
    net = Decimal(rng.randint(200, 5000)) / 100
    vat = _VAT[index % len(_VAT)]
    gross = (net * (100 + vat) / 100).quantize(Decimal("0.01"))
    name = f"{_NAMES[index % len(_NAMES)]} {index + 1}"
    return {
        "id": 100 + index,
        "itemCode": f"K{1000 + index}",
        "name": name,
        "eanCode": f"858{index:09d}{index % 10}",
        "description": f"<p>{name} z majoliky.</p>",
        "shortDescription": f"{name}",
        "measureUnit": "ks",
        "vatRate": float(vat),
        "unitPrice": float(net),
        "unitPriceInclVat": float(gross),
        "markedForEshop": index % 7 != 6,
        "catalogItemChangedTimestamp": changed,
        "stock": [
            {"warehouseCode": "HS", "quantity": float(rng.randint(5, 40))},
            {"warehouseCode": "PR", "quantity": float(rng.randint(0, 5))},
        ],
    }


def seed_company(company: KrosSandbox, products: int, rng_seed: int) -> None:
    rng = random.Random(rng_seed)
    changed = company.now_text()
    with company.lock:
        company.warehouses = [dict(w) for w in WAREHOUSES]
        company.sequences = [dict(s, lastNumber=0) for s in SEQUENCES]
        company.items = [_item(i, rng, changed) for i in range(products)]
