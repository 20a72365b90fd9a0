"""WooCommerce customers → NexoPOS customers over loopback: matched by e-mail, new ones in
the configured group, written again only when changed, an administrator's e-mail refused."""

from __future__ import annotations

from pathlib import Path

from engine.sync.customers import CustomerSync
from sandbox.nexopos import ids

from .nexopos_harness import engine_context, sandboxes


def _by_email(nexo) -> dict[str, dict]:
    with nexo.lock:
        return {c["email"]: dict(c) for c in nexo.customers()}


async def test_customers_are_matched_by_email_and_written_only_when_changed(
    tmp_path: Path,
) -> None:
    with sandboxes(products=3, woo_products=5) as servers:
        woo = servers.woo
        async with engine_context(servers, tmp_path) as ctx:
            accounts = {c["id"]: c for c in woo.customers.values()}
            assert accounts
            first = await CustomerSync(ctx).run()
            assert first.totals.written == len(accounts)
            in_nexo = _by_email(servers.nexo)
            for account in accounts.values():
                assert in_nexo[account["email"]]["group_id"] == ids.GROUP_WEB
            assert (await CustomerSync(ctx).run()).totals.written == 0
            some_id = next(iter(accounts))
            await ctx.woo.put(f"customers/{some_id}", {"last_name": "Moved-Away"})
            assert (await CustomerSync(ctx).run()).totals.written == 1
            moved = _by_email(servers.nexo)[accounts[some_id]["email"]]
            assert moved["last_name"] == "Moved-Away"
            assert len(_by_email(servers.nexo)) == len(in_nexo)  # updated, not added


async def test_an_administrators_email_is_set_aside_with_the_reason(tmp_path: Path) -> None:
    with sandboxes(products=3, woo_products=2) as servers:
        woo = servers.woo
        with woo.lock:
            account = next(iter(woo.customers.values()))
            account["email"] = ids.ADMIN_EMAIL
        async with engine_context(servers, tmp_path) as ctx:
            report = await CustomerSync(ctx).run()
            assert (report.totals.written, report.totals.skipped) == (1, 1)  # set aside
            skipped = await ctx.store.skipped.get("customer", ids.ADMIN_EMAIL)
            assert skipped is not None and "not a customer" in skipped.reason
            assert ids.ADMIN_EMAIL not in {c["email"] for c in servers.nexo.customers()}
