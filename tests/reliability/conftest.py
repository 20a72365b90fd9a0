"""Soak versions (``slow``) of the reliability tests run only when asked for."""

from __future__ import annotations

import pytest

from tests.reliability.soak import soaking

SKIP_SOAK = pytest.mark.skip(reason="soak run: `make soak` (pytest -m slow) or TILLSYNC_SOAK=1")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if soaking(config):
        return
    for item in items:
        if item.get_closest_marker("slow") and "tests/reliability/" in item.nodeid:
            item.add_marker(SKIP_SOAK)
