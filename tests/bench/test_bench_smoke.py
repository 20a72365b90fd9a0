"""The benchmark harness end to end at a tiny size, so it can't rot unnoticed.

Runs the catalog scenario exactly as ``python -m bench.run`` does — both
sandboxes in their own processes, tillsync and the naive baseline each in
a measured child — with 60 products and the host's costs switched off.
No timing is asserted; what is checked is that both sides did the same
work over real HTTP and that the numbers reported are the sandbox's own.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from bench.hostfloor import HostPlan
from bench.report import Row, Target, at_scale_1, render_table, write_results
from bench.scenarios import catalog
from bench.scenarios.incremental import changed_numbers
from bench.scenarios.webhooks import percentile
from bench.settings import QUICK
from bench.shops import category_levels
from sandbox.woocommerce import HostModel

pytestmark = pytest.mark.timeout(120)

TINY = replace(QUICK, name="tiny", time_scale=0.0, catalog=60, categories=40)


def test_catalog_scenario_end_to_end_at_tiny_size(tmp_path: Path) -> None:
    rows = catalog.run(TINY)
    initial, noop, full = rows
    runs = initial.details["scaled"]
    made = runs["tillsync"]["initial"]["result"]["totals"]
    naive, batched = runs["naive"]["first"]["result"], runs["baseline"]["first"]["result"]
    counted = initial.details["requests"]
    # the same products reached the store on every side
    assert made["failed"] == made["skipped"] == 0
    assert initial.details["products_in_shop"] == naive["created"] == batched["created"] > 40
    assert made["written"] == naive["created"] + sum(category_levels(TINY.categories))
    # the request count is the store's own: the minimum plan's, plus the shop's tax
    # classes (read once before a product is written); batches are full from the first
    # (engine/woo/batch_size.py: full while well within the client timeout)
    assert initial.requests == counted["tillsync"]["total"] == initial.min_requests + 1
    assert counted["tillsync"]["by_route"]["GET taxes/classes"] == 1
    assert initial.targets[0].name.endswith("(+ 1 tax-class check)") and initial.targets[0].passed
    assert naive["requests"] == counted["naive"]["total"] > 2 * naive["created"]
    assert batched["requests"] == counted["baseline"]["total"] < naive["requests"] / 10
    assert batched["failed"] == naive["failed"] == 0
    # the scripts have no memory: their rerun updates every product
    assert runs["baseline"]["rerun"]["result"]["updated"] == batched["created"]
    assert runs["tillsync"]["initial"]["peak_rss_mb"] > 20
    assert noop.requests == 0 and noop.targets[0].name == "0 writes" and noop.targets[0].passed
    assert "by construction" in noop.title and "like for like" in full.title
    assert full.details["requests"]["tillsync"]["writes"] == 0 and full.requests >= 1
    assert initial.at_1 is None  # time scale 0: nothing to correct
    table = render_table(rows)
    assert "initial catalog, 60 products, 40 categories" in table
    assert table.splitlines()[0].split("|")[3].strip() == "batched baseline"
    summary = write_results({"catalog": rows}, TINY.to_json(), table, directory=tmp_path)
    written = json.loads((tmp_path / "catalog.json").read_text())
    assert len(written["rows"]) == 3 and written["settings"]["catalog"] == 60
    assert len(runs["tillsync"]["initial"]["loadavg"]) == 3
    assert json.loads(summary.read_text())["table"] == table.splitlines()


def test_time_scale_correction_adds_the_unscaled_overhead_once() -> None:
    # 2 s of client/server CPU at scale 0; 2 + 5 s at scale 0.1 -> 2 + 50 s on the real host
    assert at_scale_1(7.0, 2.0, 0.1) == pytest.approx(52.0)
    assert at_scale_1(7.0, 2.0, 1.0) == 7.0
    # requests in flight together overlap the overhead with the host: the pessimistic bound
    assert at_scale_1(7.0, 2.0, 0.1, serial=False) == pytest.approx(70.0)
    naive = Row("catalog", "x", tillsync_s=1.0, naive_s=9.0, at_1={"tillsync": 12.0, "naive": 80.0})
    assert naive.naive_ratio == 9.0 and naive.ratio_at_1("naive") == pytest.approx(80 / 12)


def test_floor_is_full_batches_at_the_measured_concurrency_plus_reads() -> None:
    model = HostModel(time_scale=1.0, workers=4, cores=2)
    plan = HostPlan(creates=[5, 400], page_reads=[0])
    # 5 categories: one batch alone (0.39 s); 400 products: four batches at once,
    # 29 ms per item as measured on the real host; one page read (base cost 0.1 s)
    assert plan.floor_s(model) == pytest.approx(0.39 + 400 * 0.029 + 0.1, rel=0.01)
    assert plan.min_requests() == 1 + 4 + 1
    single_worker = HostModel(time_scale=1.0, workers=1, cores=2)
    assert plan.floor_s(single_worker) == pytest.approx(0.39 + 400 * 0.078 + 0.1)


def test_target_says_by_how_much_it_missed() -> None:
    assert Target("wall ≤ 1.25 × floor", 1.25, 1.5).verdict().startswith("MISSED by 20%")
    assert Target("≥ 5× faster", 5, 8, at_most=False).passed
    assert not Target("0 writes", 0, 3).passed


def test_changes_are_spread_and_skip_deleted_or_deactivated() -> None:
    numbers = changed_numbers(20_000, 100)
    assert len(set(numbers)) == 100
    indexes = [int(n) - 10001 for n in numbers]
    assert all(i % 97 != 11 and i % 33 != 5 for i in indexes)
    assert max(indexes) - min(indexes) > 19_000


def test_percentile_is_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 0.5) == 50.0
    assert percentile(values, 0.99) == 99.0
    assert percentile([3.0], 0.99) == 3.0


def test_webhooks_scenario_splits_tillsyncs_part_from_the_stores_delay() -> None:
    from bench.scenarios import webhooks

    tiny = replace(TINY, orders=4, order_rate=20.0, order_products=30)
    (row,) = webhooks.run(tiny)
    details = row.details
    ours, end_to_end = details["received_to_booked_s"], details["latencies_s"]
    assert len(ours) == len(end_to_end) == 4
    assert [t.passed for t in row.targets if t.name == "every order booked"] == [True]
    # tillsync's part starts when the store's delivery arrived, after its delay
    assert details["received_to_booked_p50_s"] < percentile(end_to_end, 0.5)
    assert min(end_to_end) >= details["store_webhook_delay_s"]
    assert "received → booked p50" in row.title
