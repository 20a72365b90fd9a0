"""KoronaBackend reads against the KORONA sandbox over a real loopback socket.

Every request the adapter sends and every answer it gets is checked against
KORONA's OpenAPI document (``contract`` fixture asserts on teardown).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from decimal import Decimal

import pytest

from engine.backends import Backend, Capability, Page
from engine.backends.korona import KoronaBackend, KoronaConfigError, KoronaSettings
from engine.errors import ConfigError, FailureKind
from engine.model import LocationKind
from engine.transport import RetryPolicy
from sandbox.korona import (
    DEFAULT_PASSWORD,
    DEFAULT_USER,
    ORG_OFFICE_ID,
    ORG_STORE_ID,
    ORG_WAREHOUSE_ID,
    PAYMENT_CARD_ID,
    POS_TILL_ID,
    POS_WEBSHOP_ID,
    PRICE_GROUP_WEBSHOP_ID,
    SECTOR_REDUCED_ID,
    KoronaSandbox,
    create_app,
)
from sandbox.server import serve_in_thread
from tests.contract.korona import AppSlot, KoronaContract
from tests.contract.recorder import ContractTransport

FAST_RETRY = RetryPolicy(max_attempts=3, base_delay=0.01, max_delay=0.05, jitter=False)


@pytest.fixture(scope="module")
def slot() -> Iterator[tuple[str, AppSlot]]:
    app_slot = AppSlot()
    with serve_in_thread(app_slot) as running:
        yield running.url, app_slot


@pytest.fixture
def kb(slot: tuple[str, AppSlot]) -> KoronaSandbox:
    sandbox = KoronaSandbox()
    sandbox.seed_demo(products=300, rng_seed=3)
    slot[1].app = create_app(sandbox)
    return sandbox


@pytest.fixture
def contract() -> Iterator[KoronaContract]:
    recorder = KoronaContract()
    yield recorder
    assert recorder.exchanges, "the adapter sent no KORONA request through the recorder"
    recorder.assert_all_valid()


def korona_settings(url: str, kb: KoronaSandbox, **changes: object) -> KoronaSettings:
    values: dict = {
        "base_url": f"{url}/web/api/v3",
        "account_id": kb.account_id,
        "user": DEFAULT_USER,
        "password": DEFAULT_PASSWORD,
        "price_group": "Webshop",
        "warehouse_id": ORG_WAREHOUSE_ID,
        "point_of_sale_id": POS_WEBSHOP_ID,
        "coupling_id": "tillsync-test-device",
        "payment_methods": {"stripe": PAYMENT_CARD_ID},
        "default_payment_method": "1",
        "page_size": 100,
    }
    values.update(changes)
    return KoronaSettings(**values)


@pytest.fixture
async def make_backend(
    slot: tuple[str, AppSlot], kb: KoronaSandbox, contract: KoronaContract
) -> AsyncIterator:
    made: list[KoronaBackend] = []

    def build(**changes: object) -> KoronaBackend:
        settings = korona_settings(slot[0], kb, **changes)
        backend = KoronaBackend(settings, transport=ContractTransport(contract), retry=FAST_RETRY)
        made.append(backend)
        return backend

    yield build
    for backend in made:
        await backend.aclose()


async def collect(pages: AsyncIterator[Page]) -> list[Page]:
    return [page async for page in pages]


# ---------------------------------------------------------------- catalogue


async def test_full_read_streams_every_product_in_pages_with_cursors(
    make_backend, kb: KoronaSandbox
) -> None:
    backend = make_backend()
    assert isinstance(backend, Backend)
    pages = await collect(backend.read_products())
    products = [p for page in pages for p in page.items]
    assert len(pages) == 3 and all(len(page.items) <= 100 for page in pages)
    assert {page.total for page in pages} == {300}
    assert len(products) == len(kb.catalog) == 300  # deleted ones included, as inactive
    assert len({p.id for p in products}) == 300
    cursors = [int(page.cursor) for page in pages]
    assert cursors == sorted(cursors) and cursors[-1] == kb.catalog.table.max_revision
    sample = next(p for p in products if p.active and p.price is not None)
    wire = kb.product(sample.sku)
    webshop = [pr for pr in wire["prices"] if pr["priceGroup"]["id"] == PRICE_GROUP_WEBSHOP_ID]
    assert sample.price is not None and sample.price.amount == Decimal(str(webshop[0]["value"]))
    assert isinstance(sample.price.amount, Decimal) and sample.price.currency == "EUR"
    inactive = {p.id for p in products if not p.active}
    assert inactive == {r.id for r in kb.catalog.table if not r.active or r.deactivated}


async def test_incremental_read_returns_only_what_changed(make_backend, kb: KoronaSandbox) -> None:
    backend = make_backend()
    pages = await collect(backend.read_products())
    cursor = pages[-1].cursor
    number = next(r.number for r in kb.catalog.table if r.active and not r.deactivated)
    kb.set_price(number, Decimal("12.34"), PRICE_GROUP_WEBSHOP_ID)
    changed = [p for page in await collect(backend.read_products(cursor)) for p in page.items]
    assert [(p.sku, p.price.amount if p.price else None) for p in changed] == [
        (number, Decimal("12.34"))
    ]
    assert await collect(backend.read_products(str(changed[0].revision))) == []


async def test_deactivated_product_comes_back_inactive(make_backend, kb: KoronaSandbox) -> None:
    backend = make_backend()
    cursor = (await collect(backend.read_products()))[-1].cursor
    number = next(r.number for r in kb.catalog.table if r.active and not r.deactivated)
    kb.deactivate(number)
    changed = [p for page in await collect(backend.read_products(cursor)) for p in page.items]
    assert [(p.sku, p.active) for p in changed] == [(number, False)]


async def test_keyset_paging_never_skips_a_row_changed_mid_read(
    make_backend, kb: KoronaSandbox
) -> None:
    """A row edited between pages moves to the end; page numbers would skip a row."""
    backend = make_backend(page_size=50)
    seen: set[str] = set()
    async for page in backend.read_products():
        if not seen:
            kb.rename(page.items[0].sku, "Renamed while reading")
        seen.update(p.id for p in page.items)
    assert seen == {r.id for r in kb.catalog.table}


async def test_categories_keep_their_hierarchy(make_backend, kb: KoronaSandbox) -> None:
    backend = make_backend()
    categories = [c for page in await collect(backend.read_categories()) for c in page.items]
    by_id = {c.id: c for c in categories}
    leaves = [c for c in categories if c.name == "Coffee"]
    assert leaves and by_id[leaves[0].parent_id].name == "Beverages"
    assert by_id[by_id[leaves[0].parent_id].parent_id].parent_id is None


async def test_tax_codes_carry_the_current_rate(make_backend) -> None:
    backend = make_backend()
    codes = [t for page in await collect(backend.read_tax_codes()) for t in page.items]
    rates = {t.id: t.rate for t in codes}
    assert rates[SECTOR_REDUCED_ID] == Decimal(10)
    assert sorted(rates.values()) == [Decimal(0), Decimal(10), Decimal(20)]
    assert all(t.included for t in codes)


async def test_reference_lists(make_backend) -> None:
    backend = make_backend()
    locations = [loc for page in await collect(backend.read_locations()) for loc in page.items]
    by_id = {loc.id: loc for loc in locations}
    assert by_id[POS_WEBSHOP_ID].selectable and by_id[POS_WEBSHOP_ID].kind is (
        LocationKind.POINT_OF_SALE
    )
    assert not by_id[POS_TILL_ID].selectable
    assert by_id[ORG_WAREHOUSE_ID].kind is LocationKind.WAREHOUSE
    assert by_id[ORG_OFFICE_ID].kind is LocationKind.BRANCH
    methods = [m for page in await collect(backend.read_payment_methods()) for m in page.items]
    assert "Card" in {m.name for m in methods}
    groups = [g for page in await collect(backend.read_price_groups()) for g in page.items]
    assert {g.name for g in groups} == {"Retail", "Webshop"}


# ---------------------------------------------------------------- stock


async def test_stock_is_read_per_warehouse_and_incrementally(
    make_backend, kb: KoronaSandbox
) -> None:
    backend = make_backend()
    assert Capability.STOCK_READ_CHANGES_SINCE in backend.capabilities
    pages = await collect(backend.read_stock())
    levels = [s for page in pages for s in page.items]
    assert levels and {s.location_id for s in levels} == {ORG_WAREHOUSE_ID}
    sample = levels[0]
    assert sample.sku is not None and sample.quantity == kb.stock_of(sample.sku)
    cursor = pages[-1].cursor
    store_pages = await collect(backend.read_stock(None, ORG_STORE_ID))
    store_cursor = store_pages[-1].cursor  # cursors are per location

    kb.set_stock(sample.sku, Decimal("7.5"))
    kb.set_stock(sample.sku, 99, warehouse_id=ORG_STORE_ID)  # another warehouse: not ours
    changed = [s for page in await collect(backend.read_stock(cursor)) for s in page.items]
    assert [(s.sku, s.quantity) for s in changed] == [(sample.sku, Decimal("7.5"))]

    store = await collect(backend.read_stock(store_cursor, ORG_STORE_ID))
    assert [(s.sku, s.location_id, s.quantity) for page in store for s in page.items] == [
        (sample.sku, ORG_STORE_ID, Decimal(99))
    ]


async def test_stock_without_a_warehouse_is_a_config_error(make_backend) -> None:
    backend = make_backend(warehouse_id=None)
    with pytest.raises(ConfigError, match="no KORONA warehouse"):
        await collect(backend.read_stock())
    assert (await backend.check()).ok  # keep the recorder non-empty


# ---------------------------------------------------------------- check & selection


async def test_check_passes_with_good_settings(make_backend) -> None:
    result = await make_backend().check()
    assert result.ok, result.summary
    assert [item.name for item in result.items] == [
        "credentials", "point of sale", "warehouse", "price group",
    ]  # fmt: skip


async def test_check_reports_a_wrong_password_in_words(make_backend) -> None:
    backend = make_backend(password="not-the-password")
    result = await backend.check()
    assert not result.ok
    assert result.items[0].name == "credentials"
    assert "refused the API user or password" in result.items[0].message
    assert "not-the-password" not in repr(backend.client.last_capture)


async def test_check_flags_a_non_external_pos_and_a_non_warehouse(make_backend) -> None:
    result = await make_backend(point_of_sale_id=POS_TILL_ID, warehouse_id=ORG_OFFICE_ID).check()
    failed = {item.name: item.message for item in result.items if not item.ok}
    assert "only an External POS" in failed["point of sale"]
    assert "holds no stock" in failed["warehouse"]


async def test_selecting_a_non_external_pos_is_refused(make_backend, kb: KoronaSandbox) -> None:
    backend = make_backend(point_of_sale_id=None)
    with pytest.raises(KoronaConfigError) as info:
        await backend.select_location(POS_TILL_ID)
    assert info.value.kind is FailureKind.CONFIG
    assert "only External POS" in info.value.message
    assert kb.coupling_id(POS_TILL_ID) is None


async def test_selecting_the_external_pos_couples_it(make_backend, kb: KoronaSandbox) -> None:
    backend = make_backend(point_of_sale_id=None)
    location = await backend.select_location(POS_WEBSHOP_ID)
    assert location.id == POS_WEBSHOP_ID and location.selectable
    assert kb.coupling_id(POS_WEBSHOP_ID) == "tillsync-test-device"
    again = await backend.select_location(POS_WEBSHOP_ID)  # already ours: verified, kept
    assert again.id == POS_WEBSHOP_ID


async def test_selecting_a_pos_coupled_to_another_device_is_refused(
    make_backend, kb: KoronaSandbox
) -> None:
    await make_backend(coupling_id="someone-else").select_location(POS_WEBSHOP_ID)
    with pytest.raises(KoronaConfigError) as info:
        await make_backend().select_location(POS_WEBSHOP_ID)
    assert info.value.code == "POINT_OF_SALE_COUPLED_WITH_OTHER_DEVICE"
    assert "decouple" in info.value.hint


async def test_selecting_a_warehouse_switches_the_stock_source(make_backend) -> None:
    backend = make_backend()
    location = await backend.select_location(ORG_STORE_ID)
    assert location.kind is LocationKind.WAREHOUSE
    levels = [s for page in await collect(backend.read_stock()) for s in page.items]
    assert levels and {s.location_id for s in levels} == {ORG_STORE_ID}


async def test_numbers_from_studio_work_in_place_of_uuids(make_backend, kb: KoronaSandbox) -> None:
    """Admins copy the POS / warehouse *number*; paths still get the uuid."""
    backend = make_backend(point_of_sale_id="1", warehouse_id="3")
    assert (await backend.check()).ok
    levels = [s for page in await collect(backend.read_stock()) for s in page.items]
    assert levels and {s.location_id for s in levels} == {ORG_WAREHOUSE_ID}
    location = await backend.select_location("1")
    assert location.id == POS_WEBSHOP_ID and kb.coupling_id(POS_WEBSHOP_ID) is not None
    with pytest.raises(ConfigError, match="no point of sale or warehouse 77"):
        await backend.select_location("77")
