"""Which way each kind of record flows, and which side owns a field where both write.

WHY engine-level: whether products travel from the back office into the
shop (``pull``), from the shop into the back office (``push``) or both ways
is the admin's choice per connection, not an adapter's; the adapter only
says what it *can* do (its capabilities), and :func:`direction_problems`
refuses a choice it cannot honour before any job runs.

Where an entity goes both ways, ``truth`` names the side that owns a field
(``{"regular_price": BACKOFFICE}``): an owned field only ever flows from its
owner, so an edit of the price in wp-admin is not pushed (a full run puts
the back office's price back).  A field with no owner flows from whichever side changed it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

from engine.backends.base import Capability

__all__ = [
    "PUSHABLE_PRODUCT_FIELDS",
    "Direction",
    "Directions",
    "Entity",
    "Side",
    "capabilities_in_use",
    "direction_problems",
]


class Direction(StrEnum):
    PULL = "pull"  # back office -> WooCommerce
    PUSH = "push"  # WooCommerce -> back office
    BOTH = "both"


class Entity(StrEnum):
    PRODUCTS = "products"
    CATEGORIES = "categories"
    STOCK = "stock"
    CUSTOMERS = "customers"
    COUPONS = "coupons"


class Side(StrEnum):
    WOOCOMMERCE = "woocommerce"
    BACKOFFICE = "backoffice"


# WooCommerce product fields a push carries to the back office (in the form
# the catalog writes them, see engine.sync.woo_fields); ``sku`` is the key
# that pairs the two sides and is never rewritten by a push.
PUSHABLE_PRODUCT_FIELDS = ("name", "regular_price", "description", "short_description", "weight")

# What each way needs the back office to be able to do; None: tillsync has
# no job for it yet.
_NEEDS: dict[tuple[Entity, Direction], Capability | None] = {
    (Entity.PRODUCTS, Direction.PULL): Capability.PRODUCTS_READ,
    (Entity.PRODUCTS, Direction.PUSH): Capability.PRODUCTS_WRITE,
    (Entity.CATEGORIES, Direction.PULL): Capability.CATEGORIES_READ,
    (Entity.CATEGORIES, Direction.PUSH): Capability.CATEGORIES_WRITE,
    (Entity.STOCK, Direction.PULL): Capability.STOCK_READ,
    (Entity.STOCK, Direction.PUSH): Capability.STOCK_WRITE,
    (Entity.CUSTOMERS, Direction.PULL): Capability.CUSTOMERS_READ,
    (Entity.CUSTOMERS, Direction.PUSH): Capability.CUSTOMERS_WRITE,
    (Entity.COUPONS, Direction.PULL): Capability.VOUCHERS_READ,
    (Entity.COUPONS, Direction.PUSH): Capability.VOUCHERS,
}
_DEFAULTS = {
    Entity.PRODUCTS: Direction.PULL,
    Entity.CATEGORIES: Direction.PULL,
    Entity.STOCK: Direction.PULL,
    Entity.CUSTOMERS: Direction.PUSH,
    Entity.COUPONS: Direction.PUSH,  # to a back office that keeps vouchers
}


@dataclass(frozen=True)
class Directions:
    """The connection's choice per entity; the defaults are what tillsync always did."""

    products: Direction = Direction.PULL
    categories: Direction = Direction.PULL
    stock: Direction = Direction.PULL
    customers: Direction = Direction.PUSH
    coupons: Direction = Direction.PUSH
    truth: Mapping[str, Side] = field(default_factory=lambda: MappingProxyType({}))

    def of(self, entity: Entity) -> Direction:
        return Direction(getattr(self, entity.value))

    def pulls(self, entity: Entity) -> bool:
        return self.of(entity) in (Direction.PULL, Direction.BOTH)

    def pushes(self, entity: Entity) -> bool:
        return self.of(entity) in (Direction.PUSH, Direction.BOTH)

    def may_push(self, entity: Entity, name: str) -> bool:
        """A field goes to the back office unless both ways are on and the back office owns it."""
        if not self.pushes(entity):
            return False
        return self.of(entity) != Direction.BOTH or self.truth.get(name) != Side.BACKOFFICE

    def may_pull(self, entity: Entity, name: str) -> bool:
        """A field goes to the shop unless both ways are on and the shop owns it."""
        if not self.pulls(entity):
            return False
        return self.of(entity) != Direction.BOTH or self.truth.get(name) != Side.WOOCOMMERCE

    def differs_from_default(self) -> tuple[Entity, ...]:
        return tuple(e for e in Entity if self.of(e) != _DEFAULTS[e])


def direction_problems(
    directions: Directions, capabilities: frozenset[Capability], backend: str = "the back office"
) -> tuple[str, ...]:
    """Each chosen way the back office cannot go, as a sentence (empty: all fine).

    Only a choice other than the default is checked: the defaults are what
    tillsync always did, where the back office can (a back office without
    stock simply has no stock job).
    """
    problems = []
    for entity in directions.differs_from_default():
        chosen = directions.of(entity)
        ways = (Direction.PULL, Direction.PUSH) if chosen == Direction.BOTH else (chosen,)
        for way in ways:
            needed = _NEEDS[(entity, way)]
            if needed is None:
                problems.append(f"{entity.value} = {chosen.value!r}: tillsync cannot {way} them")
            elif needed not in capabilities:
                problems.append(
                    f"{entity.value} = {chosen.value!r}: {backend} does not support {needed.value}"
                )
    return tuple(problems)


def capabilities_in_use(
    directions: Directions, capabilities: frozenset[Capability]
) -> frozenset[Capability]:
    """What the chosen ways (defaults included) ask of a back office that can do
    ``capabilities``: a push of products also creates the shop's new products where the
    back office can (engine.sync.push_hints.creates_products).  Its check asks for the
    permissions of these only."""
    used = {_NEEDS[(entity, Direction.PULL)] for entity in Entity if directions.pulls(entity)}
    used |= {_NEEDS[(entity, Direction.PUSH)] for entity in Entity if directions.pushes(entity)}
    if directions.pushes(Entity.PRODUCTS):
        used.add(Capability.PRODUCTS_CREATE)
    return frozenset(c for c in used if c is not None) & capabilities
