"""Sitoo doctor/check against the sandbox: credentials, the IP allow-list, the site,
the warehouse and price list (listing the valid values), the quota and the mode."""

from __future__ import annotations

import pytest

from engine.backends.base import Capability
from sandbox import sitoo

from .sitoo_harness import sitoo_backend, sitoo_server

pytestmark = pytest.mark.timeout(60)


@pytest.fixture(scope="module")
def servers():
    with sitoo_server() as running:
        yield running


@pytest.fixture
def sb(servers):
    account, _ = servers
    account.allowed_ips = frozenset({"127.0.0.1", "::1"})
    account.quota = sitoo.Quota()
    return account


def _items(result) -> dict[str, tuple[bool, str]]:
    return {item.name: (item.ok, item.message) for item in result.items}


async def test_all_steps_pass_and_say_the_mode(sb, servers) -> None:
    async with sitoo_backend(sb, servers[1], mode="live") as backend:
        result = await backend.check()
    items = _items(result)
    assert result.ok, result.summary
    assert items["mode"][1].startswith("live mode")
    assert "Webshop (virtual)" in items["warehouse"][1]
    assert "Webshop" in items["price list"][1]


async def test_ip_allow_list_refusal_gets_its_own_hint(sb, servers) -> None:
    sb.allowed_ips = frozenset({"203.0.113.9"})
    async with sitoo_backend(sb, servers[1]) as backend:
        result = await backend.check()
    ok, message = _items(result)["ip allow-list"]
    assert not ok and "allowed IPs in Sitoo Back Office" in message


async def test_wrong_password_is_a_credentials_failure(sb, servers) -> None:
    async with sitoo_backend(sb, servers[1], password="wrong") as backend:
        result = await backend.check()
    assert _items(result)["credentials"][0] is False
    assert "wrong" not in result.summary


async def test_unknown_site_and_missing_warehouse_list_the_choices(sb, servers) -> None:
    async with sitoo_backend(sb, servers[1], eshopid=7) as backend:
        site = _items(await backend.check())["site"]
    assert site == (False, "No site with eshopid 7; choose one of: 1 https://shop.example/")
    async with sitoo_backend(sb, servers[1], warehouse_id=None, pricelist_id="9") as backend:
        items = _items(await backend.check())
        assert backend.missing_settings({Capability.STOCK_READ})[0].key == "warehouse"
        choices = await backend.setting_choices("warehouse")
    assert items["warehouse"][0] is False and "1 Webshop (virtual)" in items["warehouse"][1]
    assert items["price list"] == (False, "No price list 9; choose one of: 1 Webshop, 2 Outlet")
    assert choices == "1 Webshop (virtual) (virtual), 2 Store Stockholm (FIFO)"


async def test_remaining_quota_when_the_account_reports_it(sb, servers) -> None:
    sb.quota = sitoo.Quota(limit=1000, window=3600)
    async with sitoo_backend(sb, servers[1]) as backend:
        ok, message = _items(await backend.check())["quota"]
        assert backend.remaining_quota is not None
    assert ok and message.endswith("requests left in the current window.")
