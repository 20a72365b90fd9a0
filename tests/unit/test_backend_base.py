"""The Backend protocol's small pieces: keys, pages, check results, refusals, registry."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from engine.backends import (
    Backend,
    BackendBase,
    Capability,
    CheckItem,
    CheckResult,
    IdempotencyKey,
    Page,
    SaleRef,
    UnsupportedCapability,
    available_backends,
    backend_entry,
    create_backend,
    register_backend,
)
from engine.errors import ConfigError, FailureKind
from engine.model import LocationKind
from engine.sync.context import SyncContext
from engine.transport import RequestStats


def test_capability_names_are_the_documented_strings() -> None:
    assert Capability.STOCK_READ_CHANGES_SINCE == "stock.read.changes_since"
    assert Capability("sales.void") is Capability.SALES_VOID
    assert len({c.value for c in Capability}) == len(Capability)


def test_idempotency_key_is_deterministic_short_and_safe() -> None:
    key = IdempotencyKey("https://shop.example.com", 12345, revision=2)
    assert key.value == IdempotencyKey("https://shop.example.com", 12345, 2).value
    assert key.value != IdempotencyKey("https://other.example.com", 12345, 2).value
    assert key.value != IdempotencyKey("https://shop.example.com", 12345, 3).value
    assert len(key.value) <= 40
    assert all(ch.isalnum() or ch == "-" for ch in key.value)


def test_readable_store_token_is_kept_verbatim() -> None:
    assert IdempotencyKey("shop1", 7).value == "WC-shop1-7-0"


def test_void_key_differs_from_sale_key_and_round_trips() -> None:
    sale = IdempotencyKey("shop1", 7, 1)
    void = sale.for_void()
    assert void.value == "WC-shop1-7-1-V"
    assert void.value != sale.value
    assert void.for_void() == void
    assert void.for_sale() == sale


def test_check_result_ok_only_when_every_step_passed() -> None:
    good = CheckItem("credentials", True, "fine")
    bad = CheckItem("point of sale", False, "not external")
    assert CheckResult((good,)).ok
    assert not CheckResult((good, bad)).ok
    assert not CheckResult(()).ok
    assert CheckResult((good, bad)).summary == "point of sale: not external"


class _Nothing(BackendBase):
    name = "nothing"


async def test_base_refuses_every_operation_with_a_config_error() -> None:
    backend = _Nothing()
    assert isinstance(backend, Backend)
    with pytest.raises(UnsupportedCapability) as info:
        async for _ in backend.read_products():
            pass
    assert info.value.capability is Capability.PRODUCTS_READ
    assert info.value.kind is FailureKind.CONFIG
    assert "nothing does not support products.read" in str(info.value)
    with pytest.raises(UnsupportedCapability):
        await backend.void_sale(SaleRef("1"), IdempotencyKey("s", 1))
    with pytest.raises(UnsupportedCapability) as stock:
        await backend.write_stock([])
    assert stock.value.capability is Capability.STOCK_WRITE
    assert not backend.supports(Capability.SALES_CREATE)


def test_page_defaults() -> None:
    page: Page[int] = Page((1, 2))
    assert page.cursor is None and page.total is None


async def test_registry_knows_korona_and_builds_it_from_a_mapping() -> None:
    assert "korona" in available_backends()
    assert backend_entry("KORONA").title == "KORONA POS"
    settings = {
        "base_url": "http://127.0.0.1:1/web/api/v3",
        "account_id": "acc",
        "user": "u",
        "password": "pw-not-shown",
    }
    backend = create_backend("korona", settings)
    assert isinstance(backend, Backend)
    assert Capability.SALES_CREATE in backend.capabilities
    assert "pw-not-shown" not in repr(backend)
    await backend.aclose()


def test_registry_refuses_unknown_names_and_accepts_new_adapters() -> None:
    with pytest.raises(ConfigError, match="unknown back office 'nope'"):
        create_backend("nope", {})
    register_backend("test-nothing", lambda settings: _Nothing(), title="Nothing")
    try:
        assert isinstance(create_backend("test-nothing", None), _Nothing)
    finally:
        from engine import backends

        backends._REGISTRY.pop("test-nothing")


class _Counted(BackendBase):
    """A back office with its own counters and no ``client`` attribute."""

    name = "counted"

    def __init__(self) -> None:
        self._stats = RequestStats()

    @property
    def stats(self) -> RequestStats:
        return self._stats


def test_run_requests_come_from_the_protocol_not_a_client_attribute() -> None:
    woo, backend = SimpleNamespace(stats=RequestStats()), _Counted()
    ctx = SyncContext("c", store=None, woo=woo, backend=backend, bus=None)  # type: ignore[arg-type]
    for status in (200, 201, 500):
        backend.stats.record("POST", status, 10, 10, 0.01)
    woo.stats.record("GET", 200, 10, 10, 0.01)
    assert not hasattr(backend, "client")
    assert ctx.requests_made() == 4


async def test_base_needs_no_settings_and_offers_no_choices() -> None:
    backend = _Nothing()
    assert backend.missing_settings({Capability.SALES_CREATE}) == ()
    assert await backend.setting_choices("warehouse") == ""


def test_base_sent_nothing_captured_nothing_and_uses_no_place() -> None:
    backend = _Nothing()
    assert backend.stats.total == 0 and backend.stats is backend.stats
    assert backend.last_capture is None
    assert dict(backend.locations) == {}


async def test_korona_declares_its_places_counters_and_capture() -> None:
    settings = {
        "base_url": "http://127.0.0.1:1/web/api/v3",
        "account_id": "acc",
        "user": "u",
        "password": "pw",
        "warehouse_id": "2",
        "point_of_sale_id": "90",
    }
    backend = create_backend("korona", settings)
    try:
        assert dict(backend.locations) == {
            LocationKind.WAREHOUSE: "2",
            LocationKind.POINT_OF_SALE: "90",
        }
        assert backend.stats.total == 0 and backend.last_capture is None
        bare = create_backend("korona", {k: settings[k] for k in list(settings)[:4]})
        assert dict(bare.locations) == {}
        await bare.aclose()
    finally:
        await backend.aclose()
