"""How hard the reliability suite pushes: quick in ``make test``, long in ``make soak``.

Tests marked ``slow`` in tests/reliability are the soak versions; they are skipped
unless the run selects them (``pytest -m slow``, as ``make soak`` does) or
``TILLSYNC_SOAK=1`` is set.  The fast versions always run.
"""

from __future__ import annotations

import os

import pytest

__all__ = ["FAST_KILLS", "SOAK_KILLS", "soaking"]

FAST_KILLS = 5
SOAK_KILLS = 20


def soaking(config: pytest.Config) -> bool:
    marks = str(config.getoption("markexpr", "") or "")
    return os.environ.get("TILLSYNC_SOAK") == "1" or ("slow" in marks and "not slow" not in marks)
