"""Which back-office categories to create, adopt or update in WooCommerce.

Categories form a tree, and a WooCommerce category can only point at a
parent that already exists there, so the plan is a list of *levels*: every
category in level n has its parent in an earlier level (or at the top).
A category whose parent is missing in the back office (an orphan) is set
aside with a reason, and so is everything below it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from engine.model import Category
from engine.sync.validate import clean_text

__all__ = ["CategoryPlan", "PlannedCategory", "plan_levels"]


@dataclass(frozen=True)
class PlannedCategory:
    category: Category
    depth: int


@dataclass
class CategoryPlan:
    levels: list[list[PlannedCategory]] = field(default_factory=list)
    orphans: dict[str, str] = field(default_factory=dict)  # category id -> reason


def plan_levels(categories: Iterable[Category]) -> CategoryPlan:
    """Group active categories by depth; orphans and cycles are set aside."""
    by_id = {c.id: c for c in categories if c.active}
    plan = CategoryPlan()
    depths: dict[str, int] = {}
    for category in by_id.values():
        depth = _depth(category, by_id, depths, plan.orphans)
        if depth is None:
            continue
        while len(plan.levels) <= depth:
            plan.levels.append([])
        plan.levels[depth].append(PlannedCategory(category, depth))
    for level in plan.levels:
        level.sort(
            key=lambda planned: (clean_text(planned.category.name).lower(), planned.category.id)
        )
    return plan


def _depth(
    category: Category,
    by_id: Mapping[str, Category],
    depths: dict[str, int],
    orphans: dict[str, str],
) -> int | None:
    chain: list[Category] = []
    current: Category | None = category
    while current is not None and current.id not in depths and current.id not in orphans:
        if current in chain:
            return _set_aside(chain, "categories form a cycle", orphans)
        chain.append(current)
        parent_id = current.parent_id
        if parent_id is None:
            current = None
        elif parent_id not in by_id:
            return _set_aside(chain, f"parent category {parent_id} is missing", orphans)
        else:
            current = by_id[parent_id]
    if current is not None and current.id in orphans:
        return _set_aside(chain, f"parent category {current.id} was set aside", orphans)
    base = -1 if current is None else depths[current.id]
    for offset, item in enumerate(reversed(chain), start=1):
        depths[item.id] = base + offset
    return depths[category.id]


def _set_aside(chain: list[Category], reason: str, orphans: dict[str, str]) -> None:
    for item in chain:
        orphans.setdefault(item.id, reason)
    return None
