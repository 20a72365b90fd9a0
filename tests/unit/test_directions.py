"""Direction per entity: the config, its check against capabilities, field ownership."""

from __future__ import annotations

from types import MappingProxyType

import pytest
from pydantic import ValidationError

from engine.backends import Capability
from engine.backends.korona import KoronaBackend
from engine.config import parse_config, render_starter_config, render_starter_secrets
from engine.config.connection import DirectionSettings
from engine.errors import ConfigError
from engine.runtime import Engine
from engine.sync.directions import Direction, Directions, Entity, Side, direction_problems
from engine.sync.echo import changed_since
from engine.sync.fieldhash import fingerprint


def test_the_defaults_ask_nothing_of_any_back_office() -> None:
    assert direction_problems(Directions(), frozenset()) == ()


def test_korona_cannot_take_products_from_the_shop() -> None:
    chosen = Directions(products=Direction.BOTH)
    (problem,) = direction_problems(chosen, KoronaBackend.capabilities, "korona")
    assert problem == "products = 'both': korona does not support products.write"


def test_both_ways_needs_both_capabilities() -> None:
    chosen = Directions(stock=Direction.BOTH)
    assert direction_problems(chosen, frozenset({Capability.STOCK_WRITE})) == (
        "stock = 'both': the back office does not support stock.read",
    )
    assert (
        direction_problems(chosen, frozenset({Capability.STOCK_WRITE, Capability.STOCK_READ})) == ()
    )


def test_customers_come_from_a_back_office_that_reads_them() -> None:
    pull = Directions(customers=Direction.PULL)
    (problem,) = direction_problems(pull, frozenset({Capability.CUSTOMERS_WRITE}))
    assert problem == "customers = 'pull': the back office does not support customers.read"
    assert direction_problems(pull, frozenset({Capability.CUSTOMERS_READ})) == ()


def test_categories_go_to_a_back_office_that_writes_them() -> None:
    push = Directions(categories=Direction.PUSH)
    assert direction_problems(push, frozenset({Capability.CATEGORIES_WRITE})) == ()
    (problem,) = direction_problems(push, frozenset({Capability.CATEGORIES_READ}))
    assert problem == "categories = 'push': the back office does not support categories.write"


def test_an_owned_field_flows_only_from_its_owner() -> None:
    truth = MappingProxyType({"regular_price": Side.BACKOFFICE, "name": Side.WOOCOMMERCE})
    both = Directions(products=Direction.BOTH, truth=truth)
    assert not both.may_push(Entity.PRODUCTS, "regular_price")
    assert both.may_pull(Entity.PRODUCTS, "regular_price")
    assert both.may_push(Entity.PRODUCTS, "name") and not both.may_pull(Entity.PRODUCTS, "name")
    assert both.may_push(Entity.PRODUCTS, "weight") and both.may_pull(Entity.PRODUCTS, "weight")
    pull = Directions(truth=truth)  # one way only: ownership means nothing
    assert pull.may_pull(Entity.PRODUCTS, "name") and not pull.may_push(Entity.PRODUCTS, "name")


def test_the_config_section_becomes_directions() -> None:
    section = DirectionSettings(products="both", truth={"regular_price": "backoffice"})
    directions = section.directions()
    assert directions.of(Entity.PRODUCTS) is Direction.BOTH
    assert directions.truth == {"regular_price": Side.BACKOFFICE}
    with pytest.raises(ValidationError, match="sku: not a product field"):
        DirectionSettings(truth={"sku": "woocommerce"})
    with pytest.raises(ValidationError):
        DirectionSettings(stock="sideways")


def test_a_field_matching_what_we_wrote_is_no_change() -> None:
    wrote = fingerprint({"name": "Mug", "regular_price": "9.90"})
    shop = {"name": "Mug", "regular_price": "9.90", "weight": ""}
    assert changed_since(wrote, shop, ("name", "regular_price", "weight")) == {}
    shop["name"] = "Big mug"
    assert changed_since(wrote, shop, ("name", "regular_price")) == {"name": "Big mug"}


async def test_a_korona_connection_pushing_products_does_not_start(tmp_path) -> None:
    """The check runs where the connection is built: the engine refuses to open."""
    text = render_starter_config(timezone="UTC", backend="korona").replace(
        'products = "pull"', 'products = "both"'
    )
    default_db = '# state_db = "/var/lib/tillsync/state.db"'
    assert default_db in text
    text = text.replace(default_db, f'state_db = "{tmp_path / "state.db"}"', 1)
    config = parse_config(text, secrets_text=render_starter_secrets(backend="korona"))
    assert config.connections["shop1"].directions.products == "both"
    with pytest.raises(ConfigError) as refused:
        await Engine.open(config, exclusive=False)
    assert refused.value.message == (
        "[connections.shop1.directions]: products = 'both': korona does not support products.write"
    )
