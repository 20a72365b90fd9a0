"""Links remember the product's name and when the back office was found without it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from engine.store import Link, StateStore

AT = datetime(2025, 6, 1, 18, 30, tzinfo=UTC)


async def test_a_name_is_kept_until_a_write_brings_another(tmp_path: Path) -> None:
    async with StateStore.open(tmp_path / "s.db", clock=lambda: AT) as store:
        await store.links.upsert(Link("product", "P1", 11, "SKU-1", "h", name="Classic Sauce"))
        await store.links.upsert(Link("product", "P1", 11, "SKU-1", "h2"))  # no name given
        link = await store.links.get_by_backoffice_id("product", "P1")
        assert (link.name, link.hash) == ("Classic Sauce", "h2")
        await store.links.upsert(Link("product", "P1", 11, "SKU-1", "h3", name="Sauce large"))
        assert (await store.links.get_by_backoffice_id("product", "P1")).name == "Sauce large"


async def test_gone_keeps_the_first_time_and_clears_when_found_again(tmp_path: Path) -> None:
    now = [AT]
    async with StateStore.open(tmp_path / "s.db", clock=lambda: now[0]) as store:
        await store.links.upsert_many([Link("product", "P1", 11), Link("product", "P2", 12)])
        assert await store.links.mark_gone("product", ["P1"], True) == 1
        now[0] = AT + timedelta(hours=1)
        await store.links.mark_gone("product", ["P1"], True)
        assert (await store.links.get_by_backoffice_id("product", "P1")).gone_at == AT
        assert (await store.links.get_by_backoffice_id("product", "P2")).gone_at is None
        await store.links.upsert(Link("product", "P1", 11, hash="h"))  # a write keeps the mark
        assert (await store.links.get_by_backoffice_id("product", "P1")).gone_at == AT
        await store.links.mark_gone("product", ["P1"], False)
        assert (await store.links.get_by_backoffice_id("product", "P1")).gone_at is None
