"""The KORONA adapter against the strict sandbox, on the points its spec decides.

Numbers from KORONA Studio resolved to uuids by object type, paging by the
envelope, the price group by id (none chosen: refused), net groups
converted, receipt lines with KORONA's own tax rate, the customer link, the
booking time, voiding a QUEUED receipt, weight.  Every exchange is checked
against the OpenAPI document (uuid path parameters included) on teardown.
"""
# ruff: noqa: F811

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from decimal import Decimal

import httpx
import pytest

from engine.backends import IdempotencyKey, SaleRef, SaleState
from engine.backends.korona import KoronaBackend
from engine.errors import ConfigError
from engine.model import Customer, LocationKind
from sandbox.korona import (
    ORG_STORE_ID,
    ORG_WAREHOUSE_ID,
    POS_WEBSHOP_ID,
    PRICE_GROUP_WEBSHOP_ID,
    SALES_TAX_FREE_ID,
    SALES_TAX_REDUCED_ID,
    SALES_TAX_STANDARD_ID,
    SECTOR_FREE_ID,
    SECTOR_REDUCED_ID,
    SECTOR_STANDARD_ID,
    KoronaSandbox,
)
from tests.contract.korona import KoronaContract
from tests.integration.test_korona_adapter_reads import (  # noqa: F401 - fixtures
    FAST_RETRY,
    ContractTransport,
    collect,
    contract,
    kb,
    korona_settings,
    make_backend,
    slot,
)
from tests.integration.test_korona_adapter_sales import make_order

KEY = IdempotencyKey("shop1", 4711, 1)


class RecordingTransport(ContractTransport):
    """The contract check, plus every request kept to read what was sent."""

    def __init__(self, contract: KoronaContract) -> None:
        super().__init__(contract)
        self.requests: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return await super().handle_async_request(request)

    def posted_receipts(self) -> list[dict]:
        """Each receipt as last sent (a POST refused as not coupled is sent again)."""
        posts = [r for r in self.requests if r.method == "POST" and "/receipts" in r.url.path]
        sent = [receipt for r in posts for receipt in json.loads(r.content, parse_float=Decimal)]
        return list({receipt["number"]: receipt for receipt in sent}.values())


@pytest.fixture
async def recorded(slot, kb: KoronaSandbox, contract: KoronaContract) -> AsyncIterator:
    made: list[tuple[KoronaBackend, RecordingTransport]] = []

    def build(**changes: object) -> tuple[KoronaBackend, RecordingTransport]:
        transport = RecordingTransport(contract)
        backend = KoronaBackend(
            korona_settings(slot[0], kb, **changes), transport=transport, retry=FAST_RETRY
        )
        made.append((backend, transport))
        return backend, transport

    yield build
    for backend, _ in made:
        await backend.aclose()


def _sector_of(kb: KoronaSandbox, number: str) -> str:
    return kb.product(number)["sector"]["id"]


# ---------------------------------------------------------------- numbers from Studio


async def test_receipts_name_the_warehouse_by_uuid_when_configured_by_number(
    recorded, kb: KoronaSandbox
) -> None:
    backend, sent = recorded(warehouse_id="3", point_of_sale_id="1", price_group="2")
    await backend.create_sale(make_order(kb), KEY)
    (receipt,) = sent.posted_receipts()
    assert receipt["warehouse"] == {"id": ORG_WAREHOUSE_ID}
    assert receipt["pointOfSale"] == {"id": POS_WEBSHOP_ID}
    (stored,) = kb.receipts()
    assert stored["warehouse"]["id"] == ORG_WAREHOUSE_ID
    lookups = [r for r in sent.requests if r.url.params.get("number") == "3"]
    assert len(lookups) == 1  # resolved once ...
    await backend.create_sale(make_order(kb), IdempotencyKey("shop1", 4712, 1))
    assert len([r for r in sent.requests if r.url.params.get("number") == "3"]) == 1  # ... reused


async def test_check_resolves_numbers_before_building_a_path(recorded) -> None:
    backend, sent = recorded(warehouse_id="3", point_of_sale_id="1", price_group="Webshop")
    result = await backend.check()
    assert result.ok, result.summary
    paths = [r.url.path for r in sent.requests]
    assert any(p.endswith(f"/organizationalUnits/{ORG_WAREHOUSE_ID}") for p in paths)
    assert any(p.endswith(f"/pointsOfSale/{POS_WEBSHOP_ID}") for p in paths)
    assert not any(p.endswith(("/organizationalUnits/3", "/pointsOfSale/1")) for p in paths)


async def test_check_names_a_number_that_does_not_exist(make_backend) -> None:
    result = await make_backend(warehouse_id="77", point_of_sale_id="99").check()
    failed = {item.name: item.message for item in result.items if not item.ok}
    assert failed == {
        "point of sale": "Point of sale 99 does not exist.",
        "warehouse": "Organizational unit 77 does not exist.",
    }


async def test_a_number_is_looked_up_in_its_own_object_type(make_backend) -> None:
    """POS "2" is the till, warehouse "2" the store: one must not shadow the other."""
    backend = make_backend(point_of_sale_id=None)
    store = await backend.select_location("2", LocationKind.WAREHOUSE)
    assert (store.id, store.kind) == (ORG_STORE_ID, LocationKind.WAREHOUSE)
    levels = [s for page in await collect(backend.read_stock()) for s in page.items]
    assert levels and {s.location_id for s in levels} == {ORG_STORE_ID}
    with pytest.raises(ConfigError, match="a point of sale and a warehouse numbered 2"):
        await backend.select_location("2")
    webshop = await backend.select_location("1")  # only a POS has number 1 among both types
    assert (webshop.id, webshop.kind) == (POS_WEBSHOP_ID, LocationKind.POINT_OF_SALE)
    with pytest.raises(ConfigError, match="Head office has no warehouse"):
        await backend.select_location("1", LocationKind.WAREHOUSE)


# ---------------------------------------------------------------- paging


async def test_a_capped_page_size_still_reads_every_product(make_backend, kb) -> None:
    kb.knobs.update(page_cap=40)
    pages = await collect(make_backend(page_size=100).read_products())
    assert [len(page.items) for page in pages] == [40] * 7 + [20]
    assert len({p.id for page in pages for p in page.items}) == len(kb.catalog) == 300


# ---------------------------------------------------------------- price group


async def test_without_a_price_group_no_price_is_published_and_check_fails(
    make_backend,
) -> None:
    backend = make_backend(price_group=None)
    with pytest.raises(ConfigError, match="no KORONA price group chosen") as info:
        await collect(backend.read_products())
    assert "1 Retail, 2 Webshop" in info.value.hint
    result = await backend.check()
    (item,) = [i for i in result.items if i.name == "price group"]
    assert not item.ok and "1 Retail, 2 Webshop" in item.message


@pytest.mark.parametrize("handle", ["Webshop", "2", PRICE_GROUP_WEBSHOP_ID])
async def test_price_group_by_name_number_or_uuid_gives_the_same_prices(
    make_backend, kb: KoronaSandbox, handle: str
) -> None:
    products = [p for page in await collect(make_backend(price_group=handle).read_products())
                for p in page.items]  # fmt: skip
    priced = [p for p in products if p.price is not None and p.active]
    assert priced
    for product in priced[:20]:
        rows = kb.product(product.sku)["prices"]
        web = [r["value"] for r in rows if r["priceGroup"]["id"] == PRICE_GROUP_WEBSHOP_ID]
        assert product.price.amount == web[-1]


async def test_a_net_price_group_is_grossed_up_with_the_sector_rate(
    make_backend, kb: KoronaSandbox
) -> None:
    group = kb.master.tables["priceGroups"].get(PRICE_GROUP_WEBSHOP_ID)
    group.body["netPrices"] = True
    kb.master.touch("priceGroups", group)
    numbers = [r.number for r in kb.catalog.table if r.active and not r.deactivated]
    standard = next(n for n in numbers if _sector_of(kb, n) == SECTOR_STANDARD_ID)
    reduced = next(n for n in numbers if _sector_of(kb, n) == SECTOR_REDUCED_ID)
    kb.set_price(standard, Decimal("10.00"), PRICE_GROUP_WEBSHOP_ID)
    kb.set_price(reduced, Decimal("10.00"), PRICE_GROUP_WEBSHOP_ID)

    async def prices(**changes: object) -> dict[str, Decimal | None]:
        pages = await collect(make_backend(**changes).read_products())
        return {p.sku: p.price.amount if p.price else None for page in pages for p in page.items}

    gross_shop = await prices()
    assert (gross_shop[standard], gross_shop[reduced]) == (Decimal("12.00"), Decimal("11.00"))
    net_shop = await prices(price_includes_tax=False)
    assert (net_shop[standard], net_shop[reduced]) == (Decimal("10.00"), Decimal("10.00"))


# ---------------------------------------------------------------- receipts


async def test_receipt_lines_carry_the_sector_s_sales_tax_and_rate(
    recorded, kb: KoronaSandbox
) -> None:
    backend, sent = recorded()
    order = make_order(kb)
    await backend.create_sale(order, KEY)
    (receipt,) = sent.posted_receipts()
    taxes = {
        SECTOR_STANDARD_ID: (SALES_TAX_STANDARD_ID, 20),
        SECTOR_REDUCED_ID: (SALES_TAX_REDUCED_ID, 10),
        SECTOR_FREE_ID: (SALES_TAX_FREE_ID, 0),
    }
    for line, item in zip(order.lines, receipt["items"], strict=True):
        sector = _sector_of(kb, line.sku)
        (payment,) = item["total"]["taxPayments"]
        assert item["sector"] == {"id": sector}
        assert item["product"] == {"id": kb.product(line.sku)["id"]}
        assert payment["salesTax"] == {"id": taxes[sector][0]}
        assert payment["taxRate"] == taxes[sector][1]  # KORONA's, not net/tax arithmetic
        assert payment["amount"] == line.tax.amount  # what the shop charged


async def test_receipt_names_the_customer_the_customers_job_created(
    recorded, kb: KoronaSandbox
) -> None:
    backend, sent = recorded()
    eva = Customer(email="eva@example.com", first_name="Eva", last_name="Moser", woo_id=77)
    created = await backend.write_customer(eva)
    order = make_order(kb)
    order = order.__class__(**{**order.__dict__, "customer": eva})
    await backend.create_sale(order, KEY)
    guest = make_order(kb)  # no WooCommerce account: no KORONA customer
    await backend.create_sale(guest, IdempotencyKey("shop1", 4712, 1))
    first, second = sent.posted_receipts()
    assert first["customer"] == {"id": created}
    assert "customer" not in second


async def test_booking_time_is_when_the_order_was_completed(recorded, kb: KoronaSandbox) -> None:
    backend, sent = recorded()
    order = make_order(kb)
    placed = datetime(2025, 6, 1, 18, 0, tzinfo=UTC)
    completed = datetime(2025, 6, 3, 9, 45, tzinfo=UTC)
    order = order.__class__(**{**order.__dict__, "created_gmt": placed, "trigger_gmt": completed})
    await backend.create_sale(order, KEY)
    (receipt,) = sent.posted_receipts()
    assert receipt["bookingTime"] == "2025-06-03T09:45:00+00:00"
    assert receipt["creationTime"] == "2025-06-01T18:00:00+00:00"


async def test_a_queued_receipt_is_voided_after_finding_its_id_by_number(
    recorded, kb: KoronaSandbox
) -> None:
    backend, sent = recorded()
    kb.knobs.update(receipt_fault="queued")
    sale = await backend.create_sale(make_order(kb), KEY)
    assert sale.state is SaleState.PENDING and sale.id == ""
    linked = SaleRef(sale.number, sale.number, KEY.value)  # the link keeps the number as id
    void = await backend.void_sale(linked, KEY)
    original = next(r for r in kb.receipts() if not r.get("reversal"))
    assert void.state is SaleState.VOIDED and void.reverses == original["id"]
    (reversal,) = sent.posted_receipts()[1:]
    assert reversal["reversedReceipt"]["id"] == original["id"]
    assert not any(r.url.path.endswith(f"/receipts/{sale.number}") for r in sent.requests)


async def test_weight_comes_from_the_configured_custom_property(
    make_backend, kb: KoronaSandbox
) -> None:
    products = [p for page in await collect(make_backend().read_products()) for p in page.items]
    sample = next(p for p in products if p.active and kb.product(p.sku).get("customProperties"))
    expected = Decimal(kb.product(sample.sku)["customProperties"]["weight"])
    assert sample.weight == expected
    unset = [p for page in await collect(make_backend(weight_property=None).read_products())
             for p in page.items]  # fmt: skip
    assert all(p.weight is None for p in unset)
