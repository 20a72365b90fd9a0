"""The NexoPOS adapter against its sandbox over loopback: doctor, throttle, permissions."""

from __future__ import annotations

import time

import pytest

from engine.backends.nexopos.check import needed_permissions
from engine.errors import AuthError
from sandbox.nexopos import ids

from .nexopos_harness import backend, sandboxes

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def servers():
    with sandboxes(products=6) as running:
        yield running


def _items(result) -> dict[str, tuple[bool, str]]:
    return {item.name: (item.ok, item.message) for item in result.items}


async def test_doctor_passes_with_the_token_permissions_version_and_defaults(servers) -> None:
    nexo = backend(servers, default_category_id=ids.CATEGORY_BREAD, default_tax_group_id=1)
    try:
        result = await nexo.check()
    finally:
        await nexo.aclose()
    items = _items(result)
    assert result.ok, result.summary
    assert items["version"] == (True, "NexoPOS 6.x API (tested with 6.2.1).")
    assert items["default_category_id"][0] and "customer_group_id" in items


async def test_doctor_names_each_missing_permission(servers) -> None:
    granted = frozenset({"nexopos.read.products", "nexopos.read.categories"})
    servers.nexo.add_token("5|limited", ids.ADMIN_USER, granted)
    nexo = backend(servers, token="5|limited")
    try:
        items = _items(await nexo.check())
    finally:
        await nexo.aclose()
    ok, message = items["permissions"]
    assert not ok
    for missing in ("nexopos.create.orders", "nexopos.void.orders", "nexopos.read.taxes"):
        assert missing in message
    assert "nexopos.read.products," not in message


async def test_doctor_refuses_a_bad_token_and_a_5x_store(servers) -> None:
    wrong = backend(servers, token="9|wrong")
    try:
        result = await wrong.check()
    finally:
        await wrong.aclose()
    assert _items(result) == {"token": (False, "NexoPOS refused the token (401 Unauthenticated).")}
    with servers.nexo.lock:  # a 5.x store: the unit prices carry their old names
        for row in servers.nexo.unit_quantities.values():
            row["sale_price_with_tax"] = row.pop("sale_price_gross")
    nexo = backend(servers)
    try:
        ok, message = _items(await nexo.check())["version"]
    finally:
        await nexo.aclose()
    assert not ok and "5.x" in message and "6.x" in message


async def test_doctor_lists_the_values_of_a_default_nexopos_lacks(servers) -> None:
    nexo = backend(servers, customer_group_id=77)
    try:
        ok, message = _items(await nexo.check())["customer_group_id"]
        choices = await nexo.setting_choices("customer_group_id")
    finally:
        await nexo.aclose()
    assert not ok and "1 Default, 2 Web shop" in message and choices == "1 Default, 2 Web shop"


async def test_a_throttle_500_is_recognised_and_waited_out(servers) -> None:
    servers.nexo.knobs.rate_limit, servers.nexo.knobs.rate_window = 4, 1.0
    # the adapter believes it may send more than the server allows: it meets the 500
    nexo = backend(servers, requests_per_minute=50, rate_window=1.0, page_size=2)
    try:
        started = time.monotonic()
        products = [p async for page in nexo.read_products() for p in page.items]
    finally:
        await nexo.aclose()
    assert len(products) == 6
    assert nexo.stats.retries >= 1  # it waited for the window, then went on
    assert time.monotonic() - started >= 0.9


async def test_the_pacer_stays_under_the_budget_and_never_meets_the_throttle(servers) -> None:
    servers.nexo.knobs.rate_limit, servers.nexo.knobs.rate_window = 4, 1.0
    nexo = backend(servers, requests_per_minute=4, rate_window=1.0, page_size=2)
    try:
        products = [p async for page in nexo.read_products() for p in page.items]
    finally:
        await nexo.aclose()
    assert len(products) == 6
    assert nexo.stats.retries == 0 and nexo._api.pacer.waited > 0


async def test_a_missing_permission_stops_that_job_naming_it(servers) -> None:
    granted = frozenset({"nexopos.read.categories", "nexopos.read.orders", "nexopos.create.orders"})
    servers.nexo.add_token("6|noproducts", ids.ADMIN_USER, granted)
    nexo = backend(servers, token="6|noproducts")
    try:
        with pytest.raises(AuthError) as caught:
            [p async for page in nexo.read_products() for p in page.items]
    finally:
        await nexo.aclose()
    assert '"nexopos.read.products"' in caught.value.message
    assert ids.TOKEN not in caught.value.message and "6|noproducts" not in caught.value.message


async def test_the_mappings_offer_what_nexopos_reports(servers) -> None:
    nexo = backend(servers)
    try:
        payments = [m async for page in nexo.read_payment_methods() for m in page.items]
        taxes = [t async for page in nexo.read_tax_codes() for t in page.items]
        tiers = [g async for page in nexo.read_price_groups() for g in page.items]
    finally:
        await nexo.aclose()
    assert [m.id for m in payments] == [
        "cash-payment", "bank-payment", "account-payment", "card-payment",
    ]  # fmt: skip
    assert [(t.id, t.rate) for t in taxes] == [("1", 20), ("2", 10), ("3", 0)]
    assert [g.id for g in tiers] == ["sale", "wholesale", "custom"]


async def test_orders_need_a_customer_group_and_doctor_lists_the_groups(servers) -> None:
    from engine.backends.base import Capability

    nexo = backend(servers, customer_group_id=None)
    try:
        (missing,) = nexo.missing_settings({Capability.SALES_CREATE})
        assert missing.key == "customer_group_id"
        assert nexo.missing_settings({Capability.PRODUCTS_READ}) == ()
        assert await nexo.setting_choices(missing.key) == "1 Default, 2 Web shop"
    finally:
        await nexo.aclose()


async def test_doctor_checks_the_author_of_web_orders_among_staff_users(servers) -> None:
    """``user_id`` names a NexoPOS user who is staff: a customer's id is refused, with the
    staff users listed (from ``crud/ns.users``, which needs ``nexopos.read.users``)."""
    staff = backend(servers, user_id=ids.ADMIN_USER)
    customer = backend(servers, user_id=ids.WALK_IN_CUSTOMER)
    try:
        assert _items(await staff.check())["user_id"][0]
        assert "nexopos.read.users" in needed_permissions(staff.settings)
        ok, message = _items(await customer.check())["user_id"]
    finally:
        await staff.aclose()
        await customer.aclose()
    assert not ok and message.endswith(f"choose one of: {ids.ADMIN_USER} admin")
