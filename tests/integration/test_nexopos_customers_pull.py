"""NexoPOS customers into WooCommerce accounts (``customers = "pull"`` / ``"both"``), over
loopback: matched by e-mail (never a second account), a WooCommerce administrator's
e-mail set aside with that reason, the walk-in customer left alone, and a run with
nothing changed writes nothing - both ways, without ping-pong."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from engine.sync.customers import CustomerSync
from engine.sync.directions import Direction, Directions
from engine.woo import WooClient
from sandbox.nexopos import ids
from sandbox.nexopos.state import now_text

from .nexopos_harness import WOO_KEY, WOO_SECRET, Servers, engine_context, sandboxes

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def servers():
    with sandboxes(products=2) as running:
        yield running


def _nexo_customer(servers: Servers, email: str, first: str, city: str = "Graz") -> None:
    nexo = servers.nexo
    with nexo.lock:
        user_id = nexo.next_id("users")
        billing = {"first_name": first, "last_name": "Till", "email": email, "city": city,
                   "pobox": "8010", "country": "AT", "phone": "+43 1", "company": ""}  # fmt: skip
        nexo.users[user_id] = {
            "id": user_id, "username": email, "email": email, "role": "customer",
            "first_name": first, "last_name": "Till", "group_id": ids.GROUP_DEFAULT,
            "phone": "+43 1", "created_at": now_text(), "billing": billing, "shipping": None,
        }  # fmt: skip


def _shop_admin(servers: Servers, email: str) -> None:
    woo = servers.woo
    with woo.lock:
        now = woo.clock.now()
        user_id = woo.ids.take("user")
        woo.customers[user_id] = {
            "id": user_id, "created": now, "modified": now, "email": email,
            "username": "boss", "first_name": "Shop", "role": "administrator",
        }  # fmt: skip


def _accounts(servers: Servers) -> dict[str, dict[str, Any]]:
    with servers.woo.lock:
        return {c["email"]: dict(c) for c in servers.woo.customers.values()}


def _shop_writes(servers: Servers) -> int:
    routes = servers.woo.stats.by_route.items()
    return sum(n for (m, route), n in routes if m in {"POST", "PUT"} and "customers" in route)


async def test_nexopos_customers_become_shop_accounts_matched_by_email(
    servers: Servers, tmp_path: Path
) -> None:
    _nexo_customer(servers, "ann@example.com", "Ann")
    _nexo_customer(servers, "bob@example.com", "Robert")
    _nexo_customer(servers, "boss@example.com", "Boss")
    _shop_admin(servers, "boss@example.com")
    async with WooClient(servers.woo_server.url, WOO_KEY, WOO_SECRET) as admin:
        bob = await admin.post("customers", {"email": "bob@example.com", "first_name": "Bob"})
    async with engine_context(servers, tmp_path) as ctx:
        ctx = replace(ctx, directions=Directions(customers=Direction.PULL))
        await CustomerSync(ctx).run()
        accounts = _accounts(servers)
        assert accounts["ann@example.com"]["billing"]["city"] == "Graz"
        assert accounts["bob@example.com"]["id"] == bob["id"]  # the same account, updated
        assert accounts["bob@example.com"]["first_name"] == "Robert"
        assert accounts["boss@example.com"].get("first_name") == "Shop"  # staff: untouched
        assert "walkin@shop.test" not in accounts  # NexoPOS's walk-in stays there
        assert len(accounts) == 3
        skipped = {e.key: e.reason for e in await ctx.store.skipped.entries("customer")}
        assert "administrator account" in skipped["boss@example.com"]
        before = _shop_writes(servers)
        await CustomerSync(ctx).run()
        assert _shop_writes(servers) == before  # nothing changed: nothing written
        with servers.nexo.lock:
            ann = next(u for u in servers.nexo.users.values() if u["email"] == "ann@example.com")
            ann["billing"] = {**ann["billing"], "city": "Linz"}
        await CustomerSync(ctx).run()
        assert _accounts(servers)["ann@example.com"]["billing"]["city"] == "Linz"


async def test_both_ways_a_customer_settles_without_ping_pong(
    servers: Servers, tmp_path: Path
) -> None:
    _nexo_customer(servers, "till@example.com", "Tilly")
    async with WooClient(servers.woo_server.url, WOO_KEY, WOO_SECRET) as admin:
        await admin.post(
            "customers",
            {"email": "web@example.com", "first_name": "Webb", "last_name": "Shopper",
             "billing": {"city": "Wien", "postcode": "1010", "country": "AT"}},
        )  # fmt: skip
    async with engine_context(servers, tmp_path) as ctx:
        ctx = replace(ctx, directions=Directions(customers=Direction.BOTH))
        before = _shop_writes(servers)
        await CustomerSync(ctx).run()
        assert _shop_writes(servers) == before + 1  # Tilly's account; Webb's reads back the same
        await CustomerSync(ctx).run()
        with servers.nexo.lock:
            emails = [u["email"] for u in servers.nexo.customers()]
        assert emails.count("web@example.com") == 1 and emails.count("till@example.com") == 1
        assert "till@example.com" in _accounts(servers)
        shop, office = (
            _shop_writes(servers),
            servers.nexo.requests[("PUT", "/customers/{customer}")],
        )
        await CustomerSync(ctx).run()
        assert _shop_writes(servers) == shop
        assert servers.nexo.requests[("PUT", "/customers/{customer}")] == office
