"""Which NexoPOS permissions doctor asks for, from what the directions put to work (no I/O)."""

from __future__ import annotations

from engine.backends.base import Capability
from engine.backends.nexopos import NexoposBackend, NexoSettings
from engine.backends.nexopos.check import needed_permissions
from engine.sync.directions import Direction, Directions, capabilities_in_use

SETTINGS = NexoSettings(base_url="https://pos.example", token="1|t")
WRITES = {"nexopos.update.products", "nexopos.create.products",
          "nexopos.make.products-adjustments", "nexopos.update.customers"}  # fmt: skip


def _asked(directions: Directions) -> set[str]:
    in_use = capabilities_in_use(directions, NexoposBackend.capabilities)
    return set(needed_permissions(SETTINGS, in_use)) & WRITES


def test_each_direction_that_writes_asks_for_its_permissions() -> None:
    pull_only = Directions(customers=Direction.PULL)
    assert _asked(pull_only) == set()
    assert _asked(Directions()) == {"nexopos.update.customers"}  # customers are pushed
    assert _asked(Directions(products=Direction.BOTH, customers=Direction.PULL)) == {
        "nexopos.update.products", "nexopos.create.products",
        "nexopos.make.products-adjustments",
    }  # fmt: skip


def test_orders_always_need_to_create_customers_and_not_told_means_everything() -> None:
    in_use = capabilities_in_use(Directions(customers=Direction.PULL), NexoposBackend.capabilities)
    assert "nexopos.create.customers" in needed_permissions(SETTINGS, in_use)
    assert set(needed_permissions(SETTINGS)) >= WRITES


def test_a_back_office_that_cannot_create_products_is_not_said_to_use_it() -> None:
    can = frozenset({Capability.PRODUCTS_READ, Capability.PRODUCTS_WRITE})
    assert capabilities_in_use(Directions(products=Direction.PUSH), can) == {
        Capability.PRODUCTS_WRITE
    }
