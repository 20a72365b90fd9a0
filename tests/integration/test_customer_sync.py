"""WooCommerce customers → KORONA customers over loopback, idempotent by number."""

from __future__ import annotations

from pathlib import Path

from engine.sync.customers import CustomerSync

from .sync_harness import engine_context, sandboxes


async def test_customers_are_written_once_and_only_again_when_changed(tmp_path: Path) -> None:
    with sandboxes(products=20, woo_products=10) as (kb, sb, korona_server, woo_server):
        async with engine_context(tmp_path, korona_server, woo_server) as ctx:
            woo_customers = {c["id"]: c for c in sb.customers.values()}
            assert woo_customers, "the seeded shop has customer accounts"
            first = await CustomerSync(ctx).run()
            assert first.totals.written == len(woo_customers)
            numbers = {f"WC{i}" for i in woo_customers}
            in_korona = {c.number: c for c in kb.customers.table if c.number in numbers}
            assert set(in_korona) == numbers

            again = await CustomerSync(ctx).run()
            assert again.totals.written == 0

            some_id = next(iter(woo_customers))
            await ctx.woo.put(f"customers/{some_id}", {"last_name": "Moved-Away"})
            changed = await CustomerSync(ctx).run()
            assert changed.totals.written == 1
            assert kb.customers.find(f"WC{some_id}").body["lastname"] == "Moved-Away"
            assert len([c for c in kb.customers.table if c.number in numbers]) == len(numbers)
