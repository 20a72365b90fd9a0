"""The Backend protocol's small pieces: keys, pages, check results, refusals, registry."""

from __future__ import annotations

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
