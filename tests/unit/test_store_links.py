"""Links between back-office and Woo objects, and the skipped-items list."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from engine.store import Link, StateStore


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2025, 6, 1, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def store(tmp_path: Path, clock: Clock) -> AsyncIterator[StateStore]:
    async with StateStore.open(tmp_path / "links.db", clock=clock) as opened:
        yield opened


async def test_links_are_found_by_either_id_and_by_sku(store: StateStore, clock: Clock) -> None:
    written = await store.links.upsert_many(
        [
            Link("product", "P1", 101, sku="SKU-1", hash="h1"),
            Link("variation", "V1", 201, sku="SKU-1-RED", hash="h2"),
            Link("category", "C1", 301),
        ]
    )
    assert written == 3
    by_bo = await store.links.get_by_backoffice_id("product", "P1")
    assert by_bo == Link("product", "P1", 101, "SKU-1", "h1", clock.now)
    assert await store.links.get_by_woo_id("variation", 201) == Link(
        "variation", "V1", 201, "SKU-1-RED", "h2", clock.now
    )
    assert await store.links.get_by_woo_id("product", 201) is None  # kinds don't mix
    assert [ln.backoffice_id for ln in await store.links.get_by_sku("SKU-1")] == ["P1"]
    assert await store.links.get_by_sku("SKU-1", kind="variation") == []


async def test_upsert_updates_hash_and_time_in_place(store: StateStore, clock: Clock) -> None:
    await store.links.upsert(Link("product", "P1", 101, sku="A", hash="old"))
    clock.now += timedelta(hours=1)
    await store.links.upsert(Link("product", "P1", 101, sku="A", hash="new"))
    link = await store.links.get_by_backoffice_id("product", "P1")
    assert link is not None and (link.hash, link.updated_at) == ("new", clock.now)
    assert await store.links.count() == 1


async def test_a_woo_id_linked_again_moves_to_the_new_backoffice_id(store: StateStore) -> None:
    await store.links.upsert_many([Link("product", "OLD", 101), Link("product", "B", 102)])
    await store.links.upsert(Link("product", "NEW", 101))
    assert await store.links.get_by_backoffice_id("product", "OLD") is None
    moved = await store.links.get_by_woo_id("product", 101)
    assert moved is not None and moved.backoffice_id == "NEW"
    # swapping two links in one batch works too
    await store.links.upsert_many([Link("product", "NEW", 102), Link("product", "B", 101)])
    assert (await store.links.get_by_woo_id("product", 101)).backoffice_id == "B"  # type: ignore[union-attr]
    assert await store.links.count() == 2


async def test_iterate_streams_everything_even_while_writing(store: StateStore) -> None:
    await store.links.upsert_many([Link("product", f"P{i}", i) for i in range(1, 1201)])
    await store.links.upsert_many([Link("category", f"C{i}", i) for i in range(1, 6)])
    seen = []
    async for link in store.links.iterate("product", chunk=100):
        seen.append(link.woo_id)
        if link.woo_id % 400 == 0:  # writing mid-iteration must not deadlock
            await store.links.upsert(Link("product", link.backoffice_id, link.woo_id, hash="x"))
    assert seen == list(range(1, 1201))
    assert len([ln async for ln in store.links.iterate()]) == 1205


async def test_reset_links_of_one_kind_and_connection(store: StateStore) -> None:
    await store.links.upsert_many([Link("product", "P1", 1), Link("category", "C1", 1)])
    await store.links.upsert(Link("product", "P1", 1), connection="shop2")
    assert await store.links.delete_kind("product") == 1
    assert await store.links.count() == 1
    assert await store.links.count("product", connection="shop2") == 1
    assert await store.links.delete("category", "C1")
    assert not await store.links.delete("category", "C1")


async def test_connections_are_isolated(store: StateStore) -> None:
    await store.links.upsert(Link("product", "P1", 1), connection="a")
    await store.links.upsert(Link("product", "P1", 2), connection="b")
    assert (await store.links.get_by_backoffice_id("product", "P1", connection="a")).woo_id == 1  # type: ignore[union-attr]
    assert (await store.links.get_by_backoffice_id("product", "P1", connection="b")).woo_id == 2  # type: ignore[union-attr]
    assert await store.links.get_by_backoffice_id("product", "P1") is None


async def test_skipped_items_are_counted_listed_and_cleared_one_by_one(
    store: StateStore, clock: Clock
) -> None:
    first_seen = clock.now
    await store.skipped.record("product", "P1", "no SKU")
    clock.now += timedelta(minutes=5)
    again = await store.skipped.record("product", "P1", "no SKU, no barcode")
    assert (again.attempts, again.first_seen, again.last_seen) == (2, first_seen, clock.now)
    assert again.reason == "no SKU, no barcode"
    clock.now += timedelta(minutes=1)
    await store.skipped.record("customer", "c@example.com", "invalid email")
    await store.skipped.record("product", "P9", "price missing", connection="shop2")

    assert [i.key for i in await store.skipped.entries()] == ["c@example.com", "P1"]  # newest first
    assert [i.key for i in await store.skipped.entries("customer")] == ["c@example.com"]
    assert await store.skipped.is_skipped("product", "P1")
    assert await store.skipped.clear("product", "P1")
    assert not await store.skipped.clear("product", "P1")
    assert not await store.skipped.is_skipped("product", "P1")
    assert await store.skipped.count() == 1
    assert await store.skipped.clear_all() == 1
    assert await store.skipped.count(connection="shop2") == 1


async def test_get_many_returns_links_by_backoffice_id_across_chunks(tmp_path) -> None:
    from engine.store import Link, StateStore

    async with StateStore.open(tmp_path / "many.db") as store:
        await store.links.upsert_many(
            [Link("product", f"bo{i}", 1000 + i, f"sku{i}") for i in range(1200)]
        )
        await store.links.upsert(Link("stock", "bo5", 5, "sku5"))
        found = await store.links.get_many("product", [f"bo{i}" for i in range(0, 1300, 3)])
        assert set(found) == {f"bo{i}" for i in range(0, 1200, 3)}
        assert found["bo6"].woo_id == 1006
