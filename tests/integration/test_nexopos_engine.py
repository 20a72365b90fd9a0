"""A configured NexoPOS connection in the started engine (config → entry → adapter):
the webhooks it installs follow its directions - order topics, plus product changes
when the shop's product edits go to NexoPOS - and doctor passes on its config, asking
for the permissions its directions need."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from engine.config import load_config
from engine.runtime import Engine
from engine.woo import WooClient
from sandbox.nexopos import ids
from sandbox.nexopos.state import ALL_PERMISSIONS

from .engine_harness import write_engine_config
from .nexopos_harness import WOO_KEY, WOO_SECRET, Servers, sandboxes
from .orders_harness import wait_until

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def servers() -> Iterator[Servers]:
    with sandboxes(products=4) as running:
        running.woo.site_url = running.woo_server.url
        yield running


def _config(folder: Path, servers: Servers, products: str, token: str = ids.TOKEN) -> Path:
    backend = f"""
type = "nexopos"
base_url = "{servers.nexo_server.url}"
unit_id = {ids.UNIT_PIECE}
customer_group_id = {ids.GROUP_WEB}
"""
    woo = (servers.woo_server.url, WOO_KEY, WOO_SECRET, "nexopos-engine-secret-4Kp")
    secrets = f'[connections.shop1.backend]\ntoken = "{token}"\n'
    return write_engine_config(folder, woo=woo, backend=backend, products=products, secrets=secrets)


async def _installed_topics(servers: Servers, config: Path) -> tuple[set[str], set[str]]:
    """(what the connection says it needs, what the engine installed in the shop)."""
    engine = await Engine.open(load_config(config))
    try:
        connection = engine.connection("shop1")
        result = await connection.backend.check()
        assert result.ok, result.summary
        wanted = set(connection.webhook_topics)
        await engine.start()

        async def hooked() -> bool:
            return {h["topic"] for h in servers.woo.webhooks.values()} == wanted

        await wait_until(hooked, within=10)
        return wanted, {h["topic"] for h in servers.woo.webhooks.values()}
    finally:
        await engine.close(timeout=5)


@pytest.mark.parametrize(("products", "pushed"), [("pull", False), ("both", True)])
async def test_webhook_topics_follow_the_directions(
    servers: Servers, tmp_path: Path, products: str, pushed: bool
) -> None:
    wanted, installed = await _installed_topics(servers, _config(tmp_path, servers, products))
    assert installed == wanted
    assert "order.created" in installed  # orders are booked: their topics always
    assert ("product.updated" in installed) is pushed
    assert {"customer.created", "customer.updated"} <= installed  # customers go to NexoPOS


async def test_a_new_shop_customer_reaches_nexopos_through_its_webhook(
    servers: Servers, tmp_path: Path
) -> None:
    """The delivery asks for the customers job at once (its schedule is 30 minutes)."""
    engine = await Engine.open(load_config(_config(tmp_path, servers, "pull")))
    try:
        await engine.start()

        async def hooked() -> bool:
            return any(h["topic"] == "customer.created" for h in servers.woo.webhooks.values())

        await wait_until(hooked, within=10)
        async with WooClient(servers.woo_server.url, WOO_KEY, WOO_SECRET) as admin:
            body = {"email": "hook.buyer@example.com", "first_name": "Hook", "last_name": "Buyer"}
            await admin.post("customers", body)

        async def in_nexopos() -> bool:
            with servers.nexo.lock:
                emails = {c.get("email") for c in servers.nexo.customers()}
            return "hook.buyer@example.com" in emails

        await wait_until(in_nexopos, within=15)
    finally:
        await engine.close(timeout=5)


@pytest.mark.parametrize(("products", "named"), [
    ("pull", {"nexopos.update.customers"}),
    ("both", {"nexopos.update.customers", "nexopos.create.products"}),
])  # fmt: skip
async def test_doctor_asks_for_the_permissions_the_directions_need(
    servers: Servers, tmp_path: Path, products: str, named: set[str]
) -> None:
    """The token's role lacks creating products and editing customers: customers are
    pushed (the default), so that is named; creating products only when products are
    pushed too (a new shop product is created in NexoPOS)."""
    lacking = {"nexopos.create.products", "nexopos.update.customers"}
    servers.nexo.add_token("7|partial", ids.ADMIN_USER, ALL_PERMISSIONS - lacking)
    engine = await Engine.open(load_config(_config(tmp_path, servers, products, "7|partial")))
    try:
        result = await engine.connection("shop1").backend.check()
    finally:
        await engine.close(timeout=5)
    (permissions,) = [item for item in result.items if item.name == "permissions"]
    assert not permissions.ok
    assert {p for p in lacking if p in permissions.message} == named
