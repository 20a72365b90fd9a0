"""The category tree is read once per run (issue 21: under KORONA's daily request
quota the first catalog run read the 300-group tree twice, 6 requests where 3 do)."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.sync.catalog import CatalogSync

from .sync_harness import engine_context, sandboxes

pytestmark = pytest.mark.timeout(120)
GROUPS = "/commodityGroups"


async def test_the_first_run_reads_the_category_tree_once(tmp_path: Path) -> None:
    with sandboxes(products=40) as (kb, _, korona_server, woo_server):
        async with engine_context(tmp_path, korona_server, woo_server) as ctx:
            kb.stats.reset()
            first = await CatalogSync(ctx).run()
            assert first.totals.failed == 0
            assert kb.stats.count("GET", GROUPS) == 1  # the demo tree fits one page
            kb.stats.reset()
            await CatalogSync(ctx).run()  # nothing changed: the change feed says so
            assert kb.stats.count("GET", GROUPS) == 1
            kb.stats.reset()
            await CatalogSync(ctx).run(full=True)
            assert kb.stats.count("GET", GROUPS) == 1
