"""engine.order_keys: the one place that formats and parses order keys.

The formats are on disk (outbox rows) and in back offices (receipt numbers,
external references) already, so these tests pin them byte for byte.
"""

from __future__ import annotations

import hashlib

import pytest

from engine.backends.base import IdempotencyKey as ProtocolKey
from engine.order_keys import (
    IdempotencyKey,
    OrderKey,
    is_sale_key,
    legacy_scope,
    sale_key_of,
    store_scope,
)


def test_the_outbox_key_keeps_its_format_and_parses_back() -> None:
    key = OrderKey(42, "1a2b3c4d")
    assert key.value == "woo-42-1a2b3c4d"
    assert OrderKey.parse(key.value) == key


@pytest.mark.parametrize(
    "text", ["woo-x-1a2b", "woo-42-", "woo-42-toolongscope", "k-1", "WC-a-1-0"]
)
def test_a_key_of_another_shape_is_not_an_outbox_key(text: str) -> None:
    assert OrderKey.parse(text) is None


def test_the_wire_key_keeps_its_format_and_parses_back() -> None:
    sale = IdempotencyKey("1a2b3c4d", 7, 2)
    assert sale.value == "WC-1a2b3c4d-7-2"
    assert sale.for_void().value == "WC-1a2b3c4d-7-2-V"
    assert IdempotencyKey.parse(sale.value) == sale
    assert IdempotencyKey.parse(sale.for_void().value) == sale.for_void()


def test_an_unsafe_store_token_is_hashed_and_the_hash_parses_back() -> None:
    sale = IdempotencyKey("https://shop.example.com", 7)
    token = hashlib.sha256(b"https://shop.example.com").hexdigest()[:8]
    assert sale.value == f"WC-{token}-7-0"
    parsed = IdempotencyKey.parse(sale.value)
    assert parsed is not None and parsed.value == sale.value and parsed.order_id == 7


@pytest.mark.parametrize(
    "text", ["", "WC-", "WC-abc-7", "WC-abc-x-0", "R-1001", "wc-7", "WC-abc-7-0-X"]
)
def test_a_reference_not_made_by_tillsync_does_not_parse(text: str) -> None:
    assert IdempotencyKey.parse(text) is None


def test_the_protocol_module_exports_the_same_key_type() -> None:
    assert ProtocolKey is IdempotencyKey


def test_the_sale_key_derives_from_the_outbox_key_scope() -> None:
    stored = OrderKey(7, store_scope("https://shop.example.com/", "main")).value
    assert sale_key_of(stored, 7).value == f"WC-{stored.split('-')[2]}-7-0"
    assert sale_key_of(stored, 7, 3) == OrderKey.parse(stored).sale_key(3)  # type: ignore[union-attr]


def test_a_legacy_outbox_key_gives_the_key_booked_before_the_upgrade() -> None:
    """A row keyed by the old install id books (and looks up) under that scope."""
    old = legacy_scope("a1b2c3d4e5f6", "main")
    assert old == hashlib.sha256(b"a1b2c3d4e5f6:main").hexdigest()[:8]
    assert sale_key_of(f"woo-7-{old}", 7).value == f"WC-{old}-7-0"


@pytest.mark.parametrize(
    ("stored", "wire"),
    [
        ("custom-abc", "WC-abc-9-0"),  # a short last word is the scope
        ("imported/key with spaces", None),  # anything else: the whole key, hashed
    ],
)
def test_an_imported_outbox_key_keeps_the_rule_it_always_had(stored: str, wire: str | None) -> None:
    expected = wire or f"WC-{hashlib.sha256(stored.encode()).hexdigest()[:8]}-9-0"
    assert sale_key_of(stored, 9).value == expected


def test_store_scope_ignores_case_trailing_slash_and_api_path() -> None:
    one = store_scope("https://Shop.example.com/", "main")
    assert one == store_scope("https://shop.example.com/wp-json/wc/v3", "main")
    assert one != store_scope("https://shop.example.com", "other")


@pytest.mark.parametrize(
    ("text", "ours"), [("WC-1a2b-7-0", True), ("WC-x", True), ("wc-7", False), ("R-1", False)]
)
def test_is_sale_key_tells_tillsync_references_from_the_tills(text: str, ours: bool) -> None:
    assert is_sale_key(text) is ours
