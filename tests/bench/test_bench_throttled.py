"""The throttled scenario's harness at a tiny size: the next run starts at the kept rate.

Sandboxes and sides in their own processes as ``python -m bench.run`` runs
them, 400 products behind a firewall rate limit.  No timing is asserted:
what is checked is that the first run's learned rate (and, when the run was
too short to settle, the ceiling of its unfinished bisection) comes out of
its state database and the next run's client starts at it (under its own host).
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from bench.scenarios import throttled
from bench.settings import QUICK

pytestmark = [pytest.mark.timeout(240), pytest.mark.slow]

TINY = replace(
    QUICK, name="tiny", time_scale=0.01, throttled=400, categories=20, baseline_sample=20
)


def test_the_next_run_starts_at_the_rate_the_first_run_kept() -> None:
    first, following = throttled.run(TINY)
    assert "first run" in first.title and "next run" in following.title
    learned = first.details["rate_kept"]
    assert first.details["rate_at_start"] is None
    assert learned is not None and learned[0] > 0  # the first run met the firewall and learned
    assert following.details["rate_at_start"] == learned
    assert following.details["rate_kept"] is not None
    for row in (first, following):
        assert row.requests == row.details["woo"]["total"] >= row.min_requests
        assert [t.name for t in row.targets][1] == "< 1% of requests answered 429"
