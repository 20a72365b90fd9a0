from engine.model import Category
from engine.sync.category_plan import plan_levels


def _ids(level: list) -> list[str]:
    return [p.category.id for p in level]


def test_levels_put_parents_before_children() -> None:
    plan = plan_levels(
        [
            Category("c3", "Espresso", parent_id="c2"),
            Category("c2", "Coffee", parent_id="c1"),
            Category("c1", "Food"),
            Category("c4", "Tea", parent_id="c1"),
        ]
    )
    assert [_ids(level) for level in plan.levels] == [["c1"], ["c2", "c4"], ["c3"]]
    assert plan.orphans == {}


def test_orphans_and_their_children_are_set_aside_with_a_reason() -> None:
    plan = plan_levels(
        [
            Category("a", "Lost", parent_id="missing"),
            Category("b", "Below lost", parent_id="a"),
            Category("ok", "Fine"),
        ]
    )
    assert [_ids(level) for level in plan.levels] == [["ok"]]
    assert "missing" in plan.orphans["a"]
    assert set(plan.orphans) == {"a", "b"}


def test_cycles_do_not_hang_and_are_set_aside() -> None:
    plan = plan_levels([Category("x", "X", parent_id="y"), Category("y", "Y", parent_id="x")])
    assert plan.levels == []
    assert set(plan.orphans) == {"x", "y"}


def test_inactive_categories_are_left_alone() -> None:
    plan = plan_levels(
        [Category("gone", "Old", active=False), Category("kid", "K", parent_id="gone")]
    )
    assert plan.levels == []
    assert "kid" in plan.orphans
