"""The job registry refuses, with the reason, what a connection cannot run."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from engine.backends import BackendBase, Capability, UnsupportedCapability
from engine.config import JOB_NAMES
from engine.errors import ConfigError
from engine.runtime.jobs import JOBS, check_options, job_for


class _ReadOnlyBackend(BackendBase):
    name = "readonly"
    capabilities = frozenset({Capability.PRODUCTS_READ, Capability.STOCK_READ})


def _conn(backend: BackendBase, delivery_url: str | None = None) -> SimpleNamespace:
    return SimpleNamespace(name="shop1", backend=backend, delivery_url=delivery_url)


def test_every_configurable_job_is_runnable_by_name():
    assert set(JOBS) == set(JOB_NAMES)


def test_a_missing_capability_names_the_back_office_and_the_capability():
    conn = _conn(_ReadOnlyBackend())
    assert job_for("catalog", conn).name == "catalog"
    with pytest.raises(UnsupportedCapability, match=r"readonly does not support customers\.write"):
        job_for("customers", conn)
    with pytest.raises(UnsupportedCapability, match=r"sales\.create"):
        job_for("orders_poll", conn)


def test_webhook_health_needs_a_delivery_url():
    with pytest.raises(ConfigError, match="webhooks are not set up for this connection"):
        job_for("webhook_health", _conn(_ReadOnlyBackend()))
    assert job_for("webhook_health", _conn(_ReadOnlyBackend(), "https://x/webhooks/shop1"))


def test_options_a_job_does_not_take_are_refused_and_unset_ones_dropped():
    catalog, stock = JOBS["catalog"], JOBS["stock"]
    chosen = check_options(
        catalog, {"full": True, "dry_run": False, "skus": ("1",), "only_new": None}
    )
    assert chosen == {"full": True, "skus": ("1",)}
    with pytest.raises(
        ConfigError, match="the stock job does not take --only-new, --sku"
    ) as refused:
        check_options(stock, {"skus": ["1"], "only_new": True})
    assert refused.value.hint == "the stock job takes --dry-run, --full"
    with pytest.raises(ConfigError, match="unknown job 'catalogue'"):
        job_for("catalogue", _conn(_ReadOnlyBackend()))
