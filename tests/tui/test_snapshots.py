"""SVG snapshots of every screen at 80×24 (the SSH/tmux size) and a large terminal.

Deterministic by construction: the console's clock is stopped at ``seed.NOW``,
the store was written with a fixed clock, the sandboxes are seeded, the
displayed URLs are fixed (see ``seed.engine_factory``), reachability timings
are pinned (``steady_probe``), and every shot waits until no worker runs.
Update with ``pytest tests/tui --snapshot-update`` after a deliberate change.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

import pytest
from textual.pilot import Pilot

from engine.runtime.views_setup import SetupAnswers
from tests.tui.pilot import settle, until
from tui.screens.first_run import FirstRunScreen

pytestmark = pytest.mark.usefixtures("steady_probe")


def keys(*pressed: str) -> Callable[[Pilot], object]:
    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        for key in pressed:
            await pilot.press(key)
            await settle(pilot)

    return run_before


SCREENS: dict[str, Iterable[str]] = {
    "dashboard": (),
    "logs": ("2",),
    "orders_failed": ("3",),
    "orders_held": ("3", "right_square_bracket"),
    "orders_writebacks": ("3", *["right_square_bracket"] * 8),
    "mappings_payments": ("4", "right_square_bracket"),
    "products_linked": ("5",),
    "settings": ("6",),
}


@pytest.mark.parametrize("name", list(SCREENS))
def test_screen_at_80x24(name: str, make_app, snap_compare) -> None:
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=keys(*SCREENS[name]))


@pytest.mark.parametrize("name", ["dashboard", "orders_failed", "logs"])
def test_screen_at_120x36(name: str, make_app, snap_compare) -> None:
    assert snap_compare(make_app(), terminal_size=(120, 36), run_before=keys(*SCREENS[name]))


def test_dashboard_light_theme(make_app, snap_compare) -> None:
    app = make_app()

    async def light(pilot: Pilot) -> None:
        pilot.app.theme = "textual-light"
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=light)


def test_void_asks_first_and_says_it_is_irreversible(make_app, snap_compare) -> None:
    run_before = keys(
        "3", "right_square_bracket", "right_square_bracket", "right_square_bracket", "v"
    )
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run_before)


def test_schedule_editor_rejects_a_bad_expression_inline(make_app, snap_compare) -> None:
    async def bad_schedule(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("6")
        await settle(pilot)
        field = pilot.app.screen.query_one("#schedule-stock")
        field.focus()
        field.value = "every 10 parsecs"
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=bad_schedule)


def _first_run() -> Callable[[Pilot], object]:
    answers = SetupAnswers(
        woo_url="https://shop.example.com",
        consumer_key="ck_0123456789abcdef0123456789abcdef01234567",
        consumer_secret="cs_f00dfeedf00dfeedf00dfeedf00dfeedf00dfeed",
        base_url="https://167.koronacloud.com/web/api/v3",
        user="woo-sync",
    )

    async def first_run(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.app.push_screen(FirstRunScreen(None, answers))
        await settle(pilot)
        # the screen focuses its first field after a refresh: wait for it, not for time
        await until(pilot, lambda: getattr(pilot.app.focused, "id", None) == "f-connection")
        await settle(pilot)

    return first_run


def _one_back_office(monkeypatch: pytest.MonkeyPatch) -> None:
    """The shot is of KORONA's questions whatever else is installed (another installed
    back office adds a "Back office" choice above them)."""
    monkeypatch.setattr(
        "tui.screens.first_run.backend_choices", lambda: (("korona", "KORONA POS"),)
    )


def test_first_run_credentials(make_app, snap_compare, monkeypatch) -> None:
    _one_back_office(monkeypatch)
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=_first_run())


def test_first_run_credentials_shot_late(make_app, snap_compare, monkeypatch) -> None:
    """The shot a loaded machine takes: a blink cycle after the screen settled.

    A focused Input blinks its cursor every 0.5 s, so a shot taken late caught
    it blinked off and differed from the reference.  This waits until the
    cursor blinks off or a whole blink cycle has passed, then shoots.
    """
    _one_back_office(monkeypatch)
    settled = _first_run()

    async def late(pilot: Pilot) -> None:
        await settled(pilot)
        field = pilot.app.focused
        deadline = time.monotonic() + 1.2  # more than one whole on/off cycle
        while time.monotonic() < deadline and getattr(field, "_cursor_visible", False):
            await pilot.pause(0.05)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=late)
