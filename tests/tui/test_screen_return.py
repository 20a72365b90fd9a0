"""A key that changes the screen shows the screen as it was left, at once (issue 21).

During a sync each such key cost 60-200 ms until its frame was on the terminal
(bench/README finding 11): Textual held every frame of a mode switch for 50 ms,
restyled the whole screen shown again (dropping its tables' rendered rows),
rebuilt its footer two or three times, and a screen's first visit laid out
and rendered every widget from scratch.  Each test counts one of those; none
times anything.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual.css.stylesheet import Stylesheet
from textual.dom import DOMNode

from tests.tui.pilot import settle, until
from tui.app import TillsyncApp
from tui.widgets.console_footer import ConsoleFooter
from tui.widgets.nav_bar import NavBar

ROUND = ("2", "3", "5", "1")  # logs, orders, products, dashboard


def _restyled(monkeypatch) -> list[str]:
    """The type of every node Textual restyles from now on."""
    seen: list[str] = []
    original = Stylesheet.update_nodes

    def update_nodes(self, nodes: Iterable[DOMNode], animate: bool = False) -> None:
        nodes = list(nodes)
        seen.extend(type(node).__name__ for node in nodes)
        original(self, nodes, animate=animate)

    monkeypatch.setattr(Stylesheet, "update_nodes", update_nodes)
    return seen


def _rebuilds(app: TillsyncApp) -> int:
    return sum(footer.rebuilds for footer in app.query(ConsoleFooter)) + sum(
        footer.rebuilds
        for stack in app._screen_stacks.values()
        for screen in stack
        for footer in screen.query(ConsoleFooter)
    )


async def _visit(pilot, keys: Iterable[str]) -> None:
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


async def test_a_return_restyles_nothing_and_keeps_the_footer(make_app, monkeypatch) -> None:
    """Shown again, a screen keeps its styles and its footer's keys (257 widgets
    restyled and 10 footer rebuilds in one round of four keys before)."""
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await until(pilot, lambda: app.current_mode == "dashboard")
        await settle(pilot)
        await _visit(pilot, ROUND)
        restyled = _restyled(monkeypatch)
        rebuilt = _rebuilds(app)
        await _visit(pilot, ROUND)
        assert app.current_mode == "dashboard"
        assert restyled == []
        assert _rebuilds(app) == rebuilt


async def test_what_changed_while_hidden_is_styled_at_the_return(make_app, monkeypatch) -> None:
    """An app class set while the dashboard was hidden (as a breakpoint is) restyles it
    when it shows again."""
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await until(pilot, lambda: app.current_mode == "dashboard")
        await settle(pilot)
        await _visit(pilot, ["2"])
        restyled = _restyled(monkeypatch)
        app.add_class("-changed-meanwhile", update=False)  # nothing restyled yet
        await _visit(pilot, ["1"])
        assert "DashboardScreen" in restyled


async def test_a_switch_frame_goes_out_once_the_screen_resumed(make_app) -> None:
    """The hold Textual puts on a switch's frames ends when the new screen has resumed:
    with its 50 ms timer never firing, the logs screen still gets its frame out."""
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await until(pilot, lambda: app.current_mode == "dashboard")
        await settle(pilot)
        set_timer = app.set_timer

        def no_hold_timer(delay: float, callback: Any = None, **options: Any) -> Any:
            if options.get("name") == "delay_update":
                return None  # only the screen's resume can end the hold now
            return set_timer(delay, callback, **options)

        app.set_timer = no_hold_timer  # type: ignore[method-assign]
        shown: list[str] = []
        display = app._display

        def frame(screen: Any, renderable: Any) -> None:
            if renderable is not None and not app._batch_count:
                shown.append(app.current_mode)
            display(screen, renderable)

        app._display = frame  # type: ignore[method-assign]
        released = app.frame_holds.released_early
        await pilot.press("2")
        await until(pilot, lambda: "logs" in shown)
        assert app.frame_holds.released_early == released + 1


async def test_a_first_visit_finds_its_screen_laid_out(make_app) -> None:
    """Screens composed ahead are laid out and rendered ahead too, so a first visit
    does not arrange and render every widget from scratch (40-70 ms of render and
    20-50 ms of layout during a sync before): before any visit its widgets have
    their size and their lines drawn (a table redraws once its size is fitted)."""
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await until(pilot, lambda: app.current_mode == "dashboard")
        await settle(pilot)
        for mode in ("logs", "orders", "products"):
            screen = app._screen_stacks[mode][0]  # composed ahead, never shown
            bar = screen.query_one(NavBar)
            assert bar.size.width == 120 and bar._styles_cache._cache  # its lines drawn
