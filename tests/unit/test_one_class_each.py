"""The outbox, the WooCommerce client and the engine facade are one class each;
the order path is in about five modules.

Issue 15: they had been split into mixins across files only to stay under a
line count, so a reader had to open four files to follow one order.  A class
that is one class again has no base but ``object``, and the modules its parts
lived in are gone (an import of one must fail, not find a stale copy).
"""

from __future__ import annotations

import importlib

import pytest

from engine.runtime import Engine
from engine.store import Outbox
from engine.woo import WooClient

GONE = [
    "engine.store.outbox_queries",
    "engine.store.outbox_transitions",
    "engine.store.outbox_confirming",
    "engine.store.order_keys",
    "engine.woo.core",
    "engine.woo.catalog",
    "engine.woo.orders",
    "engine.woo.store",
    "engine.runtime.admin",
    "engine.runtime.console_actions",
    "engine.sync.orders.escalation",
    "engine.sync.orders.known_receipts",
    "engine.sync.orders.holds",
    "engine.sync.orders.totals",
]


@pytest.mark.parametrize("cls", [Outbox, WooClient, Engine], ids=lambda c: c.__name__)
def test_the_class_is_one_class(cls: type) -> None:
    assert cls.__mro__ == (cls, object)


@pytest.mark.parametrize("module", GONE)
def test_the_module_of_a_former_part_is_gone(module: str) -> None:
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module(module)
